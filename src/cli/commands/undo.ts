import type { Command } from "commander";
import type { Command as CliCommand } from "../command.js";
import type { CliContext } from "../context.js";
import { writeLine } from "../context.js";
import { renderUndo } from "../learning-outcomes.js";

function registerUndo(program: Command, ctx: CliContext): void {
  program
    .command("undo")
    .description(
      "put back the note michi changed last (learned, mark, unknown), if not edited since",
    )
    .option("--json", "print the outcome as JSON")
    .action(async (options: { json?: boolean }) => {
      const outcome = await ctx.app().undo();
      if (outcome.kind === "refused") ctx.fail(1);
      if (options.json) {
        writeLine(ctx.io.stdout, JSON.stringify(outcome));
        return;
      }
      const out = outcome.kind === "refused" ? ctx.io.stderr : ctx.io.stdout;
      writeLine(out, renderUndo(outcome, ctx.config().digest.timezone));
    });
}

export const undo = { name: "undo", register: registerUndo } satisfies CliCommand;
