import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Embeddings } from "@langchain/core/embeddings";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ingest } from "../../src/index/ingest.js";
import { LocalEmbeddings } from "../../src/index/local-embeddings.js";
import { openStore, type Store } from "../../src/index/store.js";

const FIXTURES = new URL("../fixtures/notes/", import.meta.url).pathname;
const SEED = "k8s-weekly-log-2.md";

let dir: string;
let notesDir: string;
let dataDir: string;
const embedder = new LocalEmbeddings();
const info = { name: embedder.info.signature, dimensions: embedder.info.dimensions };
const stores: Store[] = [];

function open(infoOverride = info, rebuild = false): Store {
  const store = openStore(dataDir, infoOverride, { rebuild });
  stores.push(store);
  return store;
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "michi-ingest-"));
  notesDir = path.join(dir, "notes");
  dataDir = path.join(dir, "data");
  cpSync(FIXTURES, notesDir, { recursive: true });
});

afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Counts embedDocuments texts, delegating to the real local embedder. */
class CountingEmbeddings extends Embeddings {
  texts = 0;
  constructor(private readonly failAfter = Number.POSITIVE_INFINITY) {
    super({});
  }
  async embedDocuments(documents: string[]): Promise<number[][]> {
    if (this.texts + documents.length > this.failAfter) throw new Error("embedder crashed");
    this.texts += documents.length;
    return embedder.embedDocuments(documents);
  }
  embedQuery(document: string): Promise<number[]> {
    return embedder.embedQuery(document);
  }
}

async function topTexts(store: Store, query: string, k = 3): Promise<string[]> {
  const hits = store.searchVectors(await embedder.embedQuery(query), k);
  return store.getChunks(hits.map((h) => h.id)).map((c) => c.text);
}

