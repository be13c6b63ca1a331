import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { editFraction, generateNotes } from "../../bench/generate.js";
import { ingest } from "../../src/index/ingest.js";
import { LocalEmbeddings } from "../../src/index/local-embeddings.js";
import { openStore, type Store } from "../../src/index/store.js";

const embedder = new LocalEmbeddings();
const info = { name: embedder.info.signature, dimensions: embedder.info.dimensions };

let root: string;
const stores: Store[] = [];

/** Every chunk row and its vector, in label order: two equal snapshots mean equal indexes. */
function snapshot(store: Store) {
  const rows = store.db.prepare("SELECT * FROM chunks ORDER BY label").all() as {
    label: number;
  }[];
  return rows.map((row) => ({ row, vector: store.getVector(row.label) }));
}

function makeCopy(name: string, from: string): { notesDir: string; store: Store } {
  const notesDir = path.join(root, name, "notes");
  cpSync(from, notesDir, { recursive: true });
  const store = openStore(path.join(root, name, "data"), info);
  stores.push(store);
  return { notesDir, store };
}

/** The local embedder configured differently from a default one, counting what it embeds. */
class WiderNgrams extends LocalEmbeddings {
  texts = 0;
  constructor() {
    super({ ngramWeight: 0.9 });
  }
  override embedDocuments(texts: string[]) {
    this.texts += texts.length;
    return super.embedDocuments(texts);
  }
}

describe("ingest on worker threads", () => {
  let corpus: string;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), "michi-workers-"));
    corpus = path.join(root, "corpus");
    await generateNotes({ items: 600, dir: corpus, itemsPerNote: 40 });
  });

  afterAll(() => {
    for (const s of stores.splice(0)) s.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("builds exactly the index an inline ingest builds: same rows, labels and vectors", async () => {
    const inline = makeCopy("inline", corpus);
    const threaded = makeCopy("threaded", corpus);
    const a = await ingest({
      notesDir: inline.notesDir,
      store: inline.store,
      embedder,
      workers: 0,
    });
    const b = await ingest({
      notesDir: threaded.notesDir,
      store: threaded.store,
      embedder,
      workers: 2,
    });
    expect(b.embedded).toBe(a.embedded);
    expect(a.embedded).toBeGreaterThan(600);
    expect(b.changes).toEqual(a.changes);
    expect(b.parsed).toEqual(a.parsed);
    expect(snapshot(threaded.store)).toEqual(snapshot(inline.store));

    // An edit afterwards takes the read-all-then-decide path, also on workers.
    await editFraction(inline.notesDir, 0.05);
    await editFraction(threaded.notesDir, 0.05);
    const c = await ingest({
      notesDir: inline.notesDir,
      store: inline.store,
      embedder,
      workers: 0,
    });
    const d = await ingest({
      notesDir: threaded.notesDir,
      store: threaded.store,
      embedder,
      workers: 2,
    });
    expect(c.embedded).toBeGreaterThan(0);
    expect(c.embedded).toBeLessThan(a.embedded / 4);
    expect(d.embedded).toBe(c.embedded);
    expect(d.reused).toBe(c.reused);
    expect(d.changes).toEqual(c.changes);
    expect(snapshot(threaded.store)).toEqual(snapshot(inline.store));
    const searchWith = (s: Store) => s.searchVectors(embedder.embedSync("Pod の仕組み", true), 5);
    expect(searchWith(threaded.store)).toEqual(searchWith(inline.store));
  });

  it("leaves embedding to the configured embedder when the workers' local embedder differs", async () => {
    const custom = new WiderNgrams();
    const reference = new WiderNgrams();
    const threaded = makeCopy("custom-threaded", corpus);
    const inline = makeCopy("custom-inline", corpus);
    const a = await ingest({
      notesDir: inline.notesDir,
      store: inline.store,
      embedder: reference,
      workers: 0,
    });
    const b = await ingest({
      notesDir: threaded.notesDir,
      store: threaded.store,
      embedder: custom,
      workers: 1,
    });
    expect(custom.texts).toBe(b.embedded);
    expect(b.embedded).toBe(a.embedded);
    expect(snapshot(threaded.store)).toEqual(snapshot(inline.store));
  });

  it("reports a note the workers cannot read as a warning, like an inline read", async () => {
    const threaded = makeCopy("bad-threaded", corpus);
    const inline = makeCopy("bad-inline", corpus);
    for (const dir of [threaded.notesDir, inline.notesDir]) {
      writeFileSync(path.join(dir, "binary.md"), Buffer.from([0x41, 0x00, 0x42]));
    }
    const a = await ingest({
      notesDir: inline.notesDir,
      store: inline.store,
      embedder,
      workers: 0,
    });
    const b = await ingest({
      notesDir: threaded.notesDir,
      store: threaded.store,
      embedder,
      workers: 2,
    });
    expect(b.warnings).toEqual(a.warnings);
    expect(b.warnings.some((w) => w.file === "binary.md")).toBe(true);
    expect(snapshot(threaded.store)).toEqual(snapshot(inline.store));
  });
});
