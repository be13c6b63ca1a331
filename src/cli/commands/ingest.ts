import type { Command } from "commander";
import type { Command as CliCommand } from "../command.js";
import type { CliContext } from "../context.js";
import { writeLine } from "../context.js";
import { indexNotices, reportNotices } from "../ingest-notices.js";
import { withIngestProgress } from "../progress.js";
import { ingestJson, renderIngest } from "../render.js";

function registerIngest(program: Command, ctx: CliContext): void {
  program
    .command("ingest")
    .description("index the notes (incremental: only what changed is embedded)")
    .option("--rebuild", "discard the index and build it from scratch")
    .option("--json", "print the summary as one JSON object")
    .action(async (options: { rebuild?: boolean; json?: boolean }) => {
      const summary = await withIngestProgress(ctx.io.stderr, (onProgress) =>
        ctx.app().ingest({ rebuild: options.rebuild ?? false, onProgress }),
      );
      writeLine(
        ctx.io.stdout,
        options.json ? JSON.stringify(ingestJson(summary)) : renderIngest(summary),
      );
      reportNotices(ctx, await indexNotices(ctx.app(), ctx.config().notesDir));
    });
}

export const ingest = { name: "ingest", register: registerIngest } satisfies CliCommand;
