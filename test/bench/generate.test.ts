import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import matter from "gray-matter";
import type { Nodes } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { editFraction, type GenerateResult, generateNotes } from "../../bench/generate.js";
import { MichiError } from "../../src/errors.js";
import type { Status } from "../../src/notes/index.js";
import { parseNote } from "../../src/notes/parse.js";

const ITEMS = 2000;
const SEED = 42;

const ALL_FORMS = [
  ["O", "o", "○", "◯", "〇", "✓", "✔", "[x]", "[X]"],
  ["△", "▲", "[~]"],
  ["X", "x", "×", "✕", "✗", "✘", "[ ]"],
].flat();

/** Test-side reading of the marker table, written independently of src/notes/markers.ts. */
const STATUS_PATTERNS: ReadonlyArray<readonly [Status, RegExp]> = [
  ["known", /^(\[[xX]\]|[Oo○◯〇✓✔])/u],
  ["partial", /^(\[~\]|[△▲])/u],
  ["unknown", /^(\[ \]|[Xx×✕✗✘])/u],
];

interface Counted {
  items: number;
  byStatus: Record<Status, number>;
  forms: Map<string, number>;
  glued: number;
  spaced: number;
  japanese: number;
  english: number;
  listLikeLinesInCode: number;
  itemLines: string[];
}

async function readNotes(dir: string): Promise<Map<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith(".md"))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
  const out = new Map<string, string>();
  for (const file of files) out.set(file, await readFile(path.join(dir, file), "utf8"));
  return out;
}

