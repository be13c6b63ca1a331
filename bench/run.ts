/**
 * `npm run bench`: michi against the baseline a user would pick instead (LangChain's HNSWLib
 * vector store), on the same generated corpus and the same local embedder, at each size.
 *
 * Per size, each side runs in its own child process, so peak RSS is attributable to it:
 * - michi: cold ingest, no-op re-ingest, re-ingest after editing 1% of the items, store open
 *   time (SQLite + HNSW graph + in-memory keyword index), hybrid retrieval latency and
 *   extractive `ask` latency over the same queries, HNSW recall@10 against exact search, index
 *   size on disk.
 * - baseline: `fromDocuments` build, query latency, recall@10, save/load, the full rebuild a
 *   HNSWLib user needs after the same 1% edit.
 * Once per run: retrieval quality on the eval files over the seed notes (michi's `search` vs
 * the baseline's ranking of the same chunks), the development eval (each eval/ dev set over
 * its vault, michi vs MiniSearch over whole notes, per kind: bench/dev-eval.ts) and the wall
 * time of a cold `michi ask` process.
 *
 * Usage: tsx bench/run.ts [--items 1000,10000,100000] [--notes DIR] [--json] [--out DIR]
 *        [--queries 200] [--cold-runs 5] [--seed 1] [--no-dev-eval]
 *        tsx bench/run.ts --eval      (the development eval only)
 *        tsx bench/run.ts --none-curve  (false-none vs none-accuracy per dev set: none-curve.ts)
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import hnswlib from "hnswlib-node";
import { createApp } from "../src/app.js";
import { type EvalQuestion, evaluate, parseEvalFile } from "../src/ask/evaluate.js";
import type { Source } from "../src/ask/index.js";
import { loadConfig } from "../src/config.js";
import { MichiError } from "../src/errors.js";
import { type Chunk, chunkItems, embedTextOf } from "../src/index/chunk.js";
import type { IngestSummary } from "../src/index/ingest.js";
import { LocalEmbeddings } from "../src/index/local-embeddings.js";
import { HNSW_DEFAULTS } from "../src/index/store.js";
import { listNoteFiles, readNote } from "../src/notes/scan.js";
import {
  type BaselineDoc,
  buildBaseline,
  loadBaseline,
  queryBaseline,
  type RankedHit,
  rebuildBaseline,
  saveBaseline,
  searchExactBaseline,
} from "./baseline.js";
import { type DevEvalRow, formatDevEval, runDevEval } from "./dev-eval.js";
import { editFraction, generateNotes } from "./generate.js";
import { formatNoneCurve, runNoneCurve } from "./none-curve.js";
import {
  type Cell,
  computePercentile,
  computeRecallAtK,
  formatBytes,
  formatTable,
  type LatencySummary,
  startRssSampler,
  startTimer,
  summarizeLatencies,
} from "./stats.js";

const ROOT = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
const SEED_NOTES = path.join(ROOT, "test/fixtures/notes");
const SEED_QUESTIONS = path.join(ROOT, "test/fixtures/seed-questions.jsonl");
/** Held-out eval files, reported beside the seed file when present. */
const HELDOUT_PATTERN = /^heldout\d*-questions\.jsonl$/;
const FIXTURES = path.join(ROOT, "test/fixtures");

export const BENCH_DEFAULTS = {
  items: [1000, 10_000, 100_000] as readonly number[],
  queries: 200,
  coldRuns: 5,
  seed: 1,
  /** Share of items the re-ingest benchmark edits. */
  editFraction: 0.01,
  /** recall@k. */
  k: 10,
  /** Questions that also pay the freshness check (`ask` without `skipIngest`). */
  freshAsks: 20,
} as const;

/** SPEC §6 and the benchmark issue, checked on the largest size of the run. */
export const TARGETS = {
  itemsPerSec: 3000,
  noopMs: 3000,
  retrievalP95Ms: 20,
  recallAt10: 0.98,
  peakRssBytes: 600 * 1024 * 1024,
  coldAskMs: 800,
  editSpeedup: 20,
} as const;

export interface BenchOptions {
  /** Generated corpus sizes (list items); ignored when `notes` is set. */
  readonly items?: readonly number[];
  /** Benchmark this notes directory (copied, never modified) instead of generating. */
  readonly notes?: string;
  readonly queries?: number;
  readonly coldRuns?: number;
  readonly seed?: number;
  /** Progress lines (stderr by default). */
  readonly log?: (line: string) => void;
  /** Run the development eval (eval/ dev sets over their vaults); default false. */
  readonly devEval?: boolean;
}

