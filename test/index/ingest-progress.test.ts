import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type IngestProgress, ingest } from "../../src/index/ingest.js";
import { LocalEmbeddings } from "../../src/index/local-embeddings.js";
import { openStore, type Store } from "../../src/index/store.js";

let dir: string;
let store: Store | null = null;
const embedder = new LocalEmbeddings();
const info = { name: embedder.info.signature, dimensions: embedder.info.dimensions };

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "michi-progress-"));
});
afterEach(() => {
  store?.close();
  store = null;
  rmSync(dir, { recursive: true, force: true });
});

/** One note of `items` list items. */
function writeNote(file: string, items: number, tag = ""): void {
  const lines = ["# Log", ""];
  for (let i = 0; i < items; i++) lines.push(`- ${i % 2 ? "O" : "X"} item ${i} ${tag} pod node`);
  writeFileSync(path.join(dir, "notes", file), `${lines.join("\n")}\n`);
}

async function run(workers: number): Promise<IngestProgress[]> {
  store ??= openStore(path.join(dir, "data"), info);
  const events: IngestProgress[] = [];
  await ingest({
    notesDir: path.join(dir, "notes"),
    store,
    embedder,
    workers,
    onProgress: (p) => events.push(p),
  });
  return events;
}

describe("ingest progress", () => {
  it.each([0, 1])(
    "reports reading before the first note is read, then indexing as it goes (%i workers)",
    async (workers) => {
      rmSync(path.join(dir, "notes"), { recursive: true, force: true });
      mkdirSync(path.join(dir, "notes"));
      writeNote("a.md", 1500);
      writeNote("b.md", 10);
      const events = await run(workers);
      // The very first event announces the read, with the bytes to read, before any result.
      expect(events[0]).toMatchObject({ phase: "read", done: 0 });
      expect(events[0]?.total).toBeGreaterThan(0);
      expect(events[0]?.file).toBe("a.md");
      const phases = [...new Set(events.map((e) => e.phase))];
      expect(phases).toEqual(expect.arrayContaining(["read", "index", "commit"]));
      // Inserting a large note's chunks reports along the way, not only when it is done.
      const index = events.filter((e) => e.phase === "index");
      expect(index.some((e) => e.done > 0 && e.done < e.total)).toBe(true);
      expect(events.at(-1)?.phase).toBe("commit");
    },
  );

  it("reports reading and embedding when a changed note is re-read", async () => {
    mkdirSync(path.join(dir, "notes"), { recursive: true });
    writeNote("a.md", 600);
    await run(0);
    writeNote("a.md", 600, "changed");
    const events = await run(0);
    expect(events[0]).toMatchObject({ phase: "read", done: 0, file: "a.md" });
    expect(events.some((e) => e.phase === "embed")).toBe(true);
    expect(events.at(-1)?.phase).toBe("commit");
  });
});
