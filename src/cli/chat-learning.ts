/** The learning `/`-commands of the terminal chat (`/learned`, `/mark`, `/pick`, …). */

import type { Candidate } from "../learning/match.js";
import { renderDigest, renderStatusReport } from "../learning/render.js";
import type { StatusChangeOutcome } from "../learning/service.js";
import { parseSince } from "../learning/time.js";
import { isMarkedStatus, type MarkedStatus } from "../notes/edit.js";
import type { CliContext } from "./context.js";
import {
  type PickWording,
  renderStatusChange,
  renderUndo,
  renderUnknownOutcome,
  throwOnInputError,
} from "./learning-outcomes.js";
import { parsePick } from "./status-change.js";

/** Help lines of the learning commands in the terminal chat. */
export const LEARNING_CHAT_HELP = `  /learned TOPIC [--note TEXT]   mark the item TOPIC means as known
  /mark TOPIC --status S         set its status (known, partial, unknown)
  /pick N                        choose candidate N after an ambiguous /learned or /mark
  /unknown TOPIC                 add TOPIC to inbox.md as an unknown
  /undo                          put back the note michi changed last, if not edited since
  /digest [--since DATE]         what you learned in the last 7 days, and the gaps
  /status                        counts, last ingest, index size, warnings`;

/**
 * The last ambiguous outcome's list and what it was for, so `/pick N` (or the same command with
 * `--pick N`) takes the item shown, even if the notes changed since.
 */
interface ShownChoice {
  readonly topic: string;
  readonly candidates: readonly Candidate[];
  readonly to: MarkedStatus;
  readonly note?: string;
}

/**
 * The learning `/`-commands of the terminal chat. `handle` returns the reply, or null when the
 * line is not one of them. An ambiguous topic is remembered, so `/pick N` can settle it.
 */
export function createLearningChat(ctx: CliContext) {
  let last: ShownChoice | null = null;
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
        ? {
            topic: outcome.topic,
            candidates: outcome.candidates,
            to: outcome.to,
            ...(note ? { note } : {}),
          }
        : null;
    return renderStatusChange(outcome, w);
  };

  /** Candidate `n` of the list last shown, set to its target status. */
  const pickShown = async (list: ShownChoice, n: number, note?: string) => {
    const chosen = Number.isInteger(n) ? list.candidates[n - 1] : undefined;
    if (chosen === undefined) return `/pick: choose 1 to ${list.candidates.length}.`;
    return report(await app().setStatus(chosen.id, list.to, { note: note ?? list.note }), "pick");
  };

  /** The list last shown, when `--pick N` follows it for the same topic and status. */
  const shownFor = (topic: string, to: MarkedStatus, pick: number | undefined) =>
    pick !== undefined && last !== null && last.topic === topic && last.to === to ? last : null;

  return {
    async handle(input: string): Promise<string | null> {
      const match = /^\/(learned|mark|pick|unknown|undo|digest|status)(?:\s+([\s\S]*))?$/.exec(
        input.trim(),
      );
      if (match === null) return null;
      const [, command = "", rest = ""] = match;
      const { text, flags } = splitFlags(rest);
      switch (command) {
        case "learned": {
          const note = flags.get("note");
          const pick = parsePick(flags.get("pick"));
          const shown = shownFor(text, "known", pick);
          if (shown !== null && pick !== undefined) return pickShown(shown, pick, note);
          return report(await app().learned(text, { note, pick }), command, note);
        }
        case "mark": {
          const to = flags.get("status");
          if (to === undefined || !isMarkedStatus(to)) {
            return "Usage: /mark TOPIC --status known|partial|unknown";
          }
          const pick = parsePick(flags.get("pick"));
          const shown = shownFor(text, to, pick);
          if (shown !== null && pick !== undefined) return pickShown(shown, pick);
          return report(await app().mark(text, to, { pick }), command);
        }
        case "pick": {
          if (last === null) return "Nothing to pick from: run /learned or /mark first.";
          return pickShown(last, Number(text));
        }
        case "unknown": {
          const force = flags.has("force");
          const outcome = await app().unknown(text, { force });
          return renderUnknownOutcome(
            outcome,
            (t) => `/unknown ${t} --force`,
            text,
            "/unknown Ingressの仕組み",
          );
        }
        case "undo":
          return renderUndo(await app().undo(), ctx.config().digest.timezone);
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

/**
 * `TOPIC words --flag value --other value` → the topic and the flags. A topic or value quoted
 * as on the command line (`/learned "Deployment" --note 'it …'`, as michi's own suggestions
 * quote them) is taken without its quotes, which would otherwise be matched or written too.
 */
function splitFlags(rest: string): { text: string; flags: Map<string, string> } {
  const parts = rest.split(/\s--(?=[a-z]+(?:\s|$))/);
  const flags = new Map<string, string>();
  const head = rest.trimStart().startsWith("--") ? "" : (parts.shift() ?? "");
  for (const part of parts) {
    const clean = part.replace(/^--/, "");
    const space = clean.search(/\s/);
    if (space === -1) flags.set(clean, "");
    else flags.set(clean.slice(0, space), unquote(clean.slice(space + 1).trim()));
  }
  return { text: unquote(head.trim()), flags };
}

/** `"text"` → `text`; `'it'\''s'` (a shell's single quotes) → `it's`; anything else as is. */
function unquote(text: string): string {
  const double = /^"([^"]*)"$/.exec(text);
  if (double) return (double[1] ?? "").trim();
  const single = /^'((?:[^']|'\\'')*)'$/.exec(text);
  if (single) return (single[1] ?? "").replaceAll("'\\''", "'").trim();
  return text;
}
