import type { Command } from "commander";
import { addNotePaths, renderUnknownOutcome } from "../../learning/render.js";
import type { CliContext } from "../context.js";
import { writeLine } from "../context.js";
import { makeFormatFile } from "./learned.js";

export function registerUnknown(program: Command, ctx: CliContext): void {
  program
    .command("unknown")
    .description("add TOPIC as an unknown item to notes/inbox.md, under today's date")
    .argument("<topic...>", "what you do not know yet")
    .option("--json", "print the outcome as JSON")
    .action(async (words: string[], options: { json?: boolean }) => {
      const outcome = await ctx.app().unknown(words.join(" "));
      const formatFile = makeFormatFile(ctx);
      writeLine(
        ctx.io.stdout,
        options.json
          ? JSON.stringify(addNotePaths(outcome, formatFile))
          : renderUnknownOutcome(outcome, formatFile),
      );
    });
}
