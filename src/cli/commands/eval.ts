import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { evaluate, parseEvalFile } from "../../ask/evaluate.js";
import { MichiError } from "../../errors.js";
import type { CliContext } from "../context.js";
import { writeLine } from "../context.js";

export function registerEval(program: Command, ctx: CliContext): void {
  program
    .command("eval")
    .description("report retrieval quality (hit@1, hit@3, MRR, flag accuracy) on an eval file")
    .argument("<file>", "JSON Lines: {id, q, flag, expect}")
    .option("--json", "print the report as JSON")
    .option("-k <n>", "sources retrieved per question", "5")
    .action(async (file: string, options: { json?: boolean; k: string }) => {
      const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
        throw new MichiError(`${file}: cannot read it (${error.code ?? error.message})`);
      });
      const questions = parseEvalFile(text, file);
      const app = ctx.app();
      await app.ingest();
      const report = await evaluate(questions, (q) => app.search(q, Number(options.k)));
      if (options.json) return writeLine(ctx.io.stdout, JSON.stringify(report));
      const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
      writeLine(
        ctx.io.stdout,
        `${report.n} questions: hit@1 ${pct(report.hit1)}, hit@3 ${pct(report.hit3)}, MRR ${report.mrr.toFixed(3)}, flag accuracy ${pct(report.flagAccuracy)}`,
      );
      for (const f of report.failures) {
        writeLine(
          ctx.io.stdout,
          `  ✗ ${f.id} ${f.q} — flag ${f.flag} (expected ${f.expectedFlag})${f.expect ? `, expected source at rank ${f.rank ?? "—"}` : ""}${f.top ? `; top: ${f.top.slice(0, 50)}` : ""}`,
        );
      }
    });
}
