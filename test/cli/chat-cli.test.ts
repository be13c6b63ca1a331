import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeWorkspace, runChild } from "../support/cli.js";
import { type FakeOpenAI, promptText, startFakeOpenAI } from "../support/fake-openai.js";

let ws: ReturnType<typeof makeWorkspace>;
beforeEach(() => {
  ws = makeWorkspace();
});
afterEach(() => ws.cleanup());

describe("michi chat", () => {
  it("answers each line offline with flags and leaves on /quit", async () => {
    const run = await runChild(["chat"], {
      cwd: ws.dir,
      input: "DaemonSetって何?\nWhat is a PersistentVolumeClaim?\n/quit\nnever asked\n",
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("45 items");
    expect(run.stdout).toContain("✅");
    expect(run.stdout).toContain("DaemonSetは各ノードに1つずつPodを配置するという認識");
    expect(run.stdout).toContain("🕳️");
    expect(run.stdout).not.toContain("never asked");
  });

  describe("with an LLM", () => {
    let server: FakeOpenAI;
    beforeEach(async () => {
      server = await startFakeOpenAI({
        reply: (req) => {
          const prompt = promptText(req);
          if (prompt.includes("Standalone question"))
            return "gVisorはどうやってシステムコールをフックする?";
          if (prompt.includes("ptrace or kvm"))
            return "gVisorはptraceかKVMでシステムコールをフックします [1]。";
          return "ノートには記述がありません。";
        },
      });
    });
    afterEach(() => server.close());

    it("streams the answer and condenses a follow-up into a standalone question for retrieval", async () => {
      const run = await runChild(["chat"], {
        cwd: ws.dir,
        input: "gVisorについて教えて\nそれはどうやって実現してる?\n/quit\n",
        env: { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-x", MICHI_CHAT_MODEL: "fake-chat" },
      });
      expect(run.code).toBe(0);
      const chats = server.chatRequests().map((r) => ({
        body: r.body as { stream?: boolean },
        prompt: promptText(r.body as never),
      }));
      const condense = chats.find((c) => c.prompt.includes("Standalone question"));
      expect(condense?.prompt).toContain("gVisorについて教えて");
      expect(condense?.prompt).toContain("それはどうやって実現してる?");
      // The follow-up was answered from the gVisor item found through the condensed question.
      const answers = chats.filter((c) => !c.prompt.includes("Standalone question"));
      expect(answers).toHaveLength(2);
      expect(answers[1]?.prompt).toContain("ptrace or kvm");
      expect(answers.every((c) => c.body.stream === true)).toBe(true);
      expect(
        run.stdout.match(/gVisorはptraceかKVMでシステムコールをフックします \[1\]。/g)?.length,
      ).toBeGreaterThanOrEqual(1);
      expect(run.stdout).toContain("[1] ✅");
    });
  });
});