export interface MichiResult {
  readonly items: number;
  readonly notes: number;
  readonly chunks: number;
  readonly coldIngest: {
    readonly ms: number;
    readonly itemsPerSec: number;
    readonly chunksPerSec: number;
    readonly embedded: number;
  };
  readonly noopIngest: { readonly ms: number; readonly embedded: number };
  readonly editIngest: {
    readonly ms: number;
    readonly editedItems: number;
    readonly editedFiles: number;
    readonly embedded: number;
  };
  /** A fresh app on the existing index: opening the store, then the first search (builds the keyword index). */
  readonly open: { readonly storeMs: number; readonly firstSearchMs: number };
  readonly retrieval: LatencySummary;
  /** Extractive `ask` with the freshness check skipped (as right after an ingest). */
  readonly ask: LatencySummary;
  /** Extractive `ask` including the no-op freshness ingest `michi ask` runs first. */
  readonly askFresh: LatencySummary;
  /** Share of the exact top k found, ties at the k-th distance counted as found. */
  readonly recallAt10: number;
  /** The same, by id only (an equally distant duplicate counts as a miss). */
  readonly recallAt10Ids: number;
  readonly hnsw: { readonly m: number; readonly efConstruction: number; readonly efSearch: number };
  /** The highest of the three processes' peaks: cold ingest, re-ingests, answering. */
  readonly peakRss: number;
  /** Highest RSS sampled during the cold ingest alone. */
  readonly ingestPeakRss: number;
  /** Peak RSS of the cold ingest process. */
  readonly ingestProcessRss: number;
  /** Peak RSS of the re-ingest process (no-op, then after the edit). */
  readonly reingestProcessRss: number;
  /** Peak RSS of the query process (open, keyword index, queries, asks). */
  readonly queryProcessRss: number;
  readonly diskBytes: number;
}

export interface BaselineResult {
  readonly docs: number;
  /** Parsing the notes into the same chunks (not counted in build times). */
  readonly parseMs: number;
  readonly build: { readonly ms: number; readonly docsPerSec: number };
  readonly rebuild: { readonly ms: number; readonly changed: number; readonly embedded: number };
  /** `similaritySearchWithScore`: embed the query, search, read the docstore. */
  readonly query: LatencySummary;
  readonly vectorOnly: LatencySummary;
  readonly recallAt10: number;
  readonly recallAt10Ids: number;
  readonly save: { readonly ms: number; readonly bytes: number };
  readonly loadMs: number;
  readonly peakRss: number;
}

export interface Ratios {
  /** Baseline build time ÷ michi cold ingest time. */
  readonly coldBuild: number;
  /** Baseline rebuild ÷ michi re-ingest after the same edit. */
  readonly editUpdate: number;
  /** Baseline query p95 ÷ michi retrieval p95 (>1: michi faster). */
  readonly queryP95: number;
  /** michi peak RSS ÷ baseline peak RSS. */
  readonly rss: number;
  /** michi index bytes ÷ baseline saved bytes. */
  readonly disk: number;
}

export interface SizeResult {
  readonly label: string;
  readonly requestedItems: number | null;
  readonly michi: MichiResult;
  readonly baseline: BaselineResult;
  readonly ratios: Ratios;
}

export interface QualityRow {
  readonly file: string;
  readonly n: number;
  readonly michi: { hit1: number; hit3: number; mrr: number; flagAccuracy: number };
  readonly baseline: { hit1: number; hit3: number; mrr: number; flagAccuracy: number };
}

export interface ColdAskResult {
  readonly command: string;
  /** Whether bin/michi.js ran the compiled build (dist/) rather than the sources through tsx. */
  readonly compiled: boolean;
  readonly runs: readonly number[];
  readonly medianMs: number;
}

export interface TargetCheck {
  readonly name: string;
  readonly target: string;
  readonly value: string;
  readonly met: boolean;
}

export interface BenchReport {
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryBytes: number;
    readonly node: string;
    readonly platform: string;
  };
  readonly startedAt: string;
  readonly totalMs: number;
  readonly sizes: readonly SizeResult[];
  readonly quality: readonly QualityRow[];
  /** Development eval per set and kind, michi vs MiniSearch (empty when not run). */
  readonly devEval: readonly DevEvalRow[];
  readonly coldAsk: ColdAskResult;
  readonly targets: readonly TargetCheck[];
}

// ---------------------------------------------------------------------------------------------
// Child processes

const THIS_FILE = fileURLToPath(import.meta.url);

/** Runs this file in a fresh Node process (tsx loader) and returns the JSON it writes. */
async function runChildPhase<T>(args: readonly string[], resultFile: string): Promise<T> {
  const tsx = import.meta.resolve("tsx");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", tsx, THIS_FILE, ...args, "--result", resultFile],
      {
        stdio: ["ignore", "inherit", "inherit"],
        env: process.env,
      },
    );
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code === 0) resolve();
      else reject(new MichiError(`bench phase ${args.join(" ")} failed (exit ${code ?? signal})`));
    });
  });
  return JSON.parse(await readFile(resultFile, "utf8")) as T;
}

/** Item texts to query with: a deterministic spread (by chunk id hash), unique, not trivial. */
function pickQueries(texts: readonly string[], n: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const text of texts) {
    const t = text.trim();
    if (t.length < 4 || seen.has(t)) continue;
    seen.add(t);
    out.push(t);
    if (out.length === n) break;
  }
  if (out.length === 0) throw new MichiError("the notes have no item to query with");
  return out;
}

/**
 * Recall@k counting ties: a returned hit is right when it is at least as close as the exact
 * k-th neighbour (float tolerance), so one of several identical vectors is not a miss.
 */
function computeRecallWithTies(
  approx: ReadonlyArray<readonly number[]>,
  exact: ReadonlyArray<readonly number[]>,
  k: number,
): number {
  let total = 0;
  let counted = 0;
  approx.forEach((distances, q) => {
    const truth = exact[q] ?? [];
    if (truth.length === 0) return;
    const kth = Math.max(...truth.slice(0, k));
    const found = distances.slice(0, k).filter((d) => d <= kth + 1e-6).length;
    total += Math.min(found, truth.length) / Math.min(k, truth.length);
    counted++;
  });
  return counted === 0 ? 1 : total / counted;
}

