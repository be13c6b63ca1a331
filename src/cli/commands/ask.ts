import { createInterface } from "node:readline";
import type { Command } from "commander";
import { MichiError } from "../../errors.js";
import type { Command as CliCommand } from "../command.js";
import type { CliContext } from "../context.js";
import { writeLine } from "../context.js";
import { indexNotices, reportNotices } from "../ingest-notices.js";
import { withIngestProgress } from "../progress.js";
import { answerJson, renderAnswer } from "../render.js";

interface AskOptions {
  json?: boolean;
  k?: string;
}

const NO_QUESTION =
  'ask: no question; give one, e.g. michi ask "DaemonSetって何?", or pipe one per line';

function registerAsk(program: Command, ctx: CliContext): void {
  program
    .command("ask")
    .description("answer a question from your notes (no question: one per line from stdin)")
    .argument("[question...]", "the question")
    .option("--json", "print the answer as JSON (one object per line in batch mode)")
    .option("-k <n>", "how many sources to retrieve", "5")
    .action(async (words: string[], options: AskOptions) => {
      const k = Number(options.k);
      if (!Number.isInteger(k) || k < 1 || k > 50)
        throw new MichiError(`-k: expected a whole number from 1 to 50, got "${options.k}"`);
      const app = ctx.app();
      const { notesDir } = ctx.config();
      // What the ingest left to say (skipped files, no notes), read once after it ran: humans
      // get it on stderr, JSON readers in each answer's notices.
      let notices: string[] | null = null;
      const print = async (question: string, skipIngest: boolean) => {
        const answer = await withIngestProgress(ctx.io.stderr, (onIngestProgress) =>
          app.ask(question, { k, skipIngest, onIngestProgress }),
        );
        if (notices === null) {
          notices = await indexNotices(app, notesDir);
          if (!options.json) reportNotices(ctx, notices);
        }
        writeLine(
          ctx.io.stdout,
          options.json
            ? JSON.stringify(answerJson(answer, notesDir, ctx.io.cwd, notices))
            : renderAnswer(answer),
        );
      };
      const question = words.join(" ").trim();
      if (question !== "") return print(question, false);
      if (ctx.io.stdin.isTTY) throw new MichiError(NO_QUESTION);
      await withIngestProgress(ctx.io.stderr, (onProgress) => app.ingest({ onProgress }));
      let first = true;
      for await (const line of createInterface({
        input: ctx.io.stdin,
        crlfDelay: Number.POSITIVE_INFINITY,
      })) {
        const q = line.trim();
        if (q === "") continue;
        if (!first && !options.json) writeLine(ctx.io.stdout, "");
        first = false;
        if (!options.json) writeLine(ctx.io.stdout, `Q: ${q}`);
        await print(q, true);
      }
      // An empty `michi ask "$Q"` in a script would otherwise succeed in silence.
      if (first) throw new MichiError(NO_QUESTION);
    });
}

export const ask = { name: "ask", register: registerAsk } satisfies CliCommand;
