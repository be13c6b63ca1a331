import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MichiError } from "../../src/errors.js";
import { ingest } from "../../src/index/ingest.js";
import { LocalEmbeddings } from "../../src/index/local-embeddings.js";
import { DB_FILE, openStore } from "../../src/index/store.js";
import { openHistory } from "../../src/learning/history.js";
import { recordIngest } from "../../src/learning/record.js";

const embedder = new LocalEmbeddings();
const info = { name: embedder.info.signature, dimensions: embedder.info.dimensions };

let dir: string;
let notesDir: string;
let dataDir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "michi-schema-"));
  notesDir = path.join(dir, "notes");
  dataDir = path.join(dir, "data");
  mkdirSync(notesDir);
  writeFileSync(
    path.join(notesDir, "k8s.md"),
    "# k8s\n\n- O DaemonSetは各ノードに1つ\n- X Ingress\n",
  );
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function columnsOfChunks(db: Database.Database): string[] {
  return (db.prepare("PRAGMA table_info(chunks)").all() as { name: string }[]).map((c) => c.name);
}

/** Builds an index as michi with schema 1 left it: chunks with file offsets and markers. */
async function writeSchema1Index(): Promise<void> {
  const store = openStore(dataDir, info);
  const summary = await ingest({ notesDir, store, embedder });
  await recordIngest(openHistory(store.db), store, summary, {
    notesDir,
    now: new Date("2026-11-02T09:00:00Z"),
  });
  store.db.exec(`
    ALTER TABLE chunks ADD COLUMN text_offset INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE chunks ADD COLUMN marker TEXT;
    UPDATE chunks SET marker = '{"text":"O","offset":9,"ambiguous":false}';
    UPDATE meta SET value = '1' WHERE key = 'schema';
  `);
  store.close();
}

describe("opening an index of an older schema", () => {
  it("migrates a schema 1 index in place, keeping its chunks, vectors and history", async () => {
    await writeSchema1Index();
    const store = openStore(dataDir, info);
    try {
      expect(store.meta("schema")).toBe("2");
      expect(columnsOfChunks(store.db)).not.toContain("text_offset");
      expect(columnsOfChunks(store.db)).not.toContain("marker");
      const [hit] = store.searchVectors(await embedder.embedQuery("DaemonSetは各ノードに1つ"), 1);
      expect(store.getChunks([hit?.id ?? ""]).map((c) => c.text)).toEqual([
        "DaemonSetは各ノードに1つ",
      ]);
      expect(
        openHistory(store.db)
          .snapshot()
          .map((i) => i.text),
      ).toEqual(["DaemonSetは各ノードに1つ", "Ingress"]);
      const again = await ingest({ notesDir, store, embedder });
      expect(again.embedded).toBe(0);
    } finally {
      store.close();
    }
  });

  it("refuses an index from a newer michi, naming the file", async () => {
    const store = openStore(dataDir, info);
    store.close();
    const db = new Database(path.join(dataDir, DB_FILE));
    db.prepare("UPDATE meta SET value = '9' WHERE key = 'schema'").run();
    db.close();
    expect(() => openStore(dataDir, info)).toThrow(MichiError);
    expect(() => openStore(dataDir, info)).toThrow(new RegExp(`${DB_FILE}.*schema 9.*newer michi`));
  });
});