async function measureDirBytes(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  let bytes = 0;
  for (const e of entries) {
    if (e.isFile()) bytes += (await stat(path.join(e.parentPath, e.name))).size;
  }
  return bytes;
}

function countItems(summary: IngestSummary): number {
  const { known, partial, unknown, unmarked } = summary.items;
  return known + partial + unknown + unmarked;
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const elapsed = startTimer();
  const result = await fn();
  return { result, ms: elapsed() };
}

export type MichiIngestResult = Pick<
  MichiResult,
  "items" | "notes" | "chunks" | "coldIngest" | "ingestPeakRss"
> & { readonly processPeakRss: number };

export type MichiReingestResult = Pick<MichiResult, "noopIngest" | "editIngest"> & {
  readonly processPeakRss: number;
};

export type MichiQueryResult = Omit<
  MichiResult,
  | keyof MichiIngestResult
  | keyof MichiReingestResult
  | "peakRss"
  | "ingestProcessRss"
  | "reingestProcessRss"
  | "queryProcessRss"
> & {
  readonly processPeakRss: number;
};

function configFor(work: string) {
  // An empty environment: offline defaults (local embedder, extractive answers).
  return loadConfig(
    { MICHI_TIMEZONE: "UTC" },
    { notesDir: path.join(work, "notes"), dataDir: path.join(work, "data") },
  );
}

/** michi's cold ingest, in its own process (a first `michi ingest`). */
export async function runMichiIngestPhase(work: string): Promise<MichiIngestResult> {
  const rss = startRssSampler(20);
  const app = createApp(configFor(work));
  const cold = await timeAsync(() => app.ingest());
  const ingestPeakRss = rss.stop().peakSampled;
  app.close();
  return {
    items: countItems(cold.result),
    notes: cold.result.notes,
    chunks: cold.result.chunks,
    coldIngest: {
      ms: cold.ms,
      itemsPerSec: (countItems(cold.result) / cold.ms) * 1000,
      chunksPerSec: (cold.result.chunks / cold.ms) * 1000,
      embedded: cold.result.embedded,
    },
    ingestPeakRss,
    processPeakRss: Math.max(process.resourceUsage().maxRSS * 1024, ingestPeakRss),
  };
}

/**
 * michi's re-ingests, in a new process on the existing index (a later `michi ingest`): with
 * nothing changed, then after editing 1% of the items.
 */
export async function runMichiReingestPhase(work: string): Promise<MichiReingestResult> {
  const config = configFor(work);
  const app = createApp(config);
  const noop = await timeAsync(() => app.ingest());
  const edit = await editFraction(config.notesDir, BENCH_DEFAULTS.editFraction);
  const edited = await timeAsync(() => app.ingest());
  app.close();
  return {
    noopIngest: { ms: noop.ms, embedded: noop.result.embedded },
    editIngest: {
      ms: edited.ms,
      editedItems: edit.items,
      editedFiles: edit.files,
      embedded: edited.result.embedded,
    },
    processPeakRss: process.resourceUsage().maxRSS * 1024,
  };
}

/**
 * michi's query side, in a new process on the index the ingest phase left (as a bot or a
 * second CLI call would be): open time, retrieval and ask latency, then recall.
 */
export async function runMichiQueryPhase(
  work: string,
  queryCount: number,
): Promise<MichiQueryResult> {
  const app = createApp(configFor(work));
  const opened = await timeAsync(() => app.store());
  const store = opened.result;
  const texts = (
    store.db
      .prepare("SELECT text FROM chunks WHERE kind = 'item' ORDER BY id LIMIT ?")
      .all(queryCount * 2) as { text: string }[]
  ).map((r) => r.text);
  const queries = pickQueries(texts, queryCount);
  await writeFile(path.join(work, "queries.json"), JSON.stringify(queries));
  const first = await timeAsync(() => app.search(queries[0] ?? ""));

  const retrieval: number[] = [];
  for (const q of queries) retrieval.push((await timeAsync(() => app.search(q))).ms);
  const ask: number[] = [];
  for (const q of queries) ask.push((await timeAsync(() => app.ask(q, { skipIngest: true }))).ms);
  const askFresh: number[] = [];
  for (const q of queries.slice(0, BENCH_DEFAULTS.freshAsks)) {
    askFresh.push((await timeAsync(() => app.ask(q))).ms);
  }
  // The OS's lifetime peak so far covers opening and querying, not the exact search below.
  const processPeakRss = process.resourceUsage().maxRSS * 1024;

  // Exact search over the very vectors the store holds, one entry per chunk.
  const k = BENCH_DEFAULTS.k;
  const embedder = new LocalEmbeddings();
  const rows = store.db.prepare("SELECT id, label FROM chunks").all() as {
    id: string;
    label: number;
  }[];
  const exact = new hnswlib.BruteforceSearch("cosine", embedder.info.dimensions);
  exact.initIndex(Math.max(1, rows.length));
  const idOfLabel = new Map<number, string>();
  for (const row of rows) {
    exact.addPoint(store.getVector(row.label), row.label);
    idOfLabel.set(row.label, row.id);
  }
  const approxIds: string[][] = [];
  const approxDist: number[][] = [];
  const exactIds: string[][] = [];
  const exactDist: number[][] = [];
  for (const q of queries) {
    const vector = await embedder.embedQuery(q);
    const hits = store.searchVectors(vector, k);
    approxIds.push(hits.map((h) => h.id));
    approxDist.push(hits.map((h) => 1 - h.similarity));
    const truth = exact.searchKnn(vector, Math.min(k, rows.length));
    const order = truth.neighbors
      .map((label, i) => ({ label, d: truth.distances[i] ?? 2 }))
      .sort((a, b) => a.d - b.d);
    exactIds.push(order.map((o) => idOfLabel.get(o.label) ?? ""));
    exactDist.push(order.map((o) => o.d));
  }
  const result: MichiQueryResult = {
    open: { storeMs: opened.ms, firstSearchMs: first.ms },
    retrieval: summarizeLatencies(retrieval),
    ask: summarizeLatencies(ask),
    askFresh: summarizeLatencies(askFresh),
    recallAt10: computeRecallWithTies(approxDist, exactDist, k),
    recallAt10Ids: computeRecallAtK(approxIds, exactIds, k),
    hnsw: {
      m: HNSW_DEFAULTS.m,
      efConstruction: HNSW_DEFAULTS.efConstruction,
      efSearch: HNSW_DEFAULTS.efSearch,
    },
    diskBytes: await measureDirBytes(path.join(work, "data")),
    processPeakRss,
  };
  app.close();
  return result;
}

