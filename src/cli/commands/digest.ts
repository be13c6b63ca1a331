import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { MichiError } from "../../errors.js";
import { renderDigest } from "../../learning/render.js";
import { parseSince } from "../../learning/time.js";
import type { Command as CliCommand } from "../command.js";
import type { CliContext } from "../context.js";
import { writeLine } from "../context.js";

interface DigestCliOptions {
  since?: string;
  json?: boolean;
  png?: string;
  weeks: string;
}

function registerDigest(program: Command, ctx: CliContext): void {
  program
    .command("digest")
    .description("what you learned, what is still unknown, and the gaps (default: the last 7 days)")
    .option("--since <date>", "start of the period, e.g. 2026-11-01 (in MICHI_TIMEZONE)")
    .option("--json", "print the digest as one JSON object")
    .option("--png <file>", "also write a chart of known / partial / unknown over the weeks")
    .option("--weeks <n>", "weeks shown in the chart", "8")
    .action(async (options: DigestCliOptions) => {
      const weeks = Number(options.weeks);
      if (!Number.isInteger(weeks) || weeks < 1 || weeks > 104) {
        throw new MichiError(
          `--weeks: expected a whole number from 1 to 104, got "${options.weeks}"`,
        );
      }
      const app = ctx.app();
      const timeZone = ctx.config().digest.timezone;
      const since = options.since === undefined ? undefined : parseSince(options.since, timeZone);
      const digest = await app.digest({ since });
      // The chart first: a --png that cannot be written fails the command before any output.
      if (options.png !== undefined) {
        const png = await app.learning.progressChart({ weeks });
        await writeFile(options.png, png).catch((error: NodeJS.ErrnoException) => {
          throw new MichiError(
            `--png: cannot write ${options.png} (${error.code ?? error.message})`,
            { cause: error },
          );
        });
      }
      writeLine(ctx.io.stdout, options.json ? JSON.stringify(digest) : renderDigest(digest));
      if (options.png !== undefined) writeLine(ctx.io.stderr, `chart written to ${options.png}`);
    });
}

export const digest = { name: "digest", register: registerDigest } satisfies CliCommand;
