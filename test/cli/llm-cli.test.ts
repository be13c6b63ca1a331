import { writeFileSync } from "node:fs";
import path from "node:path";
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

  it("eval --answers scores the model's answers: a near miss it cites nothing for is none", async () => {
    // The model finds the DaemonSet question answered by the notes, the restart question not.
    server.setReply((req) =>
      /Question: DaemonSet/.test(promptText(req))
        ? "DaemonSetは各ノードにPodを1つずつ配置します [1]。"
        : "ノートには記述がありません。",
    );
    const file = path.join(ws.dir, "q.jsonl");
    writeFileSync(
      file,
      [
        { id: "a", q: "DaemonSetって何?", note: "k8s-weekly-log-2.md" },
        { id: "b", q: "StatefulSetのPodを再起動するには?", flag: "none" },
      ]
        .map((q) => JSON.stringify(q))
        .join("\n"),
    );
    const evalJson = async (...extra: string[]) =>
      JSON.parse(
        (await runChild(["eval", "--json", ...extra, file], { cwd: ws.dir, env: env() })).stdout,
      );

    // Retrieval alone finds the StatefulSet items, so it cannot call the near miss none.
    expect(await evalJson()).toMatchObject({ hit1: 1, noneAccuracy: 0 });
    expect(await evalJson("--answers")).toMatchObject({ hit1: 1, noneAccuracy: 1, falseNone: 0 });
    // An eval's questions stay out of the user's question log.
    const status = await runChild(["status", "--json"], { cwd: ws.dir, env: env() });
    expect(JSON.parse(status.stdout).history.questions).toBe(0);
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
