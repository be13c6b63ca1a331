/**
 * Retrieval-quality report over an eval file (SPEC §4): hit@1, hit@3, MRR and flag accuracy.
 * Works on any ranked retriever so the benchmark can score a baseline the same way.
 */
import { z } from "zod";
import { MichiError } from "../errors.js";
import { flagFromSources } from "./flag.js";
import type { Flag, Source } from "./index.js";

const EvalLine = z.object({
  id: z.string().min(1),
  q: z.string().min(1),
  flag: z.enum(["known", "partial", "unknown", "unmarked", "none"]),
  expect: z.string().min(1).optional(),
});

export type EvalQuestion = z.infer<typeof EvalLine>;

export interface EvalFailure {
  readonly id: string;
  readonly q: string;
  readonly expectedFlag: Flag;
  readonly flag: Flag;
  readonly expect: string | null;
  /** 1-based rank of the expected source, null when it was not retrieved. */
  readonly rank: number | null;
  readonly top: string | null;
}

export interface EvalReport {
  readonly n: number;
  readonly hit1: number;
  readonly hit3: number;
  readonly mrr: number;
  readonly flagAccuracy: number;
  readonly failures: readonly EvalFailure[];
}

/** Parses JSON Lines; an error names the file and line. */
export function parseEvalFile(text: string, fileName: string): EvalQuestion[] {
  const out: EvalQuestion[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
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
    if (parsed.data.flag !== "none" && parsed.data.expect === undefined) {
      throw new MichiError(`${fileName}:${i + 1}: "expect" is required unless flag is "none"`);
    }
    out.push(parsed.data);
  });
  if (out.length === 0) throw new MichiError(`${fileName}: no questions`);
  return out;
}

export type RankedSearch = (
  question: string,
) => Promise<readonly Pick<Source, "text" | "status">[]>;

/**
 * hit@k and MRR count over the questions that expect a source (a "none" question has no
 * source to find); flag accuracy counts over all questions.
 */
export async function evaluate(
  questions: readonly EvalQuestion[],
  search: RankedSearch,
): Promise<EvalReport> {
  let hit1 = 0;
  let hit3 = 0;
  let rr = 0;
  let withSource = 0;
  let flagsRight = 0;
  const failures: EvalFailure[] = [];
  for (const question of questions) {
    const sources = await search(question.q);
    const flag = flagFromSources(sources as Source[]);
    const index =
      question.expect === undefined
        ? -1
        : sources.findIndex((s) => s.text.includes(question.expect as string));
    const rank = index === -1 ? null : index + 1;
    if (question.expect !== undefined) {
      withSource++;
      if (rank === 1) hit1++;
      if (rank !== null && rank <= 3) hit3++;
      if (rank !== null) rr += 1 / rank;
    }
    const flagRight = flag === question.flag;
    if (flagRight) flagsRight++;
    const retrievalRight = question.expect === undefined || (rank !== null && rank <= 3);
    if (!flagRight || !retrievalRight) {
      failures.push({
        id: question.id,
        q: question.q,
        expectedFlag: question.flag,
        flag,
        expect: question.expect ?? null,
        rank,
        top: sources[0]?.text ?? null,
      });
    }
  }
  const ratio = (a: number, b: number) => (b === 0 ? 1 : Math.round((a / b) * 1000) / 1000);
  return {
    n: questions.length,
    hit1: ratio(hit1, withSource),
    hit3: ratio(hit3, withSource),
    mrr: ratio(rr, withSource),
    flagAccuracy: ratio(flagsRight, questions.length),
    failures,
  };
}