describe("ingest", () => {
  it("indexes the seed note: counts by status, chunks, warnings with file and line", async () => {
    const summary = await ingest({ notesDir, store: open(), embedder });
    expect(summary.notes).toBe(1);
    expect(summary.items).toEqual({ known: 24, partial: 2, unknown: 18, unmarked: 1 });
    expect(summary.chunks).toBe(summary.embedded);
    expect(summary.chunks).toBeGreaterThan(45); // items plus prose paragraphs
    expect(summary.warnings).toContainEqual(
      expect.objectContaining({
        file: SEED,
        line: 76,
        message: expect.stringContaining("duplicate"),
      }),
    );
  });

  it("embeds nothing on a second run with nothing changed", async () => {
    const store = open();
    const counting = new CountingEmbeddings();
    const first = await ingest({ notesDir, store, embedder: counting });
    const second = await ingest({ notesDir, store, embedder: counting });
    expect(second.embedded).toBe(0);
    expect(second.reused).toBe(first.chunks);
    expect(counting.texts).toBe(first.chunks);
  });

  it("embeds nothing when only a file's mtime changed", async () => {
    const store = open();
    await ingest({ notesDir, store, embedder });
    const file = path.join(notesDir, SEED);
    writeFileSync(file, readFileSync(file));
    expect((await ingest({ notesDir, store, embedder })).embedded).toBe(0);
  });

  it("re-embeds about one chunk when one item's text is edited", async () => {
    const store = open();
    await ingest({ notesDir, store, embedder });
    const file = path.join(notesDir, SEED);
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        "DaemonSetは各ノードに1つずつ",
        "DaemonSetは全ノードに1つずつ",
      ),
    );
    const summary = await ingest({ notesDir, store, embedder });
    expect(summary.embedded).toBe(1);
    expect(summary.removed).toBe(1);
    expect(await topTexts(store, "DaemonSet 全ノード")).toContain(
      "DaemonSetは全ノードに1つずつPodを配置するという認識",
    );
  });

  it("writes only the edited item's row when the edit shifts every later item in the file", async () => {
    const store = open();
    await ingest({ notesDir, store, embedder });
    store.db.exec(`
      CREATE TEMP TABLE row_writes (id TEXT);
      CREATE TEMP TRIGGER count_inserts AFTER INSERT ON chunks BEGIN
        INSERT INTO row_writes VALUES (new.id);
      END;
      CREATE TEMP TRIGGER count_updates AFTER UPDATE ON chunks BEGIN
        INSERT INTO row_writes VALUES (new.id);
      END;
    `);
    const file = path.join(notesDir, SEED);
    // Longer text near the top: the offsets of the 40-odd items below it all move.
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        "k8sはコンテナオーケストレーター",
        "k8sはKubernetesの略で、コンテナオーケストレーター",
      ),
    );
    const summary = await ingest({ notesDir, store, embedder });
    expect(summary.embedded).toBe(1);
    const written = store.db.prepare("SELECT id FROM row_writes").all() as { id: string }[];
    const edited = store.getChunks(written.map((w) => w.id)).map((c) => c.text);
    expect(edited).toEqual([expect.stringContaining("Kubernetesの略で")]);
  });
  it("keeps an item's id and vector when only its marker changes, and reports the status change", async () => {
    const store = open();
    await ingest({ notesDir, store, embedder });
    const { id } = store.db
      .prepare("SELECT id FROM chunks WHERE text = ?")
      .get("Deploymentが何かは忘れた") as { id: string };
    const before = store.getChunks([id])[0];
    const file = path.join(notesDir, SEED);
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace("- X Deploymentが何か", "- O Deploymentが何か"),
    );
    const summary = await ingest({ notesDir, store, embedder });
    expect(summary.embedded).toBe(0);
    const after = store.getChunks([before?.id ?? ""])[0];
    expect(after?.status).toBe("known");
    expect(after?.label).toBe(before?.label);
    expect(summary.changes).toEqual([
      expect.objectContaining({ id: before?.id, from: "unknown", to: "known" }),
    ]);
  });

  it("reuses vectors when a note is renamed", async () => {
    const store = open();
    const first = await ingest({ notesDir, store, embedder });
    const { renameSync } = await import("node:fs");
    renameSync(path.join(notesDir, SEED), path.join(notesDir, "renamed.md"));
    const summary = await ingest({ notesDir, store, embedder });
    expect(summary.embedded).toBe(0);
    expect(summary.chunks).toBe(first.chunks);
    expect(store.db.prepare("SELECT DISTINCT file FROM chunks").all()).toEqual([
      { file: "renamed.md" },
    ]);
  });

  it("removes a deleted note's items from the index and from search results", async () => {
    const store = open();
    writeFileSync(path.join(notesDir, "extra.md"), "# Extra\n\n- O Istioはサービスメッシュ\n");
    await ingest({ notesDir, store, embedder });
    expect(await topTexts(store, "Istio サービスメッシュ", 1)).toEqual(["Istioはサービスメッシュ"]);
    unlinkSync(path.join(notesDir, "extra.md"));
    const summary = await ingest({ notesDir, store, embedder });
    expect(summary.removed).toBe(1);
    expect(summary.notes).toBe(1);
    const all = await topTexts(store, "Istio サービスメッシュ", 100);
    expect(all).not.toContain("Istioはサービスメッシュ");
    expect(all.length).toBe(summary.chunks);
  });

  it("skips bad files with a warning naming them and ingests the rest", async () => {
    writeFileSync(path.join(notesDir, "binary.md"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
    writeFileSync(path.join(notesDir, "latin1.md"), Buffer.from("- O caf\xe9\n", "latin1"));
    writeFileSync(path.join(notesDir, "frontmatter.md"), "---\ntitle: [oops\n---\n- O x\n");
    const summary = await ingest({ notesDir, store: open(), embedder });
    expect(summary.notes).toBe(1);
    expect(summary.items.known).toBe(24);
    const byFile = Object.fromEntries(summary.warnings.map((w) => [w.file, w]));
    expect(byFile["binary.md"]?.message).toMatch(/binary/);
    expect(byFile["latin1.md"]).toMatchObject({ line: 1, message: expect.stringMatching(/UTF-8/) });
    expect(byFile["frontmatter.md"]?.message).toMatch(/invalid frontmatter/);
  });

  it("rebuilds with a message when the embedder changes", async () => {
    await ingest({ notesDir, store: open(), embedder });
    stores.pop()?.close();
    const other = new LocalEmbeddings({ dimensions: 64 });
    const store = open({ name: other.info.signature, dimensions: 64 });
    expect(store.rebuiltBecause).toMatch(/was built with .*384|was built with/);
    const summary = await ingest({ notesDir, store, embedder: other });
    expect(summary.embedded).toBe(summary.chunks);
    expect(summary.rebuiltBecause).not.toBeNull();
    const hits = store.searchVectors(await other.embedQuery("DaemonSet"), 1);
    expect(hits).toHaveLength(1);
  });

  it("leaves the previous index usable when an ingest fails midway", async () => {
    const store = open();
    const first = await ingest({ notesDir, store, embedder });
    const before = await topTexts(store, "DaemonSet");
    stores.pop()?.close();
    writeFileSync(
      path.join(notesDir, "big.md"),
      Array.from({ length: 600 }, (_, i) => `- O item ${i}\n`).join(""),
    );
    const failing = new CountingEmbeddings(300);
    const crashed = open();
    await expect(
      ingest({ notesDir, store: crashed, embedder: failing, batchSize: 100 }),
    ).rejects.toThrow("embedder crashed");
    stores.pop()?.close();
    const reopened = open();
    expect(reopened.chunkCount()).toBe(first.chunks);
    expect(await topTexts(reopened, "DaemonSet")).toEqual(before);
    const resumed = await ingest({ notesDir, store: reopened, embedder });
    expect(resumed.embedded).toBe(600);
  });

  it("survives the process being killed mid-ingest: the reopened index is consistent", async () => {
    const store = open();
    const first = await ingest({ notesDir, store, embedder });
    stores.pop()?.close();
    const lines = Array.from(
      { length: 10_000 },
      (_, i) => `- X topic number ${i} about containers\n`,
    );
    writeFileSync(path.join(notesDir, "big.md"), lines.join(""));
    const { spawn } = await import("node:child_process");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "test/support/ingest-child.ts", notesDir, dataDir],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let output = "";
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (d: Buffer) => {
        output += d.toString();
        if (output.includes("started")) setTimeout(() => child.kill("SIGKILL"), 400);
      });
      child.on("exit", () => resolve());
    });
    expect(output).not.toContain("done"); // killed mid-run, not after
    const reopened = open();
    const count = reopened.chunkCount();
    expect([first.chunks, first.chunks + 10_000]).toContain(count);
    const hits = reopened.searchVectors(await embedder.embedQuery("DaemonSet"), 5);
    expect(hits.length).toBe(5);
    expect(reopened.getChunks(hits.map((h) => h.id))).toHaveLength(5);
    const resumed = await ingest({ notesDir, store: reopened, embedder });
    expect(resumed.chunks).toBe(first.chunks + 10_000);
  });

  it("starts over with a message when the vector file is missing", async () => {
    await ingest({ notesDir, store: open(), embedder });
    stores.pop()?.close();
    const { readdirSync } = await import("node:fs");
    for (const f of readdirSync(dataDir).filter((n) => n.endsWith(".hnsw")))
      unlinkSync(path.join(dataDir, f));
    const store = open();
    expect(store.rebuiltBecause).toMatch(/missing/);
    const summary = await ingest({ notesDir, store, embedder });
    expect(summary.embedded).toBe(summary.chunks);
  });
});
