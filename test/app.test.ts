import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type App, createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger, scrubSecrets } from "../src/logger.js";
import { makeWorkspace } from "./support/cli.js";
import { type FakeOpenAI, promptText, startFakeOpenAI } from "./support/fake-openai.js";

const KEY = "sk-test-SECRETKEY-0123456789";
const TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.SECRET_token_value_ABCDEFGHIJ";

let ws: ReturnType<typeof makeWorkspace> | undefined;
let server: FakeOpenAI | undefined;
let app: App | undefined;
afterEach(async () => {
  await app?.close();
  await server?.close();
  ws?.cleanup();
  app = undefined;
  server = undefined;
  ws = undefined;
});

function capture(): { stream: { write(line: string): void }; text(): string } {
  const lines: string[] = [];
  return { stream: { write: (line: string) => void lines.push(line) }, text: () => lines.join("") };
}

describe("ask with a history in LLM mode", () => {
  it("gives the answerer the condensed standalone question, not the raw follow-up", async () => {
    ws = makeWorkspace();
    const STANDALONE = "DaemonSetはどのノードにPodを置く?";
    server = await startFakeOpenAI({
      reply: (request) =>
        promptText(request).includes("Standalone question:")
          ? STANDALONE
          : "各ノードに1つずつPodを置きます [1]。",
    });
    const config = loadConfig(
      { MICHI_CHAT_MODEL: "fake-chat", OPENAI_BASE_URL: server.url },
      { notesDir: ws.notes, dataDir: ws.data },
    );
    app = createApp(config);
    const answer = await app.ask("それはどこに置かれる?", {
      history: [{ question: "DaemonSetって何?", answer: "各ノードにPodを1つずつ置く [1]" }],
    });
    const chats = server.chatRequests();
    expect(chats).toHaveLength(2);
    const answerRequest = JSON.stringify(chats[1]?.body);
    expect(answerRequest).toContain(`Question: ${STANDALONE}`);
    expect(answerRequest).not.toContain("それはどこに置かれる?");
    expect(answer.question).toBe(STANDALONE);
    expect(answer.flag).toBe("known");
  });
});

describe("logging", () => {
  it("logs LLM retries and fallbacks, and never the configured key", async () => {
    ws = makeWorkspace();
    server = await startFakeOpenAI({ mode: { kind: "error", status: 500, message: KEY } });
    const config = loadConfig(
      {
        MICHI_CHAT_MODEL: "fake-chat",
        OPENAI_BASE_URL: server.url,
        OPENAI_API_KEY: KEY,
        MICHI_LLM_TIMEOUT: "5",
      },
      { notesDir: ws.notes, dataDir: ws.data },
    );
    const out = capture();
    const logger = createLogger({
      level: "info",
      destination: out.stream,
      secrets: [config.openai.apiKey],
    });
    app = createApp(config, { logger });
    const answer = await app.ask("DaemonSetって何?");
    expect(answer.mode).toBe("extractive");
    const lines = out
      .text()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => l.what === "ingest" && l.notes === 1)).toBe(true);
    expect(lines.some((l) => l.what === "llm" && /retrying/.test(String(l.msg)))).toBe(true);
    expect(lines.some((l) => l.what === "llm" && /extractive/.test(String(l.msg)))).toBe(true);
    expect(out.text()).not.toContain("SECRETKEY");
  }, 30_000);

  it("redacts secret fields and scrubs secret values anywhere in a line", () => {
    const out = capture();
    const logger = createLogger({ level: "info", destination: out.stream, secrets: [TOKEN, KEY] });
    logger.info({ token: TOKEN, config: { openai: { apiKey: KEY } } }, "login");
    logger.info({ detail: `failed with Bot ${TOKEN}` }, `key was ${KEY}`);
    logger.error(new Error(`Authorization: Bearer ${KEY}`), "boom");
    const text = out.text();
    expect(text).toContain("login");
    expect(text).toContain("***");
    expect(text).not.toContain("SECRET");
  });

  it("scrubs key-shaped strings even when not configured", () => {
    expect(scrubSecrets("Bearer abc.def and sk-abcdefghijk", [])).toBe("Bearer *** and sk-***");
  });

  it("writes nothing when silent", () => {
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ level: "silent", destination: sink });
    logger.error("nothing");
    expect(chunks).toEqual([]);
  });
});

describe("close", () => {
  it("waits for the ingest under way, then closes the store", async () => {
    ws = makeWorkspace();
    const config = loadConfig({}, { notesDir: ws.notes, dataDir: ws.data });
    const local = createApp(config);
    const ingesting = local.ingest();
    const store = await local.store();
    await local.close();
    await expect(ingesting).resolves.toMatchObject({ notes: 1 });
    expect(store.db.open).toBe(false);
  });
});

describe("prepareSearch", () => {
  it("builds the keyword indexes once, so the first question reads no chunk texts", async () => {
    ws = makeWorkspace();
    app = createApp(loadConfig({}, { notesDir: ws.notes, dataDir: ws.data }));
    await app.ingest();
    const store = await app.store();
    const reads = vi.spyOn(store, "embeddedTexts");

    await app.prepareSearch();
    expect(reads).toHaveBeenCalledTimes(1);
    const sources = await app.search("DaemonSetって何?");
    expect(sources[0]?.text).toContain("DaemonSet");
    expect(reads).toHaveBeenCalledTimes(1);
  });
});
