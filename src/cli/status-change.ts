/**
 * What `learned` and `mark` share on the command line: `--pick` parsing, the prompt that lets a
 * terminal user choose among candidates, and reporting the outcome (exit 1 unless settled).
 */
import { createInterface } from "node:readline/promises";
import { MichiError } from "../errors.js";
import type { Candidate } from "../learning/match.js";
import type { StatusChangeOutcome } from "../learning/service.js";
import type { MarkedStatus } from "../notes/edit.js";
import type { CliContext } from "./context.js";
import { writeLine } from "./context.js";
import {
  isSettled,
  type PickWording,
  renderCandidates,
  renderStatusChange,
  statusChangeJson,
  throwOnInputError,
} from "./learning-outcomes.js";
import { shellArg } from "./shell-arg.js";
import { saveShownList, shownItem } from "./shown-candidates.js";

export function parsePick(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new MichiError(`--pick: expected a whole number from 1, got "${value}"`);
  return n;
}

/** The command line's way to choose a candidate. */
function cliPickWording(command: string): PickWording {
  return {
    option: "--pick",
    hint: (topic) => `Choose one with --pick N, e.g. ${command} ${shellArg(topic)} --pick 1`,
    example: `${command} "Deployment"`,
  };
}

/**
 * Runs `learned` / `mark` and reports the outcome. An ambiguous topic asks the user to pick
 * when both ends are a terminal (the very list shown, by item id); otherwise it lists the
 * candidates, remembers them for `--pick N` and exits 1, changing nothing.
 */
export async function runStatusChange(
  ctx: CliContext,
  command: string,
  topic: string,
  options: { pick?: string; json?: boolean },
  run: (pick: number | undefined) => Promise<StatusChangeOutcome>,
  setById: (id: string, to: MarkedStatus) => Promise<StatusChangeOutcome>,
): Promise<void> {
  const { stdout, stderr, stdin } = ctx.io;
  const wording = cliPickWording(command);
  const pick = parsePick(options.pick);
  const { dataDir } = ctx.config();
  const shown =
    pick === undefined ? undefined : await shownItem(dataDir, command, topic.trim(), pick);
  let outcome: StatusChangeOutcome;
  if (shown !== undefined) {
    outcome = await setById(shown.id, shown.to);
    if (outcome.kind === "none") {
      throw new MichiError(
        `--pick ${pick}: "${shown.text}", as listed for "${topic.trim()}", is no longer in your notes; nothing was changed. Run ${command} ${shellArg(topic.trim())} to list the items again.`,
      );
    }
  } else {
    outcome = await run(pick);
  }
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
  if (outcome.kind === "ambiguous") {
    await saveShownList(dataDir, command, outcome.topic, outcome.to, outcome.candidates);
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
