import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { MichiError } from "../../errors.js";
import type { Candidate } from "../../learning/match.js";
import { renderDigest, renderStatusReport } from "../../learning/render.js";
import type { StatusChangeOutcome } from "../../learning/service.js";
import { parseSince } from "../../learning/time.js";
import type { MarkedStatus } from "../../notes/edit.js";
import type { CliContext } from "../context.js";
import { writeLine } from "../context.js";
import {
  isSettled,
  type PickWording,
  renderCandidates,
  renderStatusChange,
  renderUnknownOutcome,
  statusChangeJson,
  throwOnInputError,
} from "../learning-outcomes.js";

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
      await runStatusChange(
        ctx,
        "michi learned",
        options,
        (pick) => ctx.app().learned(topic, { note: options.note, pick }),
        (id, to) => ctx.app().setStatus(id, to, { note: options.note }),
      );
    });
}

export function parsePick(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new MichiError(`--pick: expected a whole number from 1, got "${value}"`);
  return n;
}

/** The command line's way to choose a candidate. */
export function cliPickWording(command: string): PickWording {
  return {
    option: "--pick",
    hint: (topic) => `Choose one with --pick N, e.g. ${command} ${JSON.stringify(topic)} --pick 1`,
    example: `${command} "Deployment"`,
  };
}

/**
 * Runs `learned` / `mark` and reports the outcome. An ambiguous topic asks the user to pick
 * when both ends are a terminal (the very list shown, by item id); otherwise it lists the
 * candidates and exits 1, changing nothing.
 */
export async function runStatusChange(
  ctx: CliContext,
  command: string,
  options: { pick?: string; json?: boolean },
  run: (pick: number | undefined) => Promise<StatusChangeOutcome>,
  setById: (id: string, to: MarkedStatus) => Promise<StatusChangeOutcome>,
): Promise<void> {
  const { stdout, stderr, stdin } = ctx.io;
  const wording = cliPickWording(command);
  let outcome = await run(parsePick(options.pick));
  throwOnInputError(outcome, wording);
  if (outcome.kind === "ambiguous" && !options.json && stdin.isTTY && stdout.isTTY) {
    const chosen = await promptPick(ctx, outcome.topic, outcome.candidates);
    if (chosen === undefined) {
      writeLine(stderr, "Nothing was changed.");
      return ctx.fail(1);
    }
    outcome = await setById(chosen.id, outcome.to);
    throwOnInputError(outcome, wording);
  }
  if (options.json) {
    writeLine(stdout, JSON.stringify(statusChangeJson(outcome)));
  } else {
    writeLine(isSettled(outcome) ? stdout : stderr, renderStatusChange(outcome, wording));
  }
  if (!isSettled(outcome)) ctx.fail(1);
}

async function promptPick(
  ctx: CliContext,
  topic: string,
  candidates: readonly Candidate[],
): Promise<Candidate | undefined> {
  const { stdin, stdout } = ctx.io;
  writeLine(stdout, `"${topic}" does not name one item clearly:\n${renderCandidates(candidates)}`);
  const rl = createInterface({ input: stdin, output: stdout, terminal: true });
  try {
    const answer = (await rl.question(`Pick 1-${candidates.length} (Enter to cancel): `)).trim();
    const n = Number(answer);
    return answer !== "" && Number.isInteger(n) ? candidates[n - 1] : undefined;
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
  /** The last ambiguous outcome's list and what it was for, so `/pick N` takes from it. */
  let last: { candidates: readonly Candidate[]; to: MarkedStatus; note?: string } | null = null;
  const app = () => ctx.app();
  const wording = (command: string): PickWording => ({
    option: "/pick",
    hint: () => "(/pick N to choose)",
    example: `/${command} Deployment`,
  });

  const report = (outcome: StatusChangeOutcome, command: string, note?: string) => {
    const w = wording(command);
    throwOnInputError(outcome, w);
    last =
      outcome.kind === "ambiguous"
        ? { candidates: outcome.candidates, to: outcome.to, ...(note ? { note } : {}) }
        : null;
    return renderStatusChange(outcome, w);
  };

  return {
    async handle(input: string): Promise<string | null> {
      const match = /^\/(learned|mark|pick|unknown|digest|status)(?:\s+([\s\S]*))?$/.exec(
        input.trim(),
      );
      if (match === null) return null;
      const [, command = "", rest = ""] = match;
      const { text, flags } = splitFlags(rest);
      switch (command) {
        case "learned": {
          const note = flags.get("note");
          const outcome = await app().learned(text, { note, pick: parsePick(flags.get("pick")) });
          return report(outcome, command, note);
        }
        case "mark": {
          const to = flags.get("status");
          if (to !== "known" && to !== "partial" && to !== "unknown") {
            return "Usage: /mark TOPIC --status known|partial|unknown";
          }
          return report(
            await app().mark(text, to, { pick: parsePick(flags.get("pick")) }),
            command,
          );
        }
        case "pick": {
          if (last === null) return "Nothing to pick from: run /learned or /mark first.";
          const n = Number(text);
          const chosen = Number.isInteger(n) ? last.candidates[n - 1] : undefined;
          if (chosen === undefined) return `/pick: choose 1 to ${last.candidates.length}.`;
          const { to, note } = last;
          return report(await app().setStatus(chosen.id, to, { note }), command);
        }
        case "unknown": {
          const force = flags.has("force");
          const outcome = await app().unknown(text, { force });
          return renderUnknownOutcome(outcome, (t) => `/unknown ${t} --force`, text);
        }
        case "digest": {
          const since = flags.get("since");
          const timeZone = ctx.config().digest.timezone;
          const digest = await app().digest({
            since: since === undefined ? undefined : parseSince(since, timeZone),
          });
          return renderDigest(digest);
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
