/**
 * The baseline a user would reach for instead of michi: LangChain's `HNSWLib` vector store
 * (@langchain/community 1.1.29) over the same documents and the same embedder, measured the
 * way a user would run it: build with `fromDocuments`, persist with `save`, start with `load`,
 * query with `similaritySearchWithScore`.
 *
 * HNSWLib has no update or delete by document id (its `delete` removes the saved files), so
 * after an edit the honest user path is a full rebuild that re-embeds every document.
 */
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import { Document } from "@langchain/core/documents";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import hnswlib from "hnswlib-node";
import { MichiError } from "../src/errors.js";
import {
  computeRecallAtK,
  type LatencySummary,
  measureAsync,
  startRssSampler,
  startTimer,
  summarizeLatencies,
} from "./stats.js";

export interface BaselineDoc {
  /** Stable id (the same id michi gives the chunk), returned in rankings. */
  readonly id: string;
  readonly text: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface RankedHit {
  readonly id: string;
  readonly text: string;
  /** Cosine similarity (1 − the cosine distance HNSWLib returns), higher is better. */
  readonly score: number;
}

export interface BuildResult {
  readonly store: HNSWLib;
  readonly ms: number;
}

export interface QueryResult {
  readonly k: number;
  /** Per query: `similaritySearchWithScore`, i.e. embed the query, search, read the docstore. */
  readonly endToEnd: LatencySummary;
  /** Per query: the vector search alone on a pre-embedded query. */
  readonly vectorOnly: LatencySummary;
  /** Ranked hits per query, in query order, best first. */
  readonly ranked: RankedHit[][];
}

export interface DiskResult {
  readonly saveMs: number;
  readonly loadMs: number;
  /** Total size of the saved files (index, docstore, args). */
  readonly bytes: number;
}

export interface BaselineReport {
  readonly docs: number;
  readonly build: { readonly ms: number; readonly docsPerSec: number; readonly peakRss: number };
  readonly query: QueryResult;
  /** Recall@k of HNSWLib's (default-parameter) search against exact search, when measured. */
  readonly recallAtK: number | null;
  readonly disk: DiskResult;
  readonly rebuild: {
    readonly ms: number;
    /** Documents whose text changed. */
    readonly changed: number;
    /** Documents embedded again: all of them, since HNSWLib cannot update by id. */
    readonly embedded: number;
    readonly saveMs: number;
  };
}

function toDocuments(docs: readonly BaselineDoc[]): Document[] {
  return docs.map(
    (d) => new Document({ pageContent: d.text, metadata: { ...d.metadata, id: d.id }, id: d.id }),
  );
}

function toHit([doc, distance]: [Document, number]): RankedHit {
  const id = doc.metadata.id;
  if (typeof id !== "string") throw new MichiError("baseline docstore lost a document id");
  return { id, text: doc.pageContent, score: 1 - distance };
}

/** Builds the store the way LangChain's docs show: `HNSWLib.fromDocuments` (embeds everything). */
export async function buildBaseline(
  embeddings: EmbeddingsInterface,
  docs: readonly BaselineDoc[],
): Promise<BuildResult> {
  if (docs.length === 0) throw new MichiError("the baseline needs at least one document");
  const { result: store, ms } = await measureAsync(() =>
    HNSWLib.fromDocuments(toDocuments(docs), embeddings),
  );
  return { store, ms };
}

/**
 * What a HNSWLib user does after editing notes: there is no update by id, so rebuild from the
 * whole edited corpus, re-embedding every document, changed or not.
 */
export async function rebuildBaseline(
  embeddings: EmbeddingsInterface,
  editedDocs: readonly BaselineDoc[],
): Promise<BuildResult> {
  return buildBaseline(embeddings, editedDocs);
}

/**
 * Runs each query through `similaritySearchWithScore` (k results) and through the vector search
 * alone, timing each call. One untimed warm-up query runs first so lazy initialisation is not
 * counted as a query.
 */
export async function queryBaseline(
  store: HNSWLib,
  queries: readonly string[],
  k = 10,
): Promise<QueryResult> {
  if (queries.length === 0) throw new MichiError("no queries to run against the baseline");
  const limit = Math.min(k, store.index.getCurrentCount());
  await store.similaritySearchWithScore(queries[0] ?? "", limit);
  const endToEnd: number[] = [];
  const ranked: RankedHit[][] = [];
  for (const query of queries) {
    const elapsed = startTimer();
    const hits = await store.similaritySearchWithScore(query, limit);
    endToEnd.push(elapsed());
    ranked.push(hits.map(toHit));
  }
  // Queries go through embedQuery, as similaritySearchWithScore does (it may differ from
  // embedDocuments, e.g. query-side weighting).
  const vectors = await embedQueries(store.embeddings, queries);
  const vectorOnly: number[] = [];
  for (const vector of vectors) {
    const elapsed = startTimer();
    await store.similaritySearchVectorWithScore(vector, limit);
    vectorOnly.push(elapsed());
  }
  return {
    k: limit,
    endToEnd: summarizeLatencies(endToEnd),
    vectorOnly: summarizeLatencies(vectorOnly),
    ranked,
  };
}

/**
 * Exact top-k hits per query over the vectors stored in `store`, by brute force (hnswlib's
 * BruteforceSearch, cosine), to measure HNSW recall. Holds a second copy of the vectors
 * while it runs: measure memory before calling it.
 */
export async function searchExactBaseline(
  store: HNSWLib,
  queries: readonly string[],
  k = 10,
): Promise<RankedHit[][]> {
  const index = store.index;
  const labels = index.getIdsList();
  const exact = new hnswlib.BruteforceSearch("cosine", index.getNumDimensions());
  exact.initIndex(Math.max(1, labels.length));
  for (const label of labels) exact.addPoint(index.getPoint(label), label);
  const limit = Math.min(k, labels.length);
  const vectors = await embedQueries(store.embeddings, queries);
  return vectors.map((vector) => {
    const { neighbors, distances } = exact.searchKnn(vector, limit);
    // Sort by distance ourselves rather than rely on the result order.
    return neighbors
      .map((label, i) => ({ label, distance: distances[i] ?? Number.POSITIVE_INFINITY }))
      .sort((a, b) => a.distance - b.distance)
      .map(({ label, distance }) => ({ ...docOfLabel(store, label), score: 1 - distance }));
  });
}

async function embedQueries(
  embeddings: EmbeddingsInterface,
  queries: readonly string[],
): Promise<number[][]> {
  const vectors: number[][] = [];
  for (const query of queries) vectors.push(await embeddings.embedQuery(query));
  return vectors;
}

function docOfLabel(store: HNSWLib, label: number): { id: string; text: string } {
  const doc = store.docstore.search(String(label));
  const id = typeof doc === "string" ? undefined : doc.metadata.id;
  if (typeof doc === "string" || typeof id !== "string") {
    throw new MichiError(`baseline docstore has no document ${label}`);
  }
  return { id, text: doc.pageContent };
}

async function measureDirBytes(dir: string): Promise<number> {
  const names = await readdir(dir);
  const sizes = await Promise.all(names.map(async (n) => (await stat(path.join(dir, n))).size));
  return sizes.reduce((a, b) => a + b, 0);
}

/** Saves the store (`hnswlib.index`, `docstore.json`, `args.json`) and reports time and size. */
export async function saveBaseline(
  store: HNSWLib,
  dir: string,
): Promise<{ ms: number; bytes: number }> {
  const { ms } = await measureAsync(() => store.save(dir));
  return { ms, bytes: await measureDirBytes(dir) };
}

/** Loads a saved store, as a bot or CLI does at start-up. */
export async function loadBaseline(
  dir: string,
  embeddings: EmbeddingsInterface,
): Promise<BuildResult> {
  const { result: store, ms } = await measureAsync(() => HNSWLib.load(dir, embeddings));
  return { store, ms };
}

function countChanged(before: readonly BaselineDoc[], after: readonly BaselineDoc[]): number {
  const texts = new Map(before.map((d) => [d.id, d.text]));
  return after.filter((d) => texts.get(d.id) !== d.text).length;
}

export interface RunBaselineOptions {
  readonly embeddings: EmbeddingsInterface;
  readonly docs: readonly BaselineDoc[];
  /** The same corpus after the edit (e.g. `editFraction(dir, 0.01)` then re-parse). */
  readonly editedDocs: readonly BaselineDoc[];
  readonly queries: readonly string[];
  readonly k?: number;
  /** Also compute recall@k against brute-force search (costs a second copy of the vectors). */
  readonly measureRecall?: boolean;
  /** Where to save the index; a fresh temp dir (removed afterwards) when omitted. */
  readonly workDir?: string;
}

/**
 * The whole baseline run: build, query, exact-search recall, save and load, and the full
 * rebuild after an edit. Queries run against the loaded store, as they would after a restart.
 */
export async function runBaseline(opts: RunBaselineOptions): Promise<BaselineReport> {
  const k = opts.k ?? 10;
  const ownDir = opts.workDir === undefined;
  const dir = opts.workDir ?? (await mkdtemp(path.join(tmpdir(), "michi-baseline-")));
  try {
    const rss = startRssSampler();
    const built = await buildBaseline(opts.embeddings, opts.docs);
    const peakRss = rss.stop().peakSampled;
    const saved = await saveBaseline(built.store, path.join(dir, "index"));
    const loaded = await loadBaseline(path.join(dir, "index"), opts.embeddings);
    const query = await queryBaseline(loaded.store, opts.queries, k);
    const recallAtK = opts.measureRecall
      ? computeRecallAtK(
          query.ranked.map((hits) => hits.map((h) => h.id)),
          (await searchExactBaseline(loaded.store, opts.queries, k)).map((hits) =>
            hits.map((h) => h.id),
          ),
          k,
        )
      : null;
    const rebuilt = await rebuildBaseline(opts.embeddings, opts.editedDocs);
    const resaved = await saveBaseline(rebuilt.store, path.join(dir, "rebuilt"));
    return {
      docs: opts.docs.length,
      build: { ms: built.ms, docsPerSec: (opts.docs.length / built.ms) * 1000, peakRss },
      query,
      recallAtK,
      disk: { saveMs: saved.ms, loadMs: loaded.ms, bytes: saved.bytes },
      rebuild: {
        ms: rebuilt.ms,
        changed: countChanged(opts.docs, opts.editedDocs),
        embedded: opts.editedDocs.length,
        saveMs: resaved.ms,
      },
    };
  } finally {
    if (ownDir) await rm(dir, { recursive: true, force: true });
  }
}