/** Chunks of every note under `dir`, exactly as michi's ingest cuts and embeds them. */
export async function readChunks(dir: string): Promise<Chunk[]> {
  const out: Chunk[] = [];
  for (const noteFile of await listNoteFiles(dir)) {
    const read = await readNote(noteFile);
    if (read.ok) out.push(...chunkItems(read.note.items));
  }
  return out;
}

function toBaselineDocs(chunks: readonly Chunk[]): BaselineDoc[] {
  return chunks.map((c) => ({ id: c.id, text: embedTextOf(c) }));
}

function distancesOf(hits: readonly RankedHit[]): number[] {
  return hits.map((h) => 1 - h.score);
}

/** The baseline's side, in its own process, on its own copy of the same notes. */
export async function runBaselinePhase(
  work: string,
  queries: readonly string[],
): Promise<BaselineResult> {
  const notesDir = path.join(work, "notes");
  const embeddings = new LocalEmbeddings();
  const parsed = await timeAsync(() => readChunks(notesDir));
  const docs = toBaselineDocs(parsed.result);
  const rss = startRssSampler(20);
  const built = await buildBaseline(embeddings, docs);
  const buildPeak = rss.stop().peakSampled;
  const saved = await saveBaseline(built.store, path.join(work, "index"));
  const loaded = await loadBaseline(path.join(work, "index"), embeddings);
  const k = BENCH_DEFAULTS.k;
  const query = await queryBaseline(loaded.store, queries, k);
  const peakRss = Math.max(process.resourceUsage().maxRSS * 1024, buildPeak);
  const exact = await searchExactBaseline(loaded.store, queries, k);

  await editFraction(notesDir, BENCH_DEFAULTS.editFraction);
  const editedDocs = toBaselineDocs(await readChunks(notesDir));
  const before = new Map(docs.map((d) => [d.id, d.text]));
  const rebuilt = await rebuildBaseline(embeddings, editedDocs);
  return {
    docs: docs.length,
    parseMs: parsed.ms,
    build: { ms: built.ms, docsPerSec: (docs.length / built.ms) * 1000 },
    rebuild: {
      ms: rebuilt.ms,
      changed: editedDocs.filter((d) => before.get(d.id) !== d.text).length,
      embedded: editedDocs.length,
    },
    query: query.endToEnd,
    vectorOnly: query.vectorOnly,
    recallAt10: computeRecallWithTies(query.ranked.map(distancesOf), exact.map(distancesOf), k),
    recallAt10Ids: computeRecallAtK(
      query.ranked.map((hits) => hits.map((h) => h.id)),
      exact.map((hits) => hits.map((h) => h.id)),
      k,
    ),
    save: saved,
    loadMs: loaded.ms,
    peakRss,
  };
}

// ---------------------------------------------------------------------------------------------
// Once per run: quality on the eval files, cold `michi ask`

async function readEvalFiles(): Promise<{ file: string; questions: EvalQuestion[] }[]> {
  const names = (await readdir(FIXTURES)).filter((n) => HELDOUT_PATTERN.test(n)).sort();
  const files = [SEED_QUESTIONS, ...names.map((n) => path.join(FIXTURES, n))];
  return Promise.all(
    files.map(async (file) => ({
      file: path.relative(ROOT, file),
      questions: parseEvalFile(await readFile(file, "utf8"), file),
    })),
  );
}

/**
 * michi's `search` and the baseline's ranking of the same chunks, scored by `evaluate` on every
 * eval file. The baseline returns its top k with no relevance cut-off (it has none).
 */
