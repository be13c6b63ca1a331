import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { openFeedback } from "../../src/learning/feedback.js";
import { renderDigest } from "../../src/learning/render.js";
import { runInProcess } from "../support/cli.js";
import { type FakeOpenAI, startFakeOpenAI } from "../support/fake-openai.js";
import { expectWellBehaved, type Harness, startHarness } from "./harness.js";

let h: Harness | undefined;
let llm: FakeOpenAI | undefined;
afterEach(async () => {
  await h?.close();
  await llm?.close();
  h = undefined;
  llm = undefined;
});

const EPHEMERAL = 64;

describe("interactions", () => {
  it("/ask private answers ephemerally; a none answer offers 'Add to my unknowns'", async () => {
    h = await startHarness();
    const ask = await h.fake.slashCommand("ask", {
      question: "Kubernetesのetcdのバックアップ手順は?",
      private: true,
    });
    const message = await ask.waitForOriginal();
    expect(message.flags & EPHEMERAL).toBe(EPHEMERAL);
    const ids = message.components.flatMap((row) =>
      (row.components as { custom_id: string }[]).map((c) => c.custom_id),
    );
    expect(String((message.embeds[0] as { title: string }).title)).toMatch(/^🕳️/);
    expect(ids).toEqual([`unknown:${ask.id}`, `fb:up:${ask.id}`, `fb:down:${ask.id}`]);
    await h.bot.idle();
    expectWellBehaved(h);
  });

  it("records 👍 / 👎 per user, the latest vote winning", async () => {
    h = await startHarness();
    const ask = await h.fake.slashCommand("ask", { question: "DaemonSetって何?" });
    const answer = await ask.waitForOriginal();
    const up = await h.fake.button(`fb:up:${ask.id}`, answer);
    expect((await up.response()).type).toBe(4);
    expect(((await up.response()).data as { flags: number }).flags & EPHEMERAL).toBe(EPHEMERAL);
    await h.bot.idle();
    const down = await h.fake.button(`fb:down:${ask.id}`, answer);
    await down.response();
    const other = await h.fake.button(`fb:down:${ask.id}`, answer, { userId: h.ownerId });
    await other.response();
    await h.bot.idle();
    const votes = openFeedback((await h.app.history()).db).votedBetween(
      new Date(0),
      new Date(8.64e15),
    );
    expect(votes).toHaveLength(1);
    expect(votes[0]).toMatchObject({ question: "DaemonSetって何?", flag: "known", up: 0, down: 2 });
    expectWellBehaved(h);
  });

  it("lists 👎 answers in the digest; michi feedback --export makes the 👍 ones an eval file", async () => {
    h = await startHarness();
    const good = await h.fake.slashCommand("ask", { question: "DaemonSetって何?" });
    // Each vote is recorded before the bot acknowledges the click.
    await (await h.fake.button(`fb:up:${good.id}`, await good.waitForOriginal())).response();
    const bad = await h.fake.slashCommand("ask", { question: "Serviceの種類は?" });
    await (await h.fake.button(`fb:down:${bad.id}`, await bad.waitForOriginal())).response();
    await h.bot.idle();
    const digest = await h.app.digest();
    expect(digest.disliked).toMatchObject([{ question: "Serviceの種類は?", down: 1 }]);
    expect(renderDigest(digest)).toMatch(/Answers marked 👎[^\n]*\n {2}👎×1 Serviceの種類は\?/);
    const file = path.join(h.ws.dir, "feedback.jsonl");
    const dirs = ["--notes", h.ws.notes, "--data", h.ws.data];
    const exported = await runInProcess(["feedback", "--export", file, ...dirs], { cwd: h.ws.dir });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain("👎×1 Serviceの種類は?");
    const lines = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        id: `fb-${good.id}`,
        q: "DaemonSetって何?",
        flag: "known",
        expect: "DaemonSetは各ノードに1つずつPodを配置するという認識",
        kind: "feedback",
      },
    ]);
    const evaluated = await runInProcess(["eval", file, "--json", ...dirs], { cwd: h.ws.dir });
    expect(JSON.parse(evaluated.stdout)).toMatchObject({ n: 1, hit1: 1, flagAccuracy: 1 });
    expectWellBehaved(h);
  });

  it("'Ask michi' on a message answers about its text", async () => {
    h = await startHarness();
    const run = await h.fake.messageContextMenu("Ask michi", { content: "DaemonSetって何?" });
    const message = await run.waitForOriginal();
    expect(String((message.embeds[0] as { title: string }).title)).toMatch(/^✅/);
    expect(JSON.stringify(message.embeds)).toContain("DaemonSetは各ノードに1つずつPodを配置する");
    await h.bot.idle();
    expectWellBehaved(h);
  });

  it("splits a very long answer across the reply and follow-ups, each within Discord's limits", async () => {
    const long = Array.from(
      { length: 300 },
      (_, i) => `${i}: ${"とても長い説明。".repeat(6)}`,
    ).join("\n");
    h = await startHarness({
      wrapApp: (app: App): App => ({
        ...app,
        ask: async (question, options) => {
          const real = await app.ask(question, options);
          const many = Array.from({ length: 40 }, () => real.sources).flat();
          return { ...real, answer: long, sources: many };
        },
      }),
    });
    const ask = await h.fake.slashCommand("ask", { question: "DaemonSetって何? @everyone" });
    await ask.waitForOriginal();
    await h.bot.idle();
    const followups = ask.followups();
    expect(followups.length).toBeGreaterThanOrEqual(2);
    const parts = [ask.original(), ...followups].map(
      (m) => (m?.embeds[0] as { description?: string } | undefined)?.description ?? "",
    );
    expect(parts.join("").replace(/\n/g, "")).toBe(long.replace(/\n/g, ""));
    expect(followups.at(-1)?.components.length).toBe(1);
    expectWellBehaved(h);
  });

  it("turns a failure into an ephemeral apology without paths or stacks, and keeps running", async () => {
    const secretPath = "/home/someone/private/notes/k8s.md";
    h = await startHarness({
      wrapApp: (app: App): App => ({
        ...app,
        ask: async () => {
          throw new Error(`ENOENT: no such file ${secretPath}`);
        },
      }),
    });
    const ask = await h.fake.slashCommand("ask", { question: "DaemonSetって何?" });
    const event = await ask.waitFor((e) =>
      JSON.stringify(e.data ?? {}).includes("すみません、処理中にエラーが発生しました"),
    );
    expect(JSON.stringify(event.data)).not.toContain(secretPath);
    expect(JSON.stringify(event.data)).not.toMatch(/at \w+ \(/);
    await h.bot.idle();
    expect(h.logLines.join("")).toContain("interaction failed");
    // Still serving.
    const status = await h.fake.slashCommand("status");
    expect((await status.response()).type).toBe(4);
    await h.bot.idle();
    expectWellBehaved(h);
  });

  it("answers a failing autocomplete with no choices instead of leaving it hanging", async () => {
    h = await startHarness({
      wrapApp: (app: App): App => ({
        ...app,
        suggest: async () => {
          throw new Error("index unreadable");
        },
      }),
    });
    const run = await h.fake.autocomplete("learned", "topic", "Dep");
    const response = await run.response();
    expect(response.type).toBe(8);
    expect(response.data).toEqual({ choices: [] });
    await h.bot.idle();
    expectWellBehaved(h);
  });

  it("rate-limits a user with an ephemeral 'slow down', others unaffected", async () => {
    h = await startHarness({ rateLimit: { capacity: 1, refillMs: 60_000 } });
    const first = await h.fake.slashCommand("status");
    await first.response();
    const second = await h.fake.slashCommand("status");
    const refused = await second.response();
    expect(JSON.stringify(refused.data)).toContain("少し間をおいてください");
    expect(((refused.data as { flags: number }).flags & EPHEMERAL) !== 0).toBe(true);
    const other = await h.fake.slashCommand("status", {}, { userId: h.ownerId });
    expect(JSON.stringify((await other.response()).data)).not.toContain("少し間をおいてください");
    await h.bot.idle();
    expectWellBehaved(h);
  });

  it("keeps answering after a gateway drop, resuming the session", async () => {
    h = await startHarness();
    h.fake.dropConnection();
    await h.fake.waitForResume(1, 30_000);
    const ask = await h.fake.slashCommand("ask", { question: "DaemonSetって何?" });
    const message = await ask.waitForOriginal();
    expect(String((message.embeds[0] as { title: string }).title)).toMatch(/^✅/);
    expect(h.fake.gateway.identifies).toBe(1);
    await h.bot.idle();
    expectWellBehaved(h);
  });

  it("streams an LLM answer by editing the deferred reply at a bounded rate", async () => {
    const words = Array.from({ length: 60 }, (_, i) => `語${i}`);
    llm = await startFakeOpenAI({ reply: () => `${words.join(" ")} [1]` });
    const url = llm.url;
    h = await startHarness({ env: { MICHI_CHAT_MODEL: "fake-chat", OPENAI_BASE_URL: url } });
    const ask = await h.fake.slashCommand("ask", { question: "DaemonSetって何?" });
    expect((await ask.response()).type).toBe(5);
    const message = await ask.waitForOriginal((m) =>
      String((m.embeds[0] as { title?: string } | undefined)?.title).startsWith("✅"),
    );
    expect(JSON.stringify(message.embeds)).toContain("語59");
    await h.bot.idle();
    const edits = ask.responses.filter((e) => e.kind === "edit");
    expect(edits.length).toBeGreaterThanOrEqual(1);
    // Never an edit per token: 60 tokens, a handful of edits at most.
    expect(edits.length).toBeLessThan(10);
    for (let i = 1; i < edits.length - 1; i++) {
      expect((edits[i]?.at ?? 0) - (edits[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    }
    expectWellBehaved(h);
  });
});
