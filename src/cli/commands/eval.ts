import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { type EvalQuestion, type EvalReport, evaluate, parseEvalFile } from "../../ask/evaluate.js";
import { MichiError } from "../../errors.js";
import type { Command as CliCommand } from "../command.js";
import type { CliContext } from "../context.js";
import { writeLine } from "../context.js";
import { formatEvalReport } from "../eval-report.js";

function registerEval(program: Command, ctx: CliContext): void {
  program
    .command("eval")
    .description(
      "report retrieval quality (hit@1/3/10, MRR, none-accuracy, false-none) on an eval file, per kind",
    )
    .argument("<file>", "JSON Lines: {id, q, flag?, expect?, note?, kind?} (docs/eval.md)")
    .option("--json", "print the report as JSON")
    .option("--baseline", "also score MiniSearch over whole notes on the same questions")
    .option("-k <n>", "sources retrieved per question", "10")
    .option(
      "--answers",
      "score the answers, not retrieval alone: with an LLM, an answer citing no note is none",
    )
    .action(async (file: string, options: EvalOptions) => {
      const k = Number(options.k);
      if (!Number.isInteger(k) || k < 1) {
        throw new MichiError(`-k: expected a positive whole number, got "${options.k}"`);
      }
      const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
        throw new MichiError(`${file}: cannot read it (${error.code ?? error.message})`);
      });
      const questions = parseEvalFile(text, file);
      const app = ctx.app();
      await app.ingest();
      warnUnknownNotes(ctx, questions, file, new Set((await app.store()).files().keys()));
      const report = await evaluate(questions, async (q) =>
        options.answers
          ? (await app.ask(q, { k, skipIngest: true, logQuestion: false })).sources
          : app.search(q, k),
      );
      let baseline: EvalReport | undefined;
      if (options.baseline) {
        const { buildNoteBaseline } = await import("../../ask/note-baseline.js");
        const engine = await buildNoteBaseline(app.config.notesDir);
        baseline = await evaluate(questions, async (_q, line) => engine.searchFor(line, k));
      }
      if (options.json) {
        const json = baseline ? { ...report, baseline: withoutFailures(baseline) } : report;
        return writeLine(ctx.io.stdout, JSON.stringify(json));
      }
      for (const line of formatEvalReport(report, baseline)) writeLine(ctx.io.stdout, line);
    });
}

interface EvalOptions {
  readonly json?: boolean;
  readonly baseline?: boolean;
  readonly k: string;
  readonly answers?: boolean;
}

/**
 * A question naming a note that is not indexed (misspelt, moved, written with the notes folder
 * in front) can never be hit: said on stderr, so the figures are not wrong unseen.
 */
function warnUnknownNotes(
  ctx: CliContext,
  questions: readonly EvalQuestion[],
  file: string,
  indexed: ReadonlySet<string>,
): void {
  const notesDir = ctx.config().notesDir;
  for (const q of questions) {
    if (q.note === undefined || indexed.has(q.note)) continue;
    writeLine(
      ctx.io.stderr,
      `michi: ${file}: question ${q.id} names the note "${q.note}", which is not in the notes folder (${notesDir}); it cannot be hit`,
    );
  }
}

function withoutFailures(report: EvalReport): Omit<EvalReport, "failures"> {
  const { failures: _failures, ...rest } = report;
  return rest;
}

export const evalCommand = { name: "eval", register: registerEval } satisfies CliCommand;