export async function measureQuality(work: string): Promise<QualityRow[]> {
  const notesDir = path.join(work, "quality-notes");
  await cp(SEED_NOTES, notesDir, { recursive: true });
  const app = createApp(
    loadConfig({ MICHI_TIMEZONE: "UTC" }, { notesDir, dataDir: path.join(work, "quality-data") }),
  );
  await app.ingest();
  const chunks = await readChunks(notesDir);
  const byId = new Map(chunks.map((c) => [c.id, c]));
  const embeddings = new LocalEmbeddings();
  const { store } = await buildBaseline(embeddings, toBaselineDocs(chunks));
  const k = 5;
  const baselineSearch = async (q: string): Promise<Pick<Source, "text" | "status" | "file">[]> => {
    const hits = await store.similaritySearchWithScore(q, Math.min(k, chunks.length));
    return hits.flatMap(([doc]) => {
      const chunk = byId.get(String(doc.metadata.id));
      return chunk ? [{ text: chunk.text, status: chunk.status, file: chunk.file }] : [];
    });
  };
  const rows: QualityRow[] = [];
  for (const { file, questions } of await readEvalFiles()) {
    const m = await evaluate(questions, (q) => app.search(q, k));
    const b = await evaluate(questions, baselineSearch);
    const pick = (r: typeof m) => ({
      hit1: r.hit1,
      hit3: r.hit3,
      mrr: r.mrr,
      flagAccuracy: r.flagAccuracy,
    });
    rows.push({ file, n: m.n, michi: pick(m), baseline: pick(b) });
  }
  app.close();
  return rows;
}

/** The `michi` command a user runs (the package's bin), as argv. */
function michiCommand(): string[] {
  return [process.execPath, path.join(ROOT, "bin/michi.js")];
}

async function runTimed(argv: readonly string[], cwd: string): Promise<number> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new MichiError("empty command");
  const elapsed = startTimer();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      stdio: ["ignore", "ignore", "pipe"],
      env: { PATH: process.env.PATH, HOME: cwd },
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString("utf8");
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new MichiError(`${argv.join(" ")} failed (exit ${code}): ${stderr.trim()}`)),
    );
  });
  return elapsed();
}

async function newestMtime(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  let newest = 0;
  for (const e of entries) {
    if (e.isFile() && e.name.endsWith(".ts")) {
      newest = Math.max(newest, (await stat(path.join(e.parentPath, e.name))).mtimeMs);
    }
  }
  return newest;
}

/** Whether dist/ is at least as new as every source, i.e. bin/michi.js will run it. */
async function isBuildFresh(): Promise<boolean> {
  const built = await stat(path.join(ROOT, "dist/cli/main.js")).then(
    (s) => s.mtimeMs,
    () => -1,
  );
  return built >= 0 && built >= (await newestMtime(path.join(ROOT, "src")));
}

/**
 * Wall time of `michi ask` in a new process on the seed notes with the index present, as
 * installed: the compiled build is brought up to date first (`npm run build`).
 */
export async function measureColdAsk(work: string, runs: number): Promise<ColdAskResult> {
  if (!(await isBuildFresh())) {
    await runTimed(
      [
        process.execPath,
        path.join(ROOT, "node_modules/typescript/bin/tsc"),
        "-p",
        path.join(ROOT, "tsconfig.build.json"),
      ],
      ROOT,
    ).catch((error: unknown) => {
      // A type error elsewhere still emits JavaScript; only a missing build is fatal.
      if (!existsSync(path.join(ROOT, "dist/cli/main.js"))) throw error;
    });
  }
  const compiled = await isBuildFresh();
  const dir = path.join(work, "cold-ask");
  await cp(SEED_NOTES, path.join(dir, "notes"), { recursive: true });
  const base = [...michiCommand(), "--notes", "notes", "--data", ".michi"];
  await runTimed([...base, "ingest"], dir);
  const question = (await readEvalFiles())[0]?.questions[0]?.q ?? "DaemonSetって何?";
  const argv = [...base, "ask", question];
  // One untimed run: the first process after an ingest may still find cold disk caches.
  await runTimed(argv, dir);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await runTimed(argv, dir));
  return {
    command: `node bin/michi.js --notes notes --data .michi ask ${JSON.stringify(question)}`,
    compiled,
    runs: times,
    medianMs: computePercentile(times, 50),
  };
}

// ---------------------------------------------------------------------------------------------
// Orchestration

function labelOf(items: number): string {
  return items >= 1000 && items % 1000 === 0 ? `${items / 1000}k` : String(items);
}

function computeRatios(m: MichiResult, b: BaselineResult): Ratios {
  return {
    coldBuild: b.build.ms / m.coldIngest.ms,
    editUpdate: b.rebuild.ms / m.editIngest.ms,
    queryP95: b.query.p95 / m.retrieval.p95,
    rss: m.peakRss / b.peakRss,
    disk: m.diskBytes / b.save.bytes,
  };
}

