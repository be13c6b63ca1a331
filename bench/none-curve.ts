/**
 * The none decision's curve (`npm run bench -- --none-curve`, docs/retrieval.md): for each
 * development set, the false-none rate (answerable questions flagged none) and the
 * none-accuracy (unanswerable questions flagged none) under a sweep of thresholds on the best
 * note's score, and under the rule michi ships. Every point runs the real `search` with that
 * rule, so the figures are the pipeline's, not a model of it.
 */
import { existsSync, readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createApp } from "../src/app.js";
import { type EvalQuestion, parseEvalFile } from "../src/ask/evaluate.js";
import { DEFAULT_NOTE_OPTIONS, type NoneRule } from "../src/ask/retrieve.js";
import { loadConfig } from "../src/config.js";
import { DEV_SETS } from "./dev-eval.js";
import { formatTable } from "./stats.js";

export interface CurveSet {
  readonly name: string;
  /** Eval files, relative to the project root (read together). */
  readonly questions: readonly string[];
  readonly notes: string;
}

/** The dev sets, and the seed log's own question files (seed + held-out fixtures). */
export function curveSets(root: string): CurveSet[] {
  const fixtures = path.join(root, "test/fixtures");
  const seedFiles = existsSync(fixtures)
    ? readdirSync(fixtures)
        .filter((f) => /^(?:seed|heldout\d*)-questions\.jsonl$/.test(f))
        .sort()
        .map((f) => `test/fixtures/${f}`)
    : [];
  return [
    ...DEV_SETS.map((s) => ({
      name: path.basename(s.questions, ".jsonl"),
      questions: [s.questions],
      notes: s.notes,
    })),
    { name: "seed fixtures", questions: seedFiles, notes: "test/fixtures/notes" },
  ];
}

export interface CurveRule {
  readonly label: string;
  readonly rule: Partial<NoneRule>;
}

/**
 * A plain threshold on the best note's score (no unseen-words tiers), from 0.30 to 0.60; then
 * michi's base threshold with its tiers added one by one.
 */
export const CURVE_RULES: readonly CurveRule[] = [
  ...[0.3, 0.36, 0.4, 0.42, 0.44, 0.46, 0.48, 0.5, 0.52, 0.56, 0.6].map((t) => ({
    label: `score < ${t.toFixed(2)}`,
    rule: { minNoteScore: t, unseenShare: Number.POSITIVE_INFINITY, unseenNameMinScore: 0 },
  })),
  {
    label: `< ${DEFAULT_NOTE_OPTIONS.minNoteScore}, or < ${DEFAULT_NOTE_OPTIONS.unseenMinScore} when ≥ ${Math.round(DEFAULT_NOTE_OPTIONS.unseenShare * 100)} % unseen`,
    rule: { unseenNameMinScore: 0 },
  },
  {
    label: `michi: … or < ${DEFAULT_NOTE_OPTIONS.unseenNameMinScore} when it names what no note has`,
    rule: {},
  },
];

export interface CurvePoint {
  readonly set: string;
  readonly rule: string;
  readonly answerable: number;
  readonly unanswerable: number;
  readonly falseNone: number;
  readonly noneAccuracy: number;
}

export async function runNoneCurve(
  root: string,
  work: string,
  log: (line: string) => void = () => {},
  sets: readonly CurveSet[] = curveSets(root),
  rules: readonly CurveRule[] = CURVE_RULES,
): Promise<CurvePoint[]> {
  const points: CurvePoint[] = [];
  for (const [i, set] of sets.entries()) {
    const files = set.questions.map((q) => path.join(root, q));
    const notesDir = path.join(root, set.notes);
    if (files.length === 0 || !files.every(existsSync) || !existsSync(notesDir)) {
      log(`none curve: ${set.name} missing, skipped`);
      continue;
    }
    const questions: EvalQuestion[] = [];
    for (const [j, file] of files.entries()) {
      questions.push(...parseEvalFile(await readFile(file, "utf8"), set.questions[j] ?? file));
    }
    log(`none curve: ${set.name} (${questions.length} questions) over ${set.notes}…`);
    const app = createApp(
      loadConfig(
        { MICHI_TIMEZONE: "UTC", MICHI_QUESTION_LOG: "false" },
        { notesDir, dataDir: path.join(work, `none-curve-${i}`) },
      ),
    );
    try {
      await app.ingest();
      for (const { label, rule } of rules) {
        let answerable = 0;
        let unanswerable = 0;
        let falseNone = 0;
        let flaggedNone = 0;
        for (const q of questions) {
          const none = (await app.search(q.q, 10, { noneRule: rule })).length === 0;
          if (q.flag === "none") {
            unanswerable++;
            if (none) flaggedNone++;
          } else {
            answerable++;
            if (none) falseNone++;
          }
        }
        points.push({
          set: set.name,
          rule: label,
          answerable,
          unanswerable,
          falseNone: answerable === 0 ? 0 : falseNone / answerable,
          noneAccuracy: unanswerable === 0 ? 1 : flaggedNone / unanswerable,
        });
      }
    } finally {
      app.close();
    }
  }
  return points;
}

/** One row per rule, one "false-none / none-acc" column per set. */
export function formatNoneCurve(points: readonly CurvePoint[]): string {
  const sets = [...new Set(points.map((p) => p.set))];
  const rules = [...new Set(points.map((p) => p.rule))];
  const f2 = (x: number) => x.toFixed(2);
  const header = sets.map((s) => {
    const p = points.find((q) => q.set === s);
    return `${s} (${p?.answerable ?? 0}+${p?.unanswerable ?? 0})`;
  });
  return `## none curve: false-none / none-accuracy\n${formatTable(
    ["none when", ...header],
    rules.map((r) => [
      r,
      ...sets.map((s) => {
        const p = points.find((q) => q.set === s && q.rule === r);
        return p ? `${f2(p.falseNone)} / ${f2(p.noneAccuracy)}` : "—";
      }),
    ]),
  )}`;
}
