import {
  closeSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { LocalEmbeddings } from "../../src/index/local-embeddings.js";
import { DB_FILE, openStore } from "../../src/index/store.js";
import { HISTORY_FILE, openHistory, openHistoryFile } from "../../src/learning/history.js";
import { makeWorkspace, runChild, runInProcess } from "../support/cli.js";

let ws: ReturnType<typeof makeWorkspace>;
beforeEach(() => {
  ws = makeWorkspace();
});
afterEach(() => ws.cleanup());

const cli = (...args: string[]) =>
  runInProcess(["--notes", ws.notes, "--data", ws.data, ...args], { cwd: ws.dir });

const dbFile = () => path.join(ws.data, DB_FILE);
const graphFile = () => {
  const name = readdirSync(ws.data).find((f) => /^index-\d+\.hnsw$/.test(f));
  if (!name) throw new Error("no graph file");
  return path.join(ws.data, name);
};

/** An indexed workspace with some history: a baseline and two logged questions. */
async function indexWithHistory() {
  expect((await cli("ask", "DaemonSetって何?")).code).toBe(0);
  expect((await cli("ask", "What is a Deployment?")).code).toBe(0);
  const status = JSON.parse((await cli("status", "--json")).stdout);
  expect(status.history.questions).toBe(2);
  expect(status.history.baselineAt).not.toBeNull();
  return status.history as { baselineAt: string; questions: number; events: number };
}

/** Closes every connection so the files on disk are all there is (as after a real exit). */
function checkpoint() {
  for (const file of [dbFile(), path.join(ws.data, HISTORY_FILE)]) {
    const db = new Database(file);
    db.pragma("wal_checkpoint(TRUNCATE)");
    db.close();
  }
}

function overwrite(file: string, from: number, length: number) {
  const fd = openSync(file, "r+");
  const junk = Buffer.alloc(length);
  for (let i = 0; i < length; i++) junk[i] = (i * 151 + 7) % 256;
  writeSync(fd, junk, 0, length, from);
  closeSync(fd);
}

function expectOneClearLine(run: { code: number; stderr: string }, pattern: RegExp) {
  expect(run.code).toBe(1);
  const lines = run.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

async function expectRebuildKeepsHistory(before: { baselineAt: string; questions: number }) {
  const rebuild = await cli("ingest", "--rebuild", "--json");
  expect(rebuild.stderr).toBe("");
  expect(rebuild.code).toBe(0);
  const ask = await cli("ask", "--json", "DaemonSetって何?");
  expect(ask.code).toBe(0);
  expect(JSON.parse(ask.stdout).flag).toBe("known");
  const after = JSON.parse((await cli("status", "--json")).stdout).history;
  expect(after.baselineAt).toBe(before.baselineAt);
  expect(after.questions).toBe(before.questions + 1);
}

const DAMAGED = /^michi: the index .*michi\.db is damaged \(.+\); run `michi ingest --rebuild`/;

describe("a damaged data folder", () => {
  it.each([
    ["truncated to half", () => truncateSync(dbFile(), Math.floor(statSync(dbFile()).size / 2))],
    ["truncated mid-page", () => truncateSync(dbFile(), statSync(dbFile()).size - 1000)],
    ["with a garbled header", () => overwrite(dbFile(), 0, 100)],
    [
      "garbled after its first page",
      () => overwrite(dbFile(), 4096, statSync(dbFile()).size - 4096),
    ],
  ])(
    "michi.db %s: one clear line, and ingest --rebuild repairs it keeping the history",
    async (_, damage) => {
      const before = await indexWithHistory();
      checkpoint();
      damage();
      expectOneClearLine(await cli("ask", "DaemonSetって何?"), DAMAGED);
      expectOneClearLine(await cli("ingest"), DAMAGED);
      expectOneClearLine(await cli("status"), DAMAGED);
      await expectRebuildKeepsHistory(before);
    },
  );

  it("michi.db truncated while its write-ahead log is still there (a killed process)", async () => {
    const before = await indexWithHistory();
    await cli("ask", "Podとは?");
    truncateSync(dbFile(), Math.floor(statSync(dbFile()).size / 3));
    const run = await cli("ask", "DaemonSetって何?");
    if (run.code !== 0) expectOneClearLine(run, DAMAGED);
    await expectRebuildKeepsHistory({
      ...before,
      questions: before.questions + (run.code === 0 ? 2 : 1),
    });
  });

  it("a dropped chunks table is reported, not read as an empty index", async () => {
    const before = await indexWithHistory();
    const db = new Database(dbFile());
    db.exec("DROP TABLE chunks");
    db.close();
    expectOneClearLine(await cli("ask", "DaemonSetって何?"), /table chunks is missing/);
    expectOneClearLine(await cli("status"), DAMAGED);
    await expectRebuildKeepsHistory(before);
  });

  it("an emptied chunks table is reported too", async () => {
    await indexWithHistory();
    const db = new Database(dbFile());
    db.exec("DELETE FROM chunks");
    db.close();
    expectOneClearLine(await cli("ask", "DaemonSetって何?"), /vectors but table chunks is empty/);
  });

  it("a truncated graph file is rebuilt by itself, with a notice", async () => {
    const before = await indexWithHistory();
    checkpoint();
    truncateSync(graphFile(), Math.floor(statSync(graphFile()).size / 2));
    const ingest = await cli("ingest");
    expect(ingest.code).toBe(0);
    expect(ingest.stdout).toMatch(
      /index rebuilt: the vector index file .*index-\d+\.hnsw is damaged/,
    );
    const ask = await cli("ask", "--json", "DaemonSetって何?");
    expect(ask.code).toBe(0);
    expect(JSON.parse(ask.stdout).flag).toBe("known");
    const after = JSON.parse((await cli("status", "--json")).stdout).history;
    expect(after.baselineAt).toBe(before.baselineAt);
    // Re-indexing the same notes is no learning event.
    expect(after.events).toBe(before.events);
  });

  it("the real command exits 1 with one line, no stack, and --rebuild exits 0", async () => {
    await indexWithHistory();
    checkpoint();
    truncateSync(dbFile(), Math.floor(statSync(dbFile()).size / 2));
    const args = ["--notes", ws.notes, "--data", ws.data];
    expectOneClearLine(
      await runChild([...args, "ask", "DaemonSetって何?"], { cwd: ws.dir }),
      DAMAGED,
    );
    const rebuild = await runChild([...args, "ingest", "--rebuild"], { cwd: ws.dir });
    expect(rebuild.code).toBe(0);
  }, 120_000);
});

describe("the learning history file", () => {
  it("is separate from the index: michi.db holds no history tables", async () => {
    await indexWithHistory();
    const db = new Database(dbFile(), { readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    db.close();
    expect(tables).not.toContain("learning_events");
    expect(tables).toContain("chunks");
  });

  it("takes over an older michi's history from michi.db once, and drops it there", async () => {
    // An older michi: the history tables in the index database.
    const embedder = new LocalEmbeddings();
    const store = openStore(ws.data, {
      name: embedder.info.signature,
      dimensions: embedder.info.dimensions,
    });
    const legacy = openHistory(store.db);
    legacy.logQuestion({
      at: new Date("2026-01-02T03:04:05Z"),
      question: "古い質問",
      flag: "none",
      itemId: null,
      file: null,
      line: null,
      text: null,
      status: null,
    });
    legacy.writeMeta("baseline_at", String(+new Date("2026-01-01T00:00:00Z")));
    store.close();

    const app = createApp(loadConfig({}, { notesDir: ws.notes, dataDir: ws.data }));
    const status = await app.status();
    expect(status.history.questions).toBe(1);
    expect(status.history.baselineAt).toBe("2026-01-01T00:00:00.000Z");
    app.close();
    const again = openHistoryFile(ws.data);
    expect(again.questionCount()).toBe(1); // copied once, not twice
    const [question] = again.questionsBetween(new Date(0), new Date(8.64e15));
    expect(question?.question).toBe("古い質問");
    again.db.close();
    const db = new Database(dbFile(), { readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    db.close();
    expect(tables.filter((t) => String(t).startsWith("learning_"))).toEqual([]);
    expect(readFileSync(path.join(ws.data, HISTORY_FILE)).length).toBeGreaterThan(0);
  });
});
