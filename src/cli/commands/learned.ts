import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { MichiError } from "../../errors.js";
import {
  addNotePaths,
  type FormatFile,
  renderCandidates,
  renderDigest,
  renderStatusChange,
  renderStatusReport,
  renderUnknownOutcome,
} from "../../learning/render.js";
import type { StatusChangeOptions, StatusChangeOutcome } from "../../learning/service.js";
import { parseSince } from "../../learning/time.js";
import type { CliContext } from "../context.js";
import { writeLine } from "../context.js";
import { notePath } from "../render.js";

interface LearnedOptions {
  note?: string;
  pick?: string;
  json?: boolean;
}

export function registerLearned(program: Command, ctx: CliContext): void {
  program
    .command("learned")
    .description("mark the unknown or partial item TOPIC means as known (re-indexes that note)")
    .argument("<topic...>", "words from the item, e.g. Deployment")
    .option("--note <text>", 'also write the sub-item "learned YYYY-MM-DD: TEXT" under it')
    .option("--pick <n>", "when several items match, take candidate N")
    .option("--json", "print the outcome as JSON")
    .action(async (words: string[], options: LearnedOptions) => {
      const topic = words.join(" ");
      await runStatusChange(ctx, "michi learned", options, (pick) =>
        ctx.app().learned(topic, { note: options.note, pick }),
      );
    });
}

/** The CLI's note paths: the notes directory joined with the note, relative to the cwd. */
export function makeFormatFile(ctx: CliContext): FormatFile {
  const { notesDir } = ctx.config();
  return (file) => notePath(notesDir, file, ctx.io.cwd);
}

export function parsePick(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new MichiError(`--pick: expected a whole number from 1, got "${value}"`);
  return n;
}

/**
 * Runs `learned` / `mark` and reports the outcome. An ambiguous topic asks the user to pick
 * when both ends are a terminal; otherwise it lists the candidates and exits 1, changing nothing.
 */
export async function runStatusChange(
  ctx: CliContext,
  command: string,
  options: { pick?: string; json?: boolean },
  run: (pick: StatusChangeOptions["pick"]) => Promise<StatusChangeOutcome>,
): Promise<void> {
  const formatFile = makeFormatFile(ctx);
  const { stdout, stderr, stdin } = ctx.io;
  let outcome = await run(parsePick(options.pick));
  if (outcome.kind === "ambiguous" && !options.json && stdin.isTTY && stdout.isTTY) {
    const pick = await promptPick(
      ctx,
      outcome.topic,
      renderCandidates(outcome.candidates, formatFile),
      outcome.candidates.length,
    );
    if (pick === undefined) {
      writeLine(stderr, "Nothing was changed.");
      return ctx.fail(1);
    }
    outcome = await run(pick);
  }
  if (options.json) {
    const { candidates, ...rest } =
      "candidates" in outcome ? outcome : { ...outcome, candidates: undefined };
    const json = {
      ...rest,
      ...(candidates ? { candidates: candidates.map((c, i) => ({ pick: i + 1, ...c })) } : {}),
    };
    writeLine(stdout, JSON.stringify(addNotePaths(json, formatFile)));
  } else {
    const hint = (topic: string) => `e.g. ${command} ${JSON.stringify(topic)} --pick 1`;
    const text = renderStatusChange(outcome, hint, formatFile);
    writeLine(outcome.kind === "changed" || outcome.kind === "unchanged" ? stdout : stderr, text);
  }
  if (outcome.kind === "ambiguous" || outcome.kind === "none") ctx.fail(1);
}

async function promptPick(
  ctx: CliContext,
  topic: string,
  list: string,
  count: number,
): Promise<number | undefined> {
  const { stdin, stdout } = ctx.io;
  writeLine(stdout, `"${topic}" matches several items:\n${list}`);
  const rl = createInterface({ input: stdin, output: stdout, terminal: true });
  try {
    const answer = (await rl.question(`Pick 1-${count} (Enter to cancel): `)).trim();
    const n = Number(answer);
    return answer !== "" && Number.isInteger(n) && n >= 1 && n <= count ? n : undefined;
  } finally {
    rl.close();
  }
}

/** Help lines of the learning commands in the terminal chat. */
export const LEARNING_CHAT_HELP = `  /learned TOPIC [--note TEXT]   mark the item TOPIC means as known
  /mark TOPIC --status S         set its status (known, partial, unknown)
  /pick N                        choose candidate N after an ambiguous /learned or /mark
  /unknown TOPIC                 add TOPIC to inbox.md as an unknown
  /digest [--since DATE]         what you learned in the last 7 days, and the gaps
  /status                        counts, last ingest, index size, warnings`;

/**
 * The learning `/`-commands of the terminal chat. `handle` returns the reply, or null when the
 * line is not one of them. An ambiguous topic is remembered, so `/pick N` can settle it.
 */
export function createLearningChat(ctx: CliContext) {
  let last: ((pick: number) => Promise<StatusChangeOutcome>) | null = null;
  const formatFile = makeFormatFile(ctx);
  const app = () => ctx.app();

  const report = (outcome: StatusChangeOutcome, retry: typeof last) => {
    last = outcome.kind === "ambiguous" ? retry : null;
    return renderStatusChange(outcome, () => "(/pick N to choose)", formatFile);
  };

  return {
    async handle(input: string): Promise<string | null> {
      const match = /^\/(learned|mark|pick|unknown|digest|status)(?:\s+([\s\S]*))?$/.exec(
        input.trim(),
      );
      if (match === null) return null;
      const [, command, rest = ""] = match;
      const { text, flags } = splitFlags(rest);
      switch (command) {
        case "learned": {
          const run = (pick: number | undefined) =>
            app().learned(text, { note: flags.get("note"), pick });
          return report(await run(parsePick(flags.get("pick"))), run);
        }
        case "mark": {
          const to = flags.get("status");
          if (to !== "known" && to !== "partial" && to !== "unknown") {
            return "Usage: /mark TOPIC --status known|partial|unknown";
          }
          const run = (pick: number | undefined) => app().mark(text, to, { pick });
          return report(await run(parsePick(flags.get("pick"))), run);
        }
        case "pick": {
          if (last === null) return "Nothing to pick from: run /learned or /mark first.";
          const retry = last;
          return report(await retry(parsePick(text) ?? 0), retry);
        }
        case "unknown":
          return renderUnknownOutcome(await app().unknown(text), formatFile);
        case "digest": {
          const since = flags.get("since");
          const timeZone = ctx.config().digest.timezone;
          const digest = await app().digest({
            since: since === undefined ? undefined : parseSince(since, timeZone),
          });
          return renderDigest(digest, formatFile);
        }
        default:
          return renderStatusReport(await app().status());
      }
    },
  };
}

/** `TOPIC words --flag value --other value` → the topic and the flags. */
function splitFlags(rest: string): { text: string; flags: Map<string, string> } {
  const parts = rest.split(/\s--(?=[a-z]+(?:\s|$))/);
  const flags = new Map<string, string>();
  const head = rest.trimStart().startsWith("--") ? "" : (parts.shift() ?? "");
  for (const part of parts) {
    const clean = part.replace(/^--/, "");
    const space = clean.search(/\s/);
    if (space === -1) flags.set(clean, "");
    else flags.set(clean.slice(0, space), clean.slice(space + 1).trim());
  }
  return { text: head.trim(), flags };
}
