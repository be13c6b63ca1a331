import { writeFileSync } from "node:fs";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { makeWorkspace, runChild, runInProcess } from "../support/cli.js";
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

  const chat = (stdin: string, env: NodeJS.ProcessEnv = {}) =>
    runInProcess(["--notes", ws.notes, "--data", ws.data, "chat"], { cwd: ws.dir, stdin, env });
  const loggedQuestions = async () => {
    const status = await runInProcess(
      ["--notes", ws.notes, "--data", ws.data, "status", "--json"],
      {
        cwd: ws.dir,
      },
    );
    return JSON.parse(status.stdout).history.questions as number;
  };

  it("greets with the notes and items counted in the singular when there is one", async () => {
    writeFileSync(
      path.join(ws.notes, "k8s-weekly-log-2.md"),
      "# Log\n\n- O A Pod runs containers\n",
    );
    const run = await chat("/quit\n");
    expect(run.stdout).toContain("michi: 1 note, 1 item (✅ 1 🔺 0 ❓ 0 📝 0)");
  });

  it.each(["exit", "quit", ":q", "/exit", "QUIT"])(
    "leaves on %s without answering or logging it",
    async (word) => {
      const run = await chat(`DaemonSetって何?\n${word}\nWhat is a PersistentVolumeClaim?\n`);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("DaemonSetは各ノードに1つずつPodを配置するという認識");
      expect(run.stdout).not.toContain("🕳️");
      expect(run.stdout).not.toContain("PersistentVolumeClaim");
      expect(await loggedQuestions()).toBe(1);
    },
  );

  it("answers help and unknown /commands with the command list, and logs neither", async () => {
    const run = await chat("help\n/frobnicate now\n/help\n");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Unknown command /frobnicate.");
    // Three times the command list: help, the unknown command, /help.
    expect(run.stdout.match(/\/quit, exit, Ctrl-D/g)).toHaveLength(3);
    // Nothing but the banner carries a flag: no line was answered as a question.
    expect(run.stdout.split("\n").slice(1).join("\n")).not.toMatch(/🕳️|✅|❓/);
    expect(await loggedQuestions()).toBe(0);
  });

  it("clear forgets the conversation and clears a terminal screen, without logging it", async () => {
    const out = new PassThrough() as PassThrough & { isTTY?: boolean };
    out.isTTY = true;
    const chunks: Buffer[] = [];
    out.on("data", (c: Buffer) => chunks.push(c));
    const code = await runCli(["--notes", ws.notes, "--data", ws.data, "chat"], {
      stdout: out,
      stderr: new PassThrough(),
      stdin: Readable.from(["clear\n"]),
      env: {},
      cwd: ws.dir,
    });
    expect(code).toBe(0);
    const text = Buffer.concat(chunks).toString("utf8");
    expect(text).toContain("\x1b[2J");
    expect(text).toContain("Conversation cleared.");
    expect(await loggedQuestions()).toBe(0);
  });

  it("offline, searches a vague follow-up with the previous question's topic", async () => {
    const run = await chat(
      "What is it used for?\ngVisorについて教えて\nそれはどういう時に使う?\nWhat is it used for?\n",
    );
    expect(run.code).toBe(0);
    const answers = run.stdout.split(/^› /m).slice(1);
    expect(answers).toHaveLength(5);
    // Alone, the question names nothing: no flag, no item, and not logged as a question.
    expect(answers[0]).toContain("needs more context");
    expect(answers[0]).not.toMatch(/✅|🔺|❓|📝|\/unknown/);
    // Each follow-up is answered from the gVisor item (line 78), not kata-containers (line 80).
    for (const answer of answers.slice(1, 4)) {
      expect(answer).toContain("gvisorは、ptrace or kvmでシステムコールをフック");
      expect(answer).toMatch(/78行目|line 78/);
    }
    expect(await loggedQuestions()).toBe(3);
  });

  it("offline, offers and logs a vague follow-up that found nothing with its topic, not alone", async () => {
    const run = await chat("How do I configure Envoy rate limiting?\nWhat is it used for?\n");
    const answers = run.stdout.split(/^› /m).slice(1);
    // "What is it used for?" alone would be a meaningless unknown, and a meaningless gap.
    expect(answers[1]).toContain("🕳️");
    expect(answers[1]).toContain(
      "→ add it as an unknown: /unknown How do I configure Envoy rate limiting? What is it used for?",
    );
    const digest = await runInProcess(
      ["--notes", ws.notes, "--data", ws.data, "digest", "--json"],
      { cwd: ws.dir },
    );
    expect(
      JSON.parse(digest.stdout)
        .unmatchedQuestions.map((q: { question: string }) => q.question)
        .sort(),
    ).toEqual([
      "How do I configure Envoy rate limiting?",
      "How do I configure Envoy rate limiting? What is it used for?",
    ]);
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

    it("does not condense a question asked after clear with the forgotten turns", async () => {
      const run = await chat("gVisorについて教えて\nclear\nそれはどうやって実現してる?\n", {
        OPENAI_BASE_URL: server.url,
        OPENAI_API_KEY: "sk-x",
        MICHI_CHAT_MODEL: "fake-chat",
      });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("Conversation cleared.");
      const prompts = server.chatRequests().map((r) => promptText(r.body as never));
      expect(prompts).toHaveLength(2);
      expect(prompts.some((p) => p.includes("Standalone question"))).toBe(false);
    });

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