function checkTargets(
  size: SizeResult | undefined,
  quality: readonly QualityRow[],
  coldAsk: ColdAskResult,
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const fmt = (n: number, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d });
  if (size) {
    const m = size.michi;
    const at = `(${size.label})`;
    checks.push(
      {
        name: `ingest ${at}`,
        target: `≥ ${fmt(TARGETS.itemsPerSec)} items/s`,
        value: `${fmt(m.coldIngest.itemsPerSec)} items/s`,
        met: m.coldIngest.itemsPerSec >= TARGETS.itemsPerSec,
      },
      {
        name: `no-op re-ingest ${at}`,
        target: `< ${fmt(TARGETS.noopMs)} ms, 0 embedded`,
        value: `${fmt(m.noopIngest.ms)} ms, ${m.noopIngest.embedded} embedded`,
        met: m.noopIngest.ms < TARGETS.noopMs && m.noopIngest.embedded === 0,
      },
      {
        name: `retrieval p95 ${at}`,
        target: `≤ ${TARGETS.retrievalP95Ms} ms`,
        value: `${fmt(m.retrieval.p95, 2)} ms`,
        met: m.retrieval.p95 <= TARGETS.retrievalP95Ms,
      },
      {
        name: `HNSW recall@10 ${at}`,
        target: `≥ ${TARGETS.recallAt10}`,
        value: fmt(m.recallAt10, 3),
        met: m.recallAt10 >= TARGETS.recallAt10,
      },
      {
        name: `peak RSS ${at}`,
        target: `≤ ${formatBytes(TARGETS.peakRssBytes)}`,
        value: formatBytes(m.peakRss),
        met: m.peakRss <= TARGETS.peakRssBytes,
      },
      {
        name: `1% edit vs baseline rebuild ${at}`,
        target: `≥ ${TARGETS.editSpeedup}× faster`,
        value: `${fmt(size.ratios.editUpdate, 1)}×`,
        met: size.ratios.editUpdate >= TARGETS.editSpeedup,
      },
    );
  }
  checks.push({
    name: "cold michi ask (seed notes)",
    target: `< ${TARGETS.coldAskMs} ms`,
    value: `${fmt(coldAsk.medianMs)} ms`,
    met: coldAsk.medianMs < TARGETS.coldAskMs,
  });
  const seed = quality[0];
  if (seed) {
    const ok =
      seed.michi.hit1 >= seed.baseline.hit1 &&
      seed.michi.hit3 >= seed.baseline.hit3 &&
      seed.michi.mrr >= seed.baseline.mrr;
    checks.push({
      name: `quality on ${path.basename(seed.file)}`,
      target: "hit@1, hit@3, MRR ≥ baseline",
      value: `${seed.michi.hit1}/${seed.michi.hit3}/${seed.michi.mrr} vs ${seed.baseline.hit1}/${seed.baseline.hit3}/${seed.baseline.mrr}`,
      met: ok,
    });
  }
  return checks;
}

