/**
 * The baseline michi is judged against (`michi eval --baseline`, `npm run bench`): what a
 * JavaScript developer would build in an afternoon — MiniSearch (BM25) with one document per
 * note, title and body as written, default search options. Japanese has no spaces, so words
 * come from `Intl.Segmenter`; Latin words stay whole. It has no notion of "nothing relevant":
 * only its hit figures mean anything.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import MiniSearch from "minisearch";
import { listNoteFiles } from "../notes/scan.js";
import type { EvalSource } from "./evaluate.js";

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
  return {
    size: docs.length,
    search(question, k) {
      return engine
        .search(question)
        .slice(0, k)
        .map((hit) => ({
          file: String(hit.id),
          text: byId.get(String(hit.id))?.text ?? "",
          status: "unmarked" as const,
        }));
    },
  };
}
