/**
 * Retrieval-quality report over an eval file (SPEC §4, docs/eval.md): hit@1/3/10, MRR,
 * none-accuracy, false-none rate and flag accuracy, overall and per kind tag.
 * Works on any ranked retriever so a baseline can be scored the same way.
 */
import { z } from "zod";
import { MichiError } from "../errors.js";
import { flagFromSources } from "./flag.js";
import type { Flag, Source } from "./index.js";

const EvalLine = z.object({
  id: z.string().min(1),
  q: z.string().min(1),
  flag: z.enum(["known", "partial", "unknown", "unmarked", "none"]).optional(),
  /** Text the expected source contains. */
  expect: z.string().min(1).optional(),
  /** The note the answer is in, relative to the notes folder (`/` separators). */
  note: z.string().min(1).optional(),
  /** Tags the report is broken down by (a string or a list). */
  kind: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
});

export type EvalQuestion = z.infer<typeof EvalLine>;

export interface EvalFailure {
  readonly id: string;
  readonly q: string;
  /** The expected flag; "answerable" when the line names a source but no flag. */
  readonly expectedFlag: Flag | "answerable";
  readonly flag: Flag;
  readonly expect: string | null;
  readonly note: string | null;
  /** 1-based rank of the expected source, null when it was not retrieved. */
  readonly rank: number | null;
  readonly top: string | null;
  readonly topNote: string | null;
  readonly kinds: readonly string[];
}

/** Figures over one group of questions (all of them, or one kind). */
export interface EvalFigures {
  readonly n: number;
  /** Questions that expect a source (hit@k and MRR count over these). */
  readonly answerable: number;
  /** Questions that expect "none". */
  readonly unanswerable: number;
  readonly hit1: number;
  readonly hit3: number;
  readonly hit10: number;
  readonly mrr: number;
  /** Share of unanswerable questions flagged none (1 when there are none). */
  readonly noneAccuracy: number;
  /** Share of answerable questions flagged none (0 when there are none). */
  readonly falseNone: number;
  /** Share of questions whose flag is the expected one (answerable without a flag: not none). */
  readonly flagAccuracy: number;
}

export interface EvalReport extends EvalFigures {
  readonly byKind: Readonly<Record<string, EvalFigures>>;
  readonly failures: readonly EvalFailure[];
}

/** Parses JSON Lines; an error names the file and line. */
export function parseEvalFile(text: string, fileName: string): EvalQuestion[] {
  const out: EvalQuestion[] = [];
  // A byte-order mark (Windows editors write one) is no part of the first line's JSON.
  text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (line.trim() === "") return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (error) {
        throw new MichiError(`${fileName}:${i + 1}: not valid JSON: ${(error as Error).message}`);
      }
      const parsed = EvalLine.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new MichiError(
          `${fileName}:${i + 1}: ${issue?.path.join(".") || "line"}: ${issue?.message}`,
        );
      }
      const q = parsed.data;
      const names = q.expect !== undefined || q.note !== undefined;
      if (q.flag === "none" && names) {
        throw new MichiError(`${fileName}:${i + 1}: a "none" question names no "expect" or "note"`);
      }
      if (q.flag !== "none" && !names) {
        throw new MichiError(
          `${fileName}:${i + 1}: "expect" or "note" is required unless flag is "none"`,
        );
      }
      out.push(q);
    });
  if (out.length === 0) throw new MichiError(`${fileName}: no questions`);
  return out;
}

/** The kind tags of a question. */
function kindsOf(question: EvalQuestion): string[] {
  if (question.kind === undefined) return [];
  return typeof question.kind === "string" ? [question.kind] : question.kind;
}

export type EvalSource = Pick<Source, "text" | "status" | "file">;

/** Sources for a question, best first; the eval line is passed too (a baseline may use its granularity). */
export type RankedSearch = (question: string, line: EvalQuestion) => Promise<readonly EvalSource[]>;

/**
 * 1-based rank of the expected source, or null. A question naming a note ranks by distinct
 * notes (the first source from that note, counting each earlier note once); one naming only
 * a text ranks by sources. Both: the first source from that note containing the text.
 */
export function rankOf(question: EvalQuestion, sources: readonly EvalSource[]): number | null {
  const { note, expect } = question;
  if (note === undefined && expect === undefined) return null;
  const notes = new Set<string>();
  for (const [i, s] of sources.entries()) {
    notes.add(s.file);
    const fileOk = note === undefined || s.file === note;
    const textOk = expect === undefined || s.text.includes(expect);
    if (fileOk && textOk) return note === undefined ? i + 1 : notes.size;
  }
  return null;
}

interface Outcome {
  readonly question: EvalQuestion;
  readonly flag: Flag;
  readonly rank: number | null;
}

function figuresOf(outcomes: readonly Outcome[]): EvalFigures {
  let hit1 = 0;
  let hit3 = 0;
  let hit10 = 0;
  let rr = 0;
  let answerable = 0;
  let unanswerable = 0;
  let noneRight = 0;
  let falseNone = 0;
  let flagsRight = 0;
  for (const { question, flag, rank } of outcomes) {
    if (question.flag === "none") {
      unanswerable++;
      if (flag === "none") noneRight++;
    } else {
      answerable++;
      if (rank === 1) hit1++;
      if (rank !== null && rank <= 3) hit3++;
      if (rank !== null && rank <= 10) hit10++;
      if (rank !== null) rr += 1 / rank;
      if (flag === "none") falseNone++;
    }
    if (question.flag === undefined ? flag !== "none" : flag === question.flag) flagsRight++;
  }
  return {
    n: outcomes.length,
    answerable,
    unanswerable,
    hit1: ratio(hit1, answerable, 1),
    hit3: ratio(hit3, answerable, 1),
    hit10: ratio(hit10, answerable, 1),
    mrr: ratio(rr, answerable, 1),
    noneAccuracy: ratio(noneRight, unanswerable, 1),
    falseNone: ratio(falseNone, answerable, 0),
    flagAccuracy: ratio(flagsRight, outcomes.length, 1),
  };
}

function ratio(a: number, b: number, empty: number): number {
  return b === 0 ? empty : Math.round((a / b) * 1000) / 1000;
}

/**
 * Runs every question through `search` and reports the figures overall and per kind.
 * hit@k and MRR count over answerable questions (a "none" question has no source to find).
 */
export async function evaluate(
  questions: readonly EvalQuestion[],
  search: RankedSearch,
): Promise<EvalReport> {
  const outcomes: Outcome[] = [];
  const failures: EvalFailure[] = [];
  for (const question of questions) {
    const sources = await search(question.q, question);
    const flag = flagFromSources(sources as Source[]);
    const rank = rankOf(question, sources);
    outcomes.push({ question, flag, rank });
    const flagRight =
      question.flag === undefined ? flag !== "none" : flag === (question.flag as Flag);
    const retrievalRight = question.flag === "none" || (rank !== null && rank <= 3);
    if (!flagRight || !retrievalRight) {
      failures.push({
        id: question.id,
        q: question.q,
        expectedFlag: question.flag ?? "answerable",
        flag,
        expect: question.expect ?? null,
        note: question.note ?? null,
        rank,
        top: sources[0]?.text ?? null,
        topNote: sources[0]?.file ?? null,
        kinds: kindsOf(question),
      });
    }
  }
  const kinds = [...new Set(questions.flatMap(kindsOf))].sort();
  const byKind: Record<string, EvalFigures> = {};
  for (const kind of kinds) {
    byKind[kind] = figuresOf(outcomes.filter((o) => kindsOf(o.question).includes(kind)));
  }
  return { ...figuresOf(outcomes), byKind, failures };
}