export async function runBench(options: BenchOptions = {}): Promise<BenchReport> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const queries = options.queries ?? BENCH_DEFAULTS.queries;
  const coldRuns = options.coldRuns ?? BENCH_DEFAULTS.coldRuns;
  const started = startTimer();
  const startedAt = new Date().toISOString();
  const work = await mkdtemp(path.join(os.tmpdir(), "michi-bench-"));
  try {
    const plans: { label: string; requestedItems: number | null }[] = options.notes
      ? [{ label: path.basename(path.resolve(options.notes)), requestedItems: null }]
      : (options.items ?? BENCH_DEFAULTS.items).map((n) => ({
          label: labelOf(n),
          requestedItems: n,
        }));
    const sizes: SizeResult[] = [];
    for (const plan of plans) {
      const dir = path.join(work, plan.label);
      const corpus = path.join(dir, "corpus");
      if (options.notes) {
        await cp(path.resolve(options.notes), corpus, { recursive: true });
      } else {
        const elapsed = startTimer();
        await generateNotes({
          items: plan.requestedItems ?? 0,
          dir: corpus,
          seed: options.seed ?? BENCH_DEFAULTS.seed,
        });
        log(`[${plan.label}] generated notes in ${Math.round(elapsed())} ms`);
      }
      for (const side of ["michi", "baseline"]) {
        await cp(corpus, path.join(dir, side, "notes"), { recursive: true });
      }
      log(`[${plan.label}] michi: cold ingest…`);
      const michiWork = path.join(dir, "michi");
      const ingested = await runChildPhase<MichiIngestResult>(
        ["--phase", "michi-ingest", "--work", michiWork],
        path.join(dir, "michi-ingest.json"),
      );
      log(`[${plan.label}] michi: no-op and 1% edit re-ingest…`);
      const reingested = await runChildPhase<MichiReingestResult>(
        ["--phase", "michi-reingest", "--work", michiWork],
        path.join(dir, "michi-reingest.json"),
      );
      log(`[${plan.label}] michi: open, queries, asks, recall…`);
      const queried = await runChildPhase<MichiQueryResult>(
        ["--phase", "michi-query", "--work", michiWork, "--queries", String(queries)],
        path.join(dir, "michi-query.json"),
      );
      const { processPeakRss: ingestProcessRss, ...ingestFigures } = ingested;
      const { processPeakRss: reingestProcessRss, ...reingestFigures } = reingested;
      const { processPeakRss: queryProcessRss, ...queryFigures } = queried;
      const michi: MichiResult = {
        ...ingestFigures,
        ...reingestFigures,
        ...queryFigures,
        peakRss: Math.max(ingestProcessRss, reingestProcessRss, queryProcessRss),
        ingestProcessRss,
        reingestProcessRss,
        queryProcessRss,
      };
      log(
        `[${plan.label}] michi: ${Math.round(michi.coldIngest.itemsPerSec)} items/s, p95 ${michi.retrieval.p95.toFixed(2)} ms, recall ${michi.recallAt10.toFixed(3)}`,
      );
      log(`[${plan.label}] baseline: build, queries, recall, rebuild…`);
      const baseline = await runChildPhase<BaselineResult>(
        [
          "--phase",
          "baseline",
          "--work",
          path.join(dir, "baseline"),
          "--queries-file",
          path.join(dir, "michi", "queries.json"),
        ],
        path.join(dir, "baseline.json"),
      );
      log(
        `[${plan.label}] baseline: build ${Math.round(baseline.build.ms)} ms, rebuild ${Math.round(baseline.rebuild.ms)} ms`,
      );
      sizes.push({ ...plan, michi, baseline, ratios: computeRatios(michi, baseline) });
      await rm(dir, { recursive: true, force: true });
    }
    log("quality on the eval files…");
    const quality = await measureQuality(work);
    const devEval = options.devEval ? await runDevEval(ROOT, work, log) : [];
    log(`cold michi ask × ${coldRuns}…`);
    const coldAsk = await measureColdAsk(work, coldRuns);
    const cpus = os.cpus();
    return {
      machine: {
        cpus: cpus.length,
        cpuModel: cpus[0]?.model ?? "unknown",
        memoryBytes: os.totalmem(),
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
      },
      startedAt,
      totalMs: started(),
      sizes,
      quality,
      devEval,
      coldAsk,
      targets: checkTargets(sizes.at(-1), quality, coldAsk),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Report

const ms = (v: number) =>
  `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : Math.round(v).toLocaleString("en-US")} ms`;
const times = (v: number) => `${v >= 10 ? v.toFixed(0) : v.toFixed(1)}×`;
const rate = (v: number) => `${Math.round(v).toLocaleString("en-US")}/s`;
const lat = (s: LatencySummary) => `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.p99)}`;

function formatSize(size: SizeResult): string {
  const m = size.michi;
  const b = size.baseline;
  const rows: Cell[][] = [
    ["items / notes / chunks", `${m.items} / ${m.notes} / ${m.chunks}`, `— / — / ${b.docs}`, ""],
    ["cold ingest (build)", ms(m.coldIngest.ms), ms(b.build.ms), times(size.ratios.coldBuild)],
    ["  items/s", rate(m.coldIngest.itemsPerSec), "", ""],
    ["  chunks/s", rate(m.coldIngest.chunksPerSec), rate(b.build.docsPerSec), ""],
    [
      "no-op re-ingest",
      `${ms(m.noopIngest.ms)}, ${m.noopIngest.embedded} embedded`,
      "(full rebuild)",
      "",
    ],
    [
      `re-ingest after ${m.editIngest.editedItems} edited items`,
      `${ms(m.editIngest.ms)}, ${m.editIngest.embedded} embedded`,
      `${ms(b.rebuild.ms)}, ${b.rebuild.embedded} embedded`,
      times(size.ratios.editUpdate),
    ],
    [
      "open: store / first search",
      `${ms(m.open.storeMs)} / ${ms(m.open.firstSearchMs)}`,
      `load ${ms(b.loadMs)}`,
      "",
    ],
    ["retrieval p50/p95/p99", lat(m.retrieval), lat(b.query), times(size.ratios.queryP95)],
    ["  vector search only", "", lat(b.vectorOnly), ""],
    ["ask (extractive) p50/p95/p99", lat(m.ask), "", ""],
    ["ask + freshness check p50/p95", `${ms(m.askFresh.p50)} / ${ms(m.askFresh.p95)}`, "", ""],
    [
      "recall@10 (ties / ids)",
      `${m.recallAt10.toFixed(3)} / ${m.recallAt10Ids.toFixed(3)}`,
      `${b.recallAt10.toFixed(3)} / ${b.recallAt10Ids.toFixed(3)}`,
      "",
    ],
    [
      "HNSW M / efC / ef",
      `${m.hnsw.m} / ${m.hnsw.efConstruction} / ${m.hnsw.efSearch}`,
      "16 / 200 / 10",
      "",
    ],
    ["peak RSS", formatBytes(m.peakRss), formatBytes(b.peakRss), times(size.ratios.rss)],
    [
      "  ingest / re-ingest / query process",
      `${formatBytes(m.ingestProcessRss)} / ${formatBytes(m.reingestProcessRss)} / ${formatBytes(m.queryProcessRss)}`,
      "",
      "",
    ],
    ["  sampled during cold ingest", formatBytes(m.ingestPeakRss), "", ""],
    ["index on disk", formatBytes(m.diskBytes), formatBytes(b.save.bytes), times(size.ratios.disk)],
  ];
  return `## ${size.label}\n${formatTable(["", "michi", "HNSWLib baseline", "ratio"], rows)}`;
}

/** The human-readable report: one table per size, quality, cold ask, targets. */
export function formatReport(report: BenchReport): string {
  const { machine } = report;
  const parts = [
    `michi benchmark — ${machine.cpus} × ${machine.cpuModel}, ${formatBytes(machine.memoryBytes)}, Node ${machine.node}, ${machine.platform}`,
    "ratio: baseline time ÷ michi time (>1 = michi faster); RSS and disk: michi ÷ baseline",
    ...report.sizes.map(formatSize),
    `## retrieval quality (seed notes, k = 5)\n${formatTable(
      [
        "eval file",
        "n",
        "michi hit@1/hit@3/MRR",
        "baseline hit@1/hit@3/MRR",
        "flag acc michi/baseline",
      ],
      report.quality.map((q) => [
        path.basename(q.file),
        q.n,
        `${q.michi.hit1.toFixed(3)} / ${q.michi.hit3.toFixed(3)} / ${q.michi.mrr.toFixed(3)}`,
        `${q.baseline.hit1.toFixed(3)} / ${q.baseline.hit3.toFixed(3)} / ${q.baseline.mrr.toFixed(3)}`,
        `${q.michi.flagAccuracy.toFixed(3)} / ${q.baseline.flagAccuracy.toFixed(3)}`,
      ]),
    )}`,
    ...(report.devEval.length > 0 ? [formatDevEval(report.devEval)] : []),
    `## cold ask\n${report.coldAsk.command} (${report.coldAsk.compiled ? "compiled dist/" : "TypeScript sources through tsx: the build is stale"})\nmedian ${ms(report.coldAsk.medianMs)} over ${report.coldAsk.runs.length} runs (${report.coldAsk.runs.map((r) => Math.round(r)).join(", ")} ms)`,
    `## targets\n${formatTable(
      ["target", "goal", "measured", "met"],
      report.targets.map((t) => [t.name, t.target, t.value, t.met ? "yes" : "NO"]),
    )}`,
    `total ${(report.totalMs / 1000).toFixed(0)} s`,
  ];
  return parts.join("\n\n");
}

// ---------------------------------------------------------------------------------------------
// CLI

function parseItems(value: string): number[] {
  const items = value
    .split(",")
    .map((s) => Number(s.trim().replace(/_/g, "").replace(/k$/i, "000")));
  if (items.length === 0 || items.some((n) => !Number.isInteger(n) || n < 10)) {
    throw new MichiError(`--items: expected sizes like 1000,10000,100000, got "${value}"`);
  }
  return items;
}

function parsePositive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new MichiError(`--${name}: expected a positive whole number, got "${value}"`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      items: { type: "string" },
      notes: { type: "string" },
      json: { type: "boolean", default: false },
      out: { type: "string" },
      queries: { type: "string" },
      "cold-runs": { type: "string" },
      seed: { type: "string" },
      eval: { type: "boolean", default: false },
      "none-curve": { type: "boolean", default: false },
      "no-dev-eval": { type: "boolean", default: false },
      // Internal: one side of one size, in a child process.
      phase: { type: "string" },
      work: { type: "string" },
      "queries-file": { type: "string" },
      result: { type: "string" },
    },
  });
  if (values.phase) {
    if (!values.work || !values.result) throw new MichiError("--phase needs --work and --result");
    const result =
      values.phase === "michi-ingest"
        ? await runMichiIngestPhase(values.work)
        : values.phase === "michi-reingest"
          ? await runMichiReingestPhase(values.work)
          : values.phase === "michi-query"
            ? await runMichiQueryPhase(
                values.work,
                parsePositive("queries", values.queries ?? String(BENCH_DEFAULTS.queries)),
              )
            : await runBaselinePhase(
                values.work,
                JSON.parse(await readFile(values["queries-file"] ?? "", "utf8")) as string[],
              );
    await writeFile(values.result, JSON.stringify(result));
    return;
  }
  // The quality-only runs: each works in a temporary folder and prints a table (or JSON).
  const qualityRun = async <T>(
    name: string,
    run: (work: string, log: (line: string) => void) => Promise<T>,
    format: (result: T) => string,
  ): Promise<void> => {
    const work = await mkdtemp(path.join(os.tmpdir(), `michi-${name}-`));
    try {
      const result = await run(work, (line) => process.stderr.write(`${line}\n`));
      process.stdout.write(
        values.json ? `${JSON.stringify(result, null, 2)}\n` : `${format(result)}\n`,
      );
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  };
  if (values["none-curve"]) {
    return qualityRun("none-curve", (work, log) => runNoneCurve(ROOT, work, log), formatNoneCurve);
  }
  if (values.eval) {
    return qualityRun("dev-eval", (work, log) => runDevEval(ROOT, work, log), formatDevEval);
  }
  if (values.notes && !existsSync(values.notes))
    throw new MichiError(`--notes: no such directory: ${values.notes}`);
  const report = await runBench({
    ...(values.items ? { items: parseItems(values.items) } : {}),
    ...(values.notes ? { notes: values.notes } : {}),
    ...(values.queries ? { queries: parsePositive("queries", values.queries) } : {}),
    ...(values["cold-runs"] ? { coldRuns: parsePositive("cold-runs", values["cold-runs"]) } : {}),
    ...(values.seed ? { seed: parsePositive("seed", values.seed) } : {}),
    devEval: !values["no-dev-eval"],
  });
  const text = formatReport(report);
  if (values.out) {
    await mkdir(values.out, { recursive: true });
    await writeFile(path.join(values.out, "bench.json"), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(path.join(values.out, "bench.txt"), `${text}\n`);
  }
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${text}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(
      `bench: ${error instanceof MichiError ? error.message : ((error as Error)?.stack ?? String(error))}\n`,
    );
    process.exitCode = 1;
  });
}
