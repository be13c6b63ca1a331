import type { Command } from "commander";
import type { UndoOutcome } from "../../learning/service.js";
import type { Command as CliCommand } from "../command.js";
import type { CliContext } from "../context.js";
import { writeLine } from "../context.js";

export function registerUndo(program: Command, ctx: CliContext): void {
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
      writeLine(out, renderUndo(outcome));
    });
}

/** Notes are named relative to the notes folder, like the other learning commands do. */
function renderUndo(outcome: UndoOutcome): string {
  if (outcome.kind === "nothing") {
    return "Nothing to undo: michi has made no change to a note that is not undone yet.";
  }
  const { change } = outcome;
  const note = change.file;
  if (outcome.kind === "refused") {
    const kept = outcome.kept === null ? "" : ` The version before it is kept in ${outcome.kept}.`;
    return `michi: ${note} changed since michi's last change to it (${change.command}, ${change.at}), so undo would overwrite that: nothing was changed.${kept}`;
  }
  const lines = [
    `↩️ undid ${change.command} (${change.at}): ${note} is back to the version before it`,
  ];
  for (const e of outcome.events)
    lines.push(`   ${e.text}: ${e.from ?? "new"} → ${e.to ?? "gone"}`);
  return lines.join("\n");
}

export const undo = { name: "undo", register: registerUndo } satisfies CliCommand;
