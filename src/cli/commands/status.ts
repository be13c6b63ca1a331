import type { Command } from "commander";
import { renderStatusReport } from "../../learning/render.js";
import type { Command as CliCommand } from "../command.js";
import type { CliContext } from "../context.js";
import { writeLine } from "../context.js";

function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command("status")
    .description("item counts, last ingest, index size and warnings (as of the last ingest)")
    .option("--json", "print the report as one JSON object")
    .action(async (options: { json?: boolean }) => {
      const report = await ctx.app().status();
      writeLine(ctx.io.stdout, options.json ? JSON.stringify(report) : renderStatusReport(report));
    });
}

export const statusCommand = { name: "status", register: registerStatus } satisfies CliCommand;
