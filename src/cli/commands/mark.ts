import type { Command } from "commander";
import { MichiError } from "../../errors.js";
import { isMarkedStatus } from "../../notes/edit.js";
import type { Command as CliCommand } from "../command.js";
import type { CliContext } from "../context.js";
import { runStatusChange } from "../status-change.js";

function registerMark(program: Command, ctx: CliContext): void {
  program
    .command("mark")
    .description("set the status of the item TOPIC means (corrections)")
    .argument("<topic...>", "words from the item")
    .requiredOption("--status <status>", "known, partial or unknown")
    .option("--pick <n>", "when several items match, take candidate N")
    .option("--json", "print the outcome as JSON")
    .action(async (words: string[], options: { status: string; pick?: string; json?: boolean }) => {
      const to = options.status;
      if (!isMarkedStatus(to)) {
        throw new MichiError(
          `--status: expected known, partial or unknown, got "${options.status}"`,
        );
      }
      const topic = words.join(" ");
      await runStatusChange(
        ctx,
        `michi mark --status ${to}`,
        topic,
        options,
        (pick) => ctx.app().mark(topic, to, { pick }),
        (id) => ctx.app().setStatus(id, to),
      );
    });
}

export const mark = { name: "mark", register: registerMark } satisfies CliCommand;
