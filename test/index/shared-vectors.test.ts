import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ingest } from "../../src/index/ingest.js";
import { LocalEmbeddings } from "../../src/index/local-embeddings.js";
import { openStore, type Store } from "../../src/index/store.js";

const embedder = new LocalEmbeddings();
const info = { name: embedder.info.signature, dimensions: embedder.info.dimensions };

let dir: string;
let notesDir: string;
let dataDir: string;
const stores: Store[] = [];

function open(): Store {
  const store = openStore(dataDir, info);
  stores.push(store);
  return store;
}

/** Live points in the HNSW graph, as the store records them at each commit. */
function graphPoints(store: Store): number {
  return Number(store.meta("points"));
}

/** Ids of the chunks the vector search returns for `text`, best first. */
function searchIds(store: Store, text: string, k = 10): string[] {
  return store.searchVectors(embedder.embedSync(text, true), k).map((h) => h.id);
}

function idsOfText(store: Store, text: string): string[] {
  return (
    store.db.prepare("SELECT id FROM chunks WHERE text = ? ORDER BY id").all(text) as {
      id: string;
    }[]
  ).map((r) => r.id);
}

const DUPLICATE = "- O Podは最小のデプロイ単位\n";

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "michi-shared-"));
  notesDir = path.join(dir, "notes");
  dataDir = path.join(dir, "data");
  mkdirSync(notesDir);
  for (const name of ["a", "b", "c"]) {
    writeFileSync(
      path.join(notesDir, `${name}.md`),
      `# ${name}\n\n${DUPLICATE}- X ${name}固有のメモ\n`,
    );
  }
});

afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("chunks embedding the same text", () => {
  it("share one graph point and are all found by a search", async () => {
    const store = open();
    const summary = await ingest({ notesDir, store, embedder });
    expect(summary.chunks).toBe(6);
    expect(graphPoints(store)).toBe(4);
    const copies = idsOfText(store, "Podは最小のデプロイ単位");
    expect(copies).toHaveLength(3);
    expect(searchIds(store, "Podは最小のデプロイ単位", 3).sort()).toEqual(copies);
    const labels = store.db
      .prepare("SELECT label FROM chunks WHERE text = ?")
      .all("Podは最小のデプロイ単位") as { label: number }[];
    const vectors = labels.map((l) => store.getVector(l.label));
    expect(vectors[1]).toEqual(vectors[0]);
    expect(vectors[2]).toEqual(vectors[0]);
  });

  it("keep the shared point while any copy is left, across reopening", async () => {
    let store = open();
    await ingest({ notesDir, store, embedder });
    const { id: first } = store.db
      .prepare("SELECT id FROM chunks WHERE file = 'a.md' AND text = ?")
      .get("Podは最小のデプロイ単位") as { id: string };
    rmSync(path.join(notesDir, "a.md"));
    await ingest({ notesDir, store, embedder });
    stores.pop()?.close();
    store = open();
    const left = idsOfText(store, "Podは最小のデプロイ単位");
    expect(left).toHaveLength(2);
    expect(left).not.toContain(first);
    expect(searchIds(store, "Podは最小のデプロイ単位", 2).sort()).toEqual(left);

    rmSync(path.join(notesDir, "b.md"));
    rmSync(path.join(notesDir, "c.md"));
    writeFileSync(path.join(notesDir, "d.md"), "# d\n\n- O Serviceは負荷分散する\n");
    await ingest({ notesDir, store, embedder });
    stores.pop()?.close();
    store = open();
    expect(idsOfText(store, "Podは最小のデプロイ単位")).toEqual([]);
    expect(graphPoints(store)).toBe(1);
    expect(searchIds(store, "Podは最小のデプロイ単位", 5)).toEqual(
      idsOfText(store, "Serviceは負荷分散する"),
    );
  });

  it("re-embedding a copy whose text changed gives it a point of its own", async () => {
    const store = open();
    await ingest({ notesDir, store, embedder });
    writeFileSync(path.join(notesDir, "a.md"), "# a\n\n- O Podは最小の実行単位\n- X a固有のメモ\n");
    const summary = await ingest({ notesDir, store, embedder });
    expect(summary.embedded).toBe(1);
    expect(graphPoints(store)).toBe(5);
    const [changed] = idsOfText(store, "Podは最小の実行単位");
    expect(searchIds(store, "Podは最小の実行単位", 1)).toEqual([changed]);
    expect(searchIds(store, "Podは最小のデプロイ単位", 2).sort()).toEqual(
      idsOfText(store, "Podは最小のデプロイ単位"),
    );
  });
});
