/**
 * `michi feedback [--export FILE] [--json]`: the 👍 / 👎 given to answers in Discord. `--export`
 * writes the 👍 answers as an eval file (`michi eval FILE`): they were right, and a change to
 * retrieval must keep them right. The 👎 answers are listed for a person to judge (the right
 * answer is not known from a thumbs-down), with what michi answered.
 */
import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { FLAG_ICONS } from "../../ask/index.js";
import { MichiError } from "../../errors.js";
import { openFeedback, type VotedAnswer } from "../../learning/feedback.js";
import { plural } from "../../learning/render.js";
import type { Command as CliCommand } from "../command.js";
import type { CliContext } from "../context.js";
import { writeLine } from "../context.js";

/** An eval line (SPEC §4) for an answer marked 👍: its flag, and its primary item's text. */
function evalLineOf(answer: VotedAnswer): Record<string, string> {
  return {
    id: `fb-${answer.key}`,
    q: answer.question,
    flag: answer.flag,
    ...(answer.flag !== "none" && answer.text !== null ? { expect: answer.text } : {}),
    kind: "feedback",
  };
}

function registerFeedback(program: Command, ctx: CliContext): void {
  program
    .command("feedback")
    .description("answers marked 👍 / 👎 in Discord; --export writes the 👍 ones as an eval file")
    .option("--export <file>", "write the answers marked 👍 as a JSON Lines eval file")
    .option("--json", "print every voted answer as one JSON object per line")
    .action(async (options: { export?: string; json?: boolean }) => {
      const history = await ctx.app().history();
      const voted = openFeedback(history.db).votedBetween(new Date(0), new Date(8.64e15));
      const liked = voted.filter((v) => v.up > v.down);
      const disliked = voted.filter((v) => v.down > 0 && v.down >= v.up);
      if (options.export !== undefined) await exportLiked(ctx, options.export, liked);
      if (options.json) {
        for (const v of voted) writeLine(ctx.io.stdout, JSON.stringify(v));
        return;
      }
      writeLine(ctx.io.stdout, `👍 ${liked.length}  👎 ${disliked.length}`);
      for (const v of disliked) {
        const cited = v.text === null ? "" : ` — ${v.text} (${v.file}:${v.line})`;
        writeLine(
          ctx.io.stdout,
          `👎×${v.down} ${v.question} → ${FLAG_ICONS[v.flag]} ${v.flag}${cited}`,
        );
      }
    });
}

/** Writes the 👍 answers as an eval file; with none, writes nothing (`michi eval` wants a question). */
async function exportLiked(
  ctx: CliContext,
  file: string,
  liked: readonly VotedAnswer[],
): Promise<void> {
  if (liked.length === 0) {
    writeLine(ctx.io.stderr, `no answer is marked 👍 yet; ${file} was not written`);
    return;
  }
  const text = liked.map((v) => `${JSON.stringify(evalLineOf(v))}\n`).join("");
  await writeFile(file, text).catch((error: NodeJS.ErrnoException) => {
    throw new MichiError(`--export: cannot write ${file} (${error.code})`, { cause: error });
  });
  writeLine(
    ctx.io.stderr,
    `${plural(liked.length, "answer")} marked 👍 written to ${file}; run michi eval ${file}`,
  );
}

export const feedback = { name: "feedback", register: registerFeedback } satisfies CliCommand;
