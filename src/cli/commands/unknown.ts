import type { Command } from "commander";
import { MichiError } from "../../errors.js";
import type { Command as CliCommand } from "../command.js";
import type { CliContext } from "../context.js";
import { writeLine } from "../context.js";
import { emptyTopicMessage, renderUnknownOutcome, UNKNOWN_EXAMPLE } from "../learning-outcomes.js";
import { shellArg } from "../shell-arg.js";

function registerUnknown(program: Command, ctx: CliContext): void {
  program
    .command("unknown")
    .description("add TOPIC as an unknown item to inbox.md in the notes folder, under today's date")
    .argument("<topic...>", "what you do not know yet")
    .option("--force", "add it even though your notes mark an item with that topic known")
    .option("--json", "print the outcome as JSON")
    .action(async (words: string[], options: { force?: boolean; json?: boolean }) => {
      const topic = words.join(" ");
      const outcome = await ctx.app().unknown(topic, { force: options.force === true });
      if (outcome.kind === "empty-topic") {
        throw new MichiError(emptyTopicMessage(UNKNOWN_EXAMPLE));
      }
      const ok = outcome.kind !== "contradicts";
      const text = options.json
        ? JSON.stringify(outcome)
        : renderUnknownOutcome(
            outcome,
            (t) => `michi unknown ${shellArg(t.trim())} --force`,
            topic,
          );
      writeLine(ok ? ctx.io.stdout : ctx.io.stderr, text);
      if (!ok) ctx.fail(1);
    });
}

export const unknown = { name: "unknown", register: registerUnknown } satisfies CliCommand;
