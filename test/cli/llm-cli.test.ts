import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeWorkspace, runChild } from "../support/cli.js";
import { type FakeOpenAI, promptText, startFakeOpenAI } from "../support/fake-openai.js";

let ws: ReturnType<typeof makeWorkspace>;
let server: FakeOpenAI;
const KEY = "sk-test-SECRET-do-not-leak";

beforeEach(async () => {
  ws = makeWorkspace();
  server = await startFakeOpenAI({
    reply: (req) =>
      promptText(req).includes("DaemonSetは各ノードに1つずつ")
        ? "DaemonSetは各ノードにPodを1つずつ配置します [1]。"
        : "ノートには記述がありません。",
  });
});
afterEach(async () => {
  await server.close();
  ws.cleanup();
});

const env = () => ({
  OPENAI_BASE_URL: server.url,
  OPENAI_API_KEY: KEY,
  MICHI_CHAT_MODEL: "fake-chat",
  MICHI_LLM_TIMEOUT: "5",
});

describe("michi ask with an OpenAI-compatible server", () => {
  it("answers through the LLM, grounded in the DaemonSet item and its status", async () => {
    const run = await runChild(["ask", "--json", "DaemonSetって何?"], { cwd: ws.dir, env: env() });
    const answer = JSON.parse(run.stdout);
    expect(answer).toMatchObject({
      mode: "llm",
      flag: "known",
      answer: "DaemonSetは各ノードにPodを1つずつ配置します [1]。",
    });
    expect(answer.sources[0]).toMatchObject({
      text: "DaemonSetは各ノードに1つずつPodを配置するという認識",
      status: "known",
    });
    const prompt = promptText(server.chatRequests()[0]?.body as never);
    expect(prompt).toContain("DaemonSetは各ノードに1つずつPodを配置するという認識");
    expect(prompt).toMatch(/known/);
  });

  it("flags none when the model cites none of the retrieved notes", async () => {
    server.setReply(() => "ノートには記述がありません。");
    const run = await runChild(["ask", "--json", "DaemonSetって何?"], { cwd: ws.dir, env: env() });
    const answer = JSON.parse(run.stdout);
    expect(answer).toMatchObject({ mode: "llm", flag: "none", sources: [] });
    expect(answer.notices.join(" ")).toMatch(/cited none of the \d+ retrieved notes/);
    // The model did see the retrieved notes: it judged them, retrieval did not drop them.
    expect(promptText(server.chatRequests()[0]?.body as never)).toContain("DaemonSetは各ノードに");
  });

  it("falls back to the extractive answer when the server fails, exiting 0 without leaking the key", async () => {
    server.setMode("500");
    const started = Date.now();
    const run = await runChild(["ask", "--json", "DaemonSetって何?"], { cwd: ws.dir, env: env() });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout);
    expect(answer).toMatchObject({ mode: "extractive", flag: "known" });
    expect(answer.notices.join(" ")).toContain("fake-chat");
    expect(run.stdout + run.stderr).not.toContain(KEY);
  });

  it("embeds through the server with MICHI_EMBEDDINGS=openai, as floats, in batches", async () => {
    const run = await runChild(["ingest", "--json"], {
      cwd: ws.dir,
      env: { ...env(), MICHI_EMBEDDINGS: "openai", MICHI_EMBEDDING_MODEL: "fake-embed" },
    });
    const summary = JSON.parse(run.stdout);
    expect(summary.embedded).toBe(summary.chunks);
    const requests = server.embeddingRequests();
    expect(requests.length).toBeGreaterThan(1); // the dimension probe, then the batches
    for (const r of requests)
      expect(r.body).toMatchObject({ model: "fake-embed", encoding_format: "float" });
    const again = JSON.parse(
      (
        await runChild(["ask", "--json", "DaemonSetって何?"], {
          cwd: ws.dir,
          env: { ...env(), MICHI_EMBEDDINGS: "openai", MICHI_EMBEDDING_MODEL: "fake-embed" },
        })
      ).stdout,
    );
    expect(again.sources[0].text).toContain("DaemonSet");
  });
});
