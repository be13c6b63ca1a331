/**
 * The wrong-write measure: every row of test/fixtures/topics/topics.jsonl (a topic, a command,
 * the item the user means, or "ask" when no item is named clearly) runs through the real
 * `learned` / `mark` on real copies of a Japanese and an English note. A row may write only the
 * item it names; a row expecting "ask" or "already" must leave every byte alone.
 */
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import type { StatusChangeOutcome } from "../../src/learning/service.js";
import type { MarkedStatus } from "../../src/notes/edit.js";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures");
const NOTES = [
  path.join(FIXTURES, "notes/k8s-weekly-log-2.md"),
  path.join(FIXTURES, "topics/rust-learning-log.md"),
];

interface Row {
  readonly id: string;
  readonly topic: string;
  readonly command: "learned" | "mark";
  readonly to?: MarkedStatus;
  readonly expect: "ask" | { outcome: "changed" | "already"; file: string; line: number };
  readonly note: string;
  readonly kind: string;
}

const rows: Row[] = readFileSync(path.join(FIXTURES, "topics/topics.jsonl"), "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as Row);

const count = (f: (r: Row) => boolean) => rows.filter(f).length;
const expectedWrites = count((r) => r.expect !== "ask" && r.expect.outcome === "changed");
const expectedAlready = count((r) => r.expect !== "ask" && r.expect.outcome === "already");
const expectedAsks = count((r) => r.expect === "ask");

let dir: string;
let notesDir: string;
let app: App;
const originals = new Map<string, Buffer>();

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "michi-topics-"));
  notesDir = path.join(dir, "notes");
  mkdirSync(notesDir);
  for (const note of NOTES) {
    const target = path.join(notesDir, path.basename(note));
    copyFileSync(note, target);
    originals.set(path.basename(note), readFileSync(target));
  }
  const config = loadConfig(
    { MICHI_TIMEZONE: "UTC", MICHI_QUESTION_LOG: "off" },
    { notesDir, dataDir: path.join(dir, ".michi") },
  );
  app = createApp(config, { now: () => new Date("2026-11-30T00:00:00Z") });
  await app.ingest();
});
afterAll(() => {
  app.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Lines (1-based) that differ between two versions of a note of the same line count. */
function changedLines(before: string, after: string): number[] {
  const a = before.split("\n");
  const b = after.split("\n");
  if (a.length !== b.length) return [-1];
  return a.flatMap((line, i) => (line === b[i] ? [] : [i + 1]));
}

interface Result {
  readonly row: Row;
  readonly outcome: StatusChangeOutcome;
  /** `file:line` of every line changed on disk. */
  readonly written: string[];
  readonly ok: boolean;
  readonly wrongWrite: boolean;
}

async function runRow(row: Row, index: number): Promise<Result> {
  const outcome =
    row.command === "learned"
      ? await app.learned(row.topic)
      : await app.mark(row.topic, row.to ?? "known");
  const written: string[] = [];
  for (const [file, bytes] of originals) {
    const full = path.join(notesDir, file);
    const now = readFileSync(full);
    if (now.equals(bytes)) continue;
    for (const line of changedLines(bytes.toString("utf8"), now.toString("utf8"))) {
      written.push(`${file}:${line}`);
    }
    // Back to the original bytes, with an mtime no earlier run had, for the next row's ingest.
    writeFileSync(full, bytes);
    const t = new Date(Date.UTC(2020, 0, 1, 0, 0, index));
    utimesSync(full, t, t);
  }
  const want = row.expect;
  const named = want === "ask" ? null : `${want.file}:${want.line}`;
  const wrongWrite =
    written.length > 0 &&
    (want === "ask" || want.outcome === "already" || written.some((w) => w !== named));
  let ok: boolean;
  if (want === "ask") {
    ok = written.length === 0 && (outcome.kind === "ambiguous" || outcome.kind === "none");
  } else if (want.outcome === "already") {
    ok =
      written.length === 0 &&
      outcome.kind === "already" &&
      outcome.item.file === want.file &&
      outcome.item.line === want.line;
  } else {
    ok =
      outcome.kind === "changed" &&
      outcome.item.file === want.file &&
      outcome.item.line === want.line &&
      written.length === 1 &&
      written[0] === named;
  }
  return { row, outcome, written, ok, wrongWrite };
}

describe("topics × notes (test/fixtures/topics/topics.jsonl)", () => {
  it(`${rows.length} topics: ${expectedWrites} writes, ${expectedAlready} already, ${expectedAsks} asks, 0 wrong writes`, async () => {
    expect(rows.length).toBeGreaterThanOrEqual(60);
    const results: Result[] = [];
    for (const [i, row] of rows.entries()) results.push(await runRow(row, i));

    const writes = results.filter((r) => r.written.length > 0).length;
    const wrong = results.filter((r) => r.wrongWrite);
    const asks = results.filter(
      (r) => r.row.expect === "ask" && r.ok && r.written.length === 0,
    ).length;
    const already = results.filter((r) => r.outcome.kind === "already" && r.ok).length;
    const misses = results.filter((r) => !r.ok);
    console.info(
      `topic fixture: ${results.length} rows, ${writes} writes, ${already} correct already, ${asks} correct asks, ${wrong.length} wrong writes, ${misses.length} rows off their expectation`,
    );
    const describeRow = (r: Result) =>
      `${r.row.id} ${r.row.command} ${JSON.stringify(r.row.topic)} → ${r.outcome.kind}${
        "item" in r.outcome ? ` line ${r.outcome.item.line}` : ""
      } wrote [${r.written.join(", ")}], expected ${JSON.stringify(r.row.expect)}`;
    expect(wrong.map(describeRow)).toEqual([]);
    expect(misses.map(describeRow)).toEqual([]);
    expect([writes, already, asks]).toEqual([expectedWrites, expectedAlready, expectedAsks]);
  }, 300_000);
});