/** Counts items line by line: outside frontmatter and fences, `-`/`*`/`+`/`1.` starts an item. */
function countByRegex(texts: Iterable<string>): Counted {
  const c: Counted = {
    items: 0,
    byStatus: { known: 0, partial: 0, unknown: 0, unmarked: 0 },
    forms: new Map(),
    glued: 0,
    spaced: 0,
    japanese: 0,
    english: 0,
    listLikeLinesInCode: 0,
    itemLines: [],
  };
  for (const text of texts) {
    const lines = text.split("\n");
    let start = 0;
    if (lines[0] === "---") start = lines.indexOf("---", 1) + 1;
    let inFence = false;
    for (const line of lines.slice(start)) {
      if (/^(```|~~~)/.test(line)) {
        inFence = !inFence;
        continue;
      }
      const m = /^\s*(?:[-*+]|\d+\.) (.*)$/.exec(line);
      if (!m) continue;
      if (inFence) {
        c.listLikeLinesInCode++;
        continue;
      }
      const body = m[1] ?? "";
      c.items++;
      c.itemLines.push(line);
      if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(body)) c.japanese++;
      else c.english++;
      const hit = STATUS_PATTERNS.find(([, re]) => re.test(body));
      if (!hit) {
        c.byStatus.unmarked++;
        continue;
      }
      const [status, re] = hit;
      const form = re.exec(body)?.[1] ?? "";
      c.byStatus[status]++;
      c.forms.set(form, (c.forms.get(form) ?? 0) + 1);
      const next = body.slice(form.length, form.length + 1);
      if (next === " " || next === "\u3000") c.spaced++;
      else c.glued++;
    }
  }
  return c;
}

function countListItems(node: Nodes): number {
  const own = node.type === "listItem" ? 1 : 0;
  if (!("children" in node)) return own;
  return own + node.children.reduce((n, child) => n + countListItems(child), 0);
}

describe("generateNotes", () => {
  let root: string;
  let dir: string;
  let result: GenerateResult;
  let notes: Map<string, string>;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "michi-gen-"));
    dir = path.join(root, "a");
    result = await generateNotes({ items: ITEMS, seed: SEED, dir });
    notes = await readNotes(dir);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("writes exactly the requested number of items, counted line by line", () => {
    const counted = countByRegex(notes.values());
    expect(result.items).toBe(ITEMS);
    expect(counted.items).toBe(ITEMS);
    expect(counted.byStatus).toEqual(result.byStatus);
    expect(result.notes).toBe(notes.size);
    expect([...notes.keys()]).toEqual([...result.files].sort());
  });

  it("writes markdown whose CommonMark list items match the requested count", () => {
    let listItems = 0;
    let codeBlocks = 0;
    for (const text of notes.values()) {
      const tree = fromMarkdown(matter(text).content);
      listItems += countListItems(tree);
      codeBlocks += tree.children.filter((n) => n.type === "code").length;
    }
    expect(listItems).toBe(ITEMS);
    expect(codeBlocks).toBe(result.codeBlocks);
  });

  it("agrees with the note parser on items and statuses, with no ambiguous markers", () => {
    const byStatus: Record<Status, number> = { known: 0, partial: 0, unknown: 0, unmarked: 0 };
    let prose = 0;
    const ambiguous: string[] = [];
    for (const [file, text] of notes) {
      const note = parseNote(file, text);
      for (const item of note.items) {
        if (item.kind === "prose") prose++;
        else byStatus[item.status]++;
      }
      for (const w of note.warnings) if (/ambiguous/.test(w.message)) ambiguous.push(w.message);
    }
    expect(byStatus).toEqual(result.byStatus);
    // Code blocks are searchable prose items too (each generated block stands alone).
    expect(prose).toBe(result.prose + result.codeBlocks);
    expect(ambiguous).toEqual([]);
  });

  it("uses every marker form, glued and spaced, in Japanese and English", () => {
    const counted = countByRegex(notes.values());
    for (const form of ALL_FORMS) expect(counted.forms.get(form) ?? 0, form).toBeGreaterThan(0);
    expect(Object.fromEntries(counted.forms)).toEqual(result.markers);
    for (const status of ["known", "partial", "unknown", "unmarked"] as const) {
      expect(result.byStatus[status]).toBeGreaterThan(0);
    }
    expect(counted.glued).toBe(result.glued);
    expect(counted.glued).toBeGreaterThan(0);
    expect(counted.spaced).toBeGreaterThan(0);
    expect(counted.japanese).toBeGreaterThan(ITEMS / 5);
    expect(counted.english).toBeGreaterThan(ITEMS / 5);
  });

  it("writes the seed's glued forms: a letter marker before Japanese text or a quote", () => {
    const counted = countByRegex(notes.values());
    const gluedLetter = counted.itemLines.filter((l) =>
      /^\s*(?:[-*+]|\d+\.) [OoXx][^ \u3000]/u.test(l),
    );
    expect(gluedLetter.length).toBeGreaterThan(0);
    // Glued to a Latin letter or digit would be the ambiguous form.
    for (const line of gluedLetter) {
      expect(line).not.toMatch(/^\s*(?:[-*+]|\d+\.) [OoXx][\p{Script=Latin}\p{Nd}]/u);
    }
  });

  it("nests sub-items and puts list-like lines inside code blocks that are not items", () => {
    const counted = countByRegex(notes.values());
    expect(counted.itemLines.some((l) => /^ {2,}(?:[-*+]|\d+\.) /.test(l))).toBe(true);
    expect(counted.listLikeLinesInCode).toBeGreaterThan(0);
    expect(result.codeBlocks).toBeGreaterThan(0);
    expect(result.prose).toBeGreaterThan(0);
  });

  it("writes frontmatter with title, tags and date, and H1 titles in some notes", () => {
    const parsed = [...notes.values()].map((t) => matter(t));
    expect(parsed.some((p) => typeof p.data.title === "string")).toBe(true);
    expect(parsed.some((p) => Array.isArray(p.data.tags) && p.data.tags.length > 0)).toBe(true);
    expect(parsed.some((p) => p.data.date !== undefined)).toBe(true);
    expect(parsed.some((p) => /^# /m.test(p.content))).toBe(true);
    expect(parsed.some((p) => /^## /m.test(p.content) && /^### /m.test(p.content))).toBe(true);
  });

  it("varies item texts instead of repeating a few sentences", () => {
    const counted = countByRegex(notes.values());
    const distinct = new Set(counted.itemLines.map((l) => l.trim()));
    expect(distinct.size).toBeGreaterThan(ITEMS * 0.9);
  });

  it("writes byte-identical files for the same seed", async () => {
    const again = path.join(root, "same");
    await generateNotes({ items: ITEMS, seed: SEED, dir: again });
    expect(await readNotes(again)).toEqual(notes);
  });

  it("writes different files for a different seed, still with the exact count", async () => {
    const other = path.join(root, "other");
    const res = await generateNotes({ items: ITEMS, seed: SEED + 1, dir: other });
    const otherNotes = await readNotes(other);
    expect(res.items).toBe(ITEMS);
    expect(countByRegex(otherNotes.values()).items).toBe(ITEMS);
    expect([...otherNotes.values()].join("\n")).not.toBe([...notes.values()].join("\n"));
  });

  it("sizes notes around itemsPerNote", async () => {
    const small = path.join(root, "small");
    const res = await generateNotes({ items: 600, seed: 3, dir: small, itemsPerNote: 10 });
    expect(res.items).toBe(600);
    expect(res.notes).toBeGreaterThanOrEqual(600 / 15);
    expect(res.notes).toBeLessThanOrEqual(600 / 5);
  });

  it("refuses a directory that already holds files", async () => {
    const busy = path.join(root, "busy");
    await generateNotes({ items: 10, seed: 1, dir: busy });
    await expect(generateNotes({ items: 10, seed: 1, dir: busy })).rejects.toThrow(MichiError);
  });

  it("rejects a negative item count with a MichiError", async () => {
    await expect(
      generateNotes({ items: -1, dir: path.join(root, "negative") }),
    ).rejects.toBeInstanceOf(MichiError);
  });
});

describe("editFraction", () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "michi-edit-"));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("changes the text of the requested share of items and keeps every status", async () => {
    const dir = path.join(root, "five-percent");
    const generated = await generateNotes({ items: ITEMS, seed: 9, dir });
    const before = countByRegex((await readNotes(dir)).values());
    const edited = await editFraction(dir, 0.05, 9);
    const after = countByRegex((await readNotes(dir)).values());
    expect(edited.items).toBe(ITEMS * 0.05);
    expect(after.items).toBe(ITEMS);
    expect(after.byStatus).toEqual(generated.byStatus);
    expect(after.forms).toEqual(before.forms);
    const changed = after.itemLines.filter((line, i) => line !== before.itemLines[i]);
    expect(changed.length).toBe(edited.items);
    expect(edited.files).toBeGreaterThan(0);
    expect(edited.files).toBeLessThanOrEqual(generated.notes);
  });

  it("keeps notes readable by the parser without new ambiguous markers", async () => {
    const dir = path.join(root, "parse");
    const generated = await generateNotes({ items: 1000, seed: 11, dir });
    await editFraction(dir, 0.2, 11);
    const byStatus: Record<Status, number> = { known: 0, partial: 0, unknown: 0, unmarked: 0 };
    for (const [file, text] of await readNotes(dir)) {
      const note = parseNote(file, text);
      for (const item of note.items) if (item.kind === "item") byStatus[item.status]++;
      expect(note.warnings.filter((w) => /ambiguous/.test(w.message))).toEqual([]);
    }
    expect(byStatus).toEqual(generated.byStatus);
  });

  it("makes the same edits for the same seed", async () => {
    const a = path.join(root, "det-a");
    const b = path.join(root, "det-b");
    await generateNotes({ items: 500, seed: 5, dir: a });
    await generateNotes({ items: 500, seed: 5, dir: b });
    await editFraction(a, 0.1, 77);
    await editFraction(b, 0.1, 77);
    expect(await readNotes(a)).toEqual(await readNotes(b));
  });

  it("changes nothing for a fraction of zero", async () => {
    const dir = path.join(root, "zero");
    await generateNotes({ items: 200, seed: 2, dir });
    const before = await readNotes(dir);
    expect(await editFraction(dir, 0, 1)).toEqual({ items: 0, files: 0 });
    expect(await readNotes(dir)).toEqual(before);
  });

  it("rejects a fraction outside 0..1 with a MichiError", async () => {
    const dir = path.join(root, "bad");
    await generateNotes({ items: 10, seed: 1, dir });
    await expect(editFraction(dir, 1.5)).rejects.toBeInstanceOf(MichiError);
    await expect(editFraction(dir, -0.1)).rejects.toBeInstanceOf(MichiError);
  });
});
