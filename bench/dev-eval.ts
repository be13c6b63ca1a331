/**
 * The development eval in the bench (`npm run bench -- --eval`): every dev question set over
 * its vault, michi's `search` and the MiniSearch baseline (one document per note) on the same
 * questions, per kind. A set whose files are missing is skipped.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createApp } from "../src/app.js";
import { type EvalFigures, type EvalReport, evaluate, parseEvalFile } from "../src/ask/evaluate.js";
import { buildNoteBaseline } from "../src/ask/note-baseline.js";
import { loadConfig } from "../src/config.js";
import { formatTable } from "./stats.js";

export interface DevSet {
  /** Eval file, relative to the project root. */
  readonly questions: string;
  /** The notes the questions are about, relative to the project root. */
  readonly notes: string;
}

export const DEV_SETS: readonly DevSet[] = [
  { questions: "eval/til-dev.jsonl", notes: "eval/vaults/til" },
  { questions: "eval/ja-dev.jsonl", notes: "eval/vaults/ja-notes" },
  { questions: "eval/ja-blog-dev.jsonl", notes: "eval/vaults/ja-blog" },
  { questions: "eval/seed-dev.jsonl", notes: "test/fixtures/notes" },
];

export interface DevEvalRow {
  readonly file: string;
  /** "all" or a kind tag. */
  readonly kind: string;
  readonly michi: EvalFigures;
  readonly miniSearch: EvalFigures;
}

/** Sources per question: enough for hit@10. */
const K = 10;

/** Runs each present dev set; the index of each vault is built under `work`. */
export async function runDevEval(
  root: string,
  work: string,
  log: (line: string) => void = () => {},
  sets: readonly DevSet[] = DEV_SETS,
): Promise<DevEvalRow[]> {
  const rows: DevEvalRow[] = [];
  for (const [i, set] of sets.entries()) {
    const questionsFile = path.join(root, set.questions);
    const notesDir = path.join(root, set.notes);
    if (!existsSync(questionsFile) || !existsSync(notesDir)) {
      log(`dev eval: ${set.questions} or ${set.notes} missing, skipped`);
      continue;
    }
    const questions = parseEvalFile(await readFile(questionsFile, "utf8"), set.questions);
    log(`dev eval: ${set.questions} (${questions.length} questions) over ${set.notes}…`);
    const app = createApp(
      loadConfig(
        { MICHI_TIMEZONE: "UTC", MICHI_QUESTION_LOG: "false" },
        {
          notesDir,
          dataDir: path.join(work, `dev-eval-${i}`),
        },
      ),
    );
    try {
      await app.ingest();
      const michi = await evaluate(questions, (q) => app.search(q, K));
      const engine = await buildNoteBaseline(notesDir);
      const miniSearch = await evaluate(questions, async (_q, line) => engine.searchFor(line, K));
      rows.push(...rowsOf(set.questions, michi, miniSearch));
    } finally {
      app.close();
    }
  }
  return rows;
}

function rowsOf(file: string, michi: EvalReport, miniSearch: EvalReport): DevEvalRow[] {
  return [
    { file, kind: "all", michi, miniSearch },
    ...Object.keys(michi.byKind).map((kind) => ({
      file,
      kind,
      michi: michi.byKind[kind] as EvalFigures,
      miniSearch: miniSearch.byKind[kind] as EvalFigures,
    })),
  ].map(({ file: f, kind, michi: m, miniSearch: b }) => ({
    file: f,
    kind,
    michi: strip(m),
    miniSearch: strip(b),
  }));
}

function strip(f: EvalFigures): EvalFigures {
  const { n, answerable, unanswerable, hit1, hit3, hit10, mrr, noneAccuracy, falseNone } = f;
  return {
    n,
    answerable,
    unanswerable,
    hit1,
    hit3,
    hit10,
    mrr,
    noneAccuracy,
    falseNone,
    flagAccuracy: f.flagAccuracy,
  };
}

const f2 = (x: number) => x.toFixed(2);
const hits = (f: EvalFigures) =>
  f.answerable === 0 ? "—" : `${f2(f.hit1)} / ${f2(f.hit3)} / ${f2(f.hit10)}`;

export function formatDevEval(rows: readonly DevEvalRow[]): string {
  if (rows.length === 0) return "## development eval\nno dev sets found (eval/*.jsonl)";
  return `## development eval (k = ${K}; MiniSearch: one document per note, no "none")\n${formatTable(
    [
      "eval file",
      "kind",
      "n",
      "michi hit@1/3/10",
      "MiniSearch hit@1/3/10",
      "michi none-acc",
      "michi false-none",
    ],
    rows.map((r) => [
      path.basename(r.file),
      r.kind,
      r.michi.n,
      hits(r.michi),
      hits(r.miniSearch),
      r.michi.unanswerable > 0 ? f2(r.michi.noneAccuracy) : "—",
      r.michi.answerable > 0 ? f2(r.michi.falseNone) : "—",
    ]),
  )}`;
}
