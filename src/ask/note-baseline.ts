/**
 * The baseline michi is judged against (`michi eval --baseline`, `npm run bench`): what a
 * JavaScript developer would build in an afternoon — MiniSearch (BM25) with one document per
 * note, title and body as written, default search options. Japanese has no spaces, so words
 * come from `Intl.Segmenter`; Latin words stay whole. It has no notion of "nothing relevant":
 * only its hit figures mean anything.
 *
 * A question that expects an item rather than a note (`expect` without `note`) is asked of a
 * second MiniSearch with one document per line of the notes: a whole note always "contains"
 * the item, so judging an item-level question by whole notes would score the baseline on a
 * question it never answered.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import MiniSearch from "minisearch";
import { listNoteFiles } from "../notes/scan.js";
import type { EvalQuestion, EvalSource } from "./evaluate.js";

const segmenter = new Intl.Segmenter("ja", { granularity: "word" });

/** Words of a text: ICU word segmentation (Japanese and Latin alike), NFKC, lowercased. */
export function segmentWords(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(text.normalize("NFKC"))) {
    if (s.isWordLike) out.push(s.segment.toLowerCase());
  }
  return out;
}

interface NoteDoc {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

export interface NoteBaseline {
  /** Notes best first, at most `k`; each source is a whole note. */
  search(question: string, k: number): EvalSource[];
  /** Lines of the notes best first, at most `k`; each source is one line. */
  searchLines(question: string, k: number): EvalSource[];
  /** What an eval line asks for: lines for an item-level line, notes otherwise. */
  searchFor(line: Pick<EvalQuestion, "q" | "note" | "expect">, k: number): EvalSource[];
  readonly size: number;
}

/** Builds the baseline over every note under `notesDir` (read as plain text, never parsed). */
export async function buildNoteBaseline(notesDir: string): Promise<NoteBaseline> {
  const files = await listNoteFiles(notesDir);
  const docs: NoteDoc[] = [];
  for (const f of files) {
    const text = await readFile(f.absolute, "utf8").catch(() => null);
    if (text === null) continue;
    const h1 = /^#[ \t]+(.+)$/m.exec(text)?.[1]?.trim();
    docs.push({ id: f.file, title: h1 ?? path.posix.basename(f.file, ".md"), text });
  }
  const engine = new MiniSearch<NoteDoc>({
    fields: ["title", "text"],
    tokenize: segmentWords,
    processTerm: (term) => term,
  });
  engine.addAll(docs);
  const byId = new Map(docs.map((d) => [d.id, d]));
  const lines = docs.flatMap((d) =>
    d.text.split(/\r?\n/).flatMap((line, i) => {
      const text = line.trim();
      return text === "" ? [] : [{ id: `${d.id}:${i + 1}`, file: d.id, text }];
    }),
  );
  const lineEngine = new MiniSearch<(typeof lines)[number]>({
    fields: ["text"],
    storeFields: ["file", "text"],
    tokenize: segmentWords,
    processTerm: (term) => term,
  });
  lineEngine.addAll(lines);
  const source = (file: string, text: string): EvalSource => ({ file, text, status: "unmarked" });
  const search = (question: string, k: number): EvalSource[] =>
    engine
      .search(question)
      .slice(0, k)
      .map((hit) => source(String(hit.id), byId.get(String(hit.id))?.text ?? ""));
  const searchLines = (question: string, k: number): EvalSource[] =>
    lineEngine
      .search(question)
      .slice(0, k)
      .map((hit) => source(String(hit.file), String(hit.text)));
  return {
    size: docs.length,
    search,
    searchLines,
    searchFor: (line, k) =>
      line.note === undefined && line.expect !== undefined
        ? searchLines(line.q, k)
        : search(line.q, k),
  };
}
