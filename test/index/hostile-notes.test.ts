import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ingest } from "../../src/index/ingest.js";
import { LocalEmbeddings } from "../../src/index/local-embeddings.js";
import { openStore } from "../../src/index/store.js";
import { NOTE_LIMITS } from "../../src/notes/scan.js";

const embedder = new LocalEmbeddings();
const info = { name: embedder.info.signature, dimensions: embedder.info.dimensions };

/** A billion laughs in `tags:`: nine levels of nine aliases, under 600 bytes. */
const ALIAS_BOMB = [
  "---",
  "title: bomb",
  "tags:",
  '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...["b", "c", "d", "e", "f", "g", "h", "i"].map(
    (name, i) => `  ${name}: &${name} [${Array(9).fill(`*${"abcdefghi"[i]}`).join(",")}]`,
  ),
  "---",
  "- X the bomb's own item",
  "",
].join("\n");

let root: string;
let notes: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "michi-hostile-"));
  notes = path.join(root, "notes");
  mkdirSync(notes);
  // Enough ordinary notes that a worker batch holds several beside the hostile one.
  for (let n = 0; n < 12; n++) {
    const items = Array.from({ length: 30 }, (_, i) => `- X topic ${n}-${i} about schedulers`);
    writeFileSync(path.join(notes, `note-${n}.md`), `# Note ${n}\n\n${items.join("\n")}\n`);
  }
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function ingestAll(workers: number) {
  const store = openStore(path.join(root, `data-${workers}`), info);
  try {
    const summary = await ingest({ notesDir: notes, store, embedder, workers });
    const files = [...store.files().values()].filter((f) => f.ok).map((f) => f.file);
    return { summary, files };
  } finally {
    store.close();
  }
}

const ordinary = Array.from({ length: 12 }, (_, n) => `note-${n}.md`).sort();

describe("a hostile note costs only its own file", () => {
  it.each([0, 2])("a YAML alias bomb in frontmatter is skipped (workers: %i)", async (workers) => {
    expect(Buffer.byteLength(ALIAS_BOMB)).toBeLessThan(600);
    writeFileSync(path.join(notes, "bomb.md"), ALIAS_BOMB);
    const { summary, files } = await ingestAll(workers);
    expect(files).toEqual(ordinary);
    expect(summary.items.unknown).toBe(12 * 30);
    const warning = summary.warnings.find((w) => w.file === "bomb.md");
    expect(warning?.message).toMatch(/invalid frontmatter: .*alias/i);
    expect(warning?.message).toMatch(/skipped$/);
  });

  it("frontmatter far beyond any real one is refused before YAML sees it", async () => {
    const tags = Array.from({ length: 20_000 }, (_, i) => `  - tag${i}`).join("\n");
    writeFileSync(path.join(notes, "tags.md"), `---\ntags:\n${tags}\n---\n- X item\n`);
    const { summary, files } = await ingestAll(0);
    expect(files).toEqual(ordinary);
    expect(summary.warnings.find((w) => w.file === "tags.md")?.message).toMatch(
      /frontmatter is larger than 64 KB/,
    );
  });

  it("a note over the size limit is skipped unread, naming the limit", async () => {
    const line = "- X a very long note's item that repeats until the note is too large\n";
    const count = Math.ceil((NOTE_LIMITS.maxBytes + 1) / Buffer.byteLength(line));
    writeFileSync(path.join(notes, "huge.md"), line.repeat(count));
    const { summary, files } = await ingestAll(2);
    expect(files).toEqual(ordinary);
    const warning = summary.warnings.find((w) => w.file === "huge.md");
    expect(warning?.message).toMatch(/MB is over the 8 MB a note may have; skipped/);
  });

  it("a note with more lines than the limit is skipped, naming the limit", async () => {
    writeFileSync(path.join(notes, "dense.md"), "- X i\n".repeat(NOTE_LIMITS.maxLines + 1));
    const { summary, files } = await ingestAll(0);
    expect(files).toEqual(ordinary);
    const warning = summary.warnings.find((w) => w.file === "dense.md");
    expect(warning).toMatchObject({ line: NOTE_LIMITS.maxLines + 1 });
    expect(warning?.message).toMatch(/lines a note may have; skipped/);
  });
});
