import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BaselineDoc,
  buildBaseline,
  loadBaseline,
  queryBaseline,
  runBaseline,
  saveBaseline,
  searchExactBaseline,
} from "../../bench/baseline.js";
import { editFraction, generateNotes } from "../../bench/generate.js";
import { MichiError } from "../../src/errors.js";
import { LocalEmbeddings } from "../../src/index/local-embeddings.js";
import { parseNote } from "../../src/notes/parse.js";

const ITEMS = 1000;

/** Items of every note under `dir` as baseline documents, id `file:line` like a citation. */
async function readDocs(dir: string): Promise<BaselineDoc[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith(".md"))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
  const docs: BaselineDoc[] = [];
  for (const file of files) {
    const note = parseNote(file, await readFile(path.join(dir, file), "utf8"));
    for (const item of note.items) {
      if (item.kind !== "item") continue;
      docs.push({
        id: `${file}:${item.line}`,
        text: item.text,
        metadata: { status: item.status, title: note.title },
      });
    }
  }
  return docs;
}

/** Documents whose text occurs once, so a query with that text has one right answer. */
function pickUniqueDocs(docs: readonly BaselineDoc[], n: number): BaselineDoc[] {
  const counts = new Map<string, number>();
  for (const d of docs) counts.set(d.text, (counts.get(d.text) ?? 0) + 1);
  const unique = docs.filter((d) => counts.get(d.text) === 1);
  const step = Math.max(1, Math.floor(unique.length / n));
  return unique.filter((_, i) => i % step === 0).slice(0, n);
}

describe("HNSWLib baseline", () => {
  const embeddings = new LocalEmbeddings();
  let root: string;
  let notesDir: string;
  let docs: BaselineDoc[];

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "michi-baseline-"));
    notesDir = path.join(root, "notes");
    await generateNotes({ items: ITEMS, seed: 4, dir: notesDir });
    docs = await readDocs(notesDir);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("ranks a document first when queried with its own text", async () => {
    expect(docs).toHaveLength(ITEMS);
    const { store } = await buildBaseline(embeddings, docs);
    const targets = pickUniqueDocs(docs, 20);
    const result = await queryBaseline(
      store,
      targets.map((t) => t.text),
      10,
    );
    expect(result.ranked).toHaveLength(targets.length);
    result.ranked.forEach((hits, i) => {
      expect(hits).toHaveLength(10);
      expect(hits[0]?.id).toBe(targets[i]?.id);
      expect(hits[0]?.text).toBe(targets[i]?.text);
      // Queries may be embedded differently from documents, so the score need not be 1.
      expect(hits[0]?.score).toBeGreaterThan(0);
      expect(hits[0]?.score).toBeLessThanOrEqual(1 + 1e-6);
      const scores = hits.map((h) => h.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    });
    expect(result.endToEnd.n).toBe(targets.length);
    expect(result.vectorOnly.n).toBe(targets.length);
  });

  it("ranks by exact search no worse than HNSW does, with valid ids", async () => {
    const { store } = await buildBaseline(embeddings, docs);
    const queries = ["Podとコンテナの違い", "how does TCP congestion control work", "JWT 署名"];
    const exact = await searchExactBaseline(store, queries, 10);
    const approx = await queryBaseline(store, queries, 10);
    const ids = new Set(docs.map((d) => d.id));
    exact.forEach((hits, q) => {
      expect(hits).toHaveLength(10);
      for (const hit of hits) expect(ids.has(hit.id)).toBe(true);
      const scores = hits.map((h) => h.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      // HNSW (default ef) may miss the best match, but never beat exact search.
      for (const hit of approx.ranked[q] ?? []) {
        expect(hit.score).toBeLessThanOrEqual((hits[0]?.score ?? 0) + 1e-6);
      }
    });
  });

  it("saves to disk and loads back a store that answers the same way", async () => {
    const { store } = await buildBaseline(embeddings, docs);
    const dir = path.join(root, "saved");
    const saved = await saveBaseline(store, dir);
    expect(saved.bytes).toBeGreaterThan(0);
    expect((await readdir(dir)).sort()).toEqual(["args.json", "docstore.json", "hnswlib.index"]);
    const loaded = await loadBaseline(dir, embeddings);
    const queries = pickUniqueDocs(docs, 5).map((d) => d.text);
    const before = await queryBaseline(store, queries, 5);
    const after = await queryBaseline(loaded.store, queries, 5);
    expect(after.ranked.map((h) => h.map((x) => x.id))).toEqual(
      before.ranked.map((h) => h.map((x) => x.id)),
    );
  });

  it("reports build, query, disk, recall and a full rebuild after a 1% edit", async () => {
    const editedDir = path.join(root, "edited");
    await generateNotes({ items: ITEMS, seed: 4, dir: editedDir });
    const edit = await editFraction(editedDir, 0.01, 4);
    const editedDocs = await readDocs(editedDir);
    const queries = pickUniqueDocs(docs, 10).map((d) => d.text);
    const report = await runBaseline({
      embeddings,
      docs,
      editedDocs,
      queries,
      k: 10,
      measureRecall: true,
    });
    expect(report.docs).toBe(ITEMS);
    expect(report.build.docsPerSec).toBeGreaterThan(0);
    expect(report.build.peakRss).toBeGreaterThan(0);
    expect(report.query.ranked).toHaveLength(queries.length);
    expect(report.query.endToEnd.p99).toBeGreaterThanOrEqual(report.query.endToEnd.p50);
    expect(report.disk.bytes).toBeGreaterThan(ITEMS * 4 * 384);
    expect(report.recallAtK).not.toBeNull();
    expect(report.recallAtK ?? 0).toBeGreaterThan(0.8);
    expect(report.recallAtK ?? 2).toBeLessThanOrEqual(1);
    expect(edit.items).toBe(10);
    expect(report.rebuild.changed).toBe(edit.items);
    expect(report.rebuild.embedded).toBe(ITEMS);
  });

  it("rejects an empty corpus and an empty query list with a MichiError", async () => {
    await expect(buildBaseline(embeddings, [])).rejects.toBeInstanceOf(MichiError);
    const { store } = await buildBaseline(embeddings, docs.slice(0, 20));
    await expect(queryBaseline(store, [])).rejects.toBeInstanceOf(MichiError);
  });
});
