/**
 * The terminal's wording of the learning commands' outcomes (the core returns them as data;
 * Discord words them its own way). Notes are named relative to the notes folder.
 */
import { MichiError } from "../errors.js";
import type { Candidate } from "../learning/match.js";
import { formatPlace, icon } from "../learning/render.js";
import type { StatusChangeOutcome, UndoOutcome, UnknownOutcome } from "../learning/service.js";
import { formatLocalDateTime } from "../learning/time.js";

/** How this front end tells the user to choose: a flag on the command line, `/pick` in chat. */
export interface PickWording {
  /** The option named in an invalid pick, e.g. `--pick` or `/pick`. */
  readonly option: string;
  /** The line after the candidate list, e.g. `e.g. michi learned "Pod" --pick 1`. */
  hint(topic: string): string;
  /** An example of the command with a topic, for an empty topic. */
  readonly example: string;
}

/** What to say to an empty topic: how to give one, by `example`. */
export function emptyTopicMessage(example: string): string {
  return `Give a topic, e.g. ${example}.`;
}

/** `unknown`'s example topic, as the command line types it. */
export const UNKNOWN_EXAMPLE = 'michi unknown "Ingressの仕組み"';

/** Numbered candidates, the numbers being what `--pick` takes. */
export function renderCandidates(candidates: readonly Candidate[]): string {
  return candidates
    .map((c, i) => `  ${i + 1}. ${icon(c.status)} ${c.status}  ${c.text}\n     ${formatPlace(c)}`)
    .join("\n");
}

/**
 * Outcomes that are a mistake in what was typed (blank topic or note, a pick out of range)
 * become the one-line MichiError the CLI prints; the others are returned for rendering.
 */
export function throwOnInputError(outcome: StatusChangeOutcome, wording: PickWording): void {
  switch (outcome.kind) {
    case "empty-topic":
      throw new MichiError(emptyTopicMessage(wording.example));
    case "empty-note":
      throw new MichiError("--note: the text is empty.");
    case "invalid-pick":
      throw new MichiError(invalidPickMessage(outcome, wording));
  }
}

function invalidPickMessage(
  outcome: Extract<StatusChangeOutcome, { kind: "invalid-pick" }>,
  wording: PickWording,
): string {
  const { pick, topic, count, names } = outcome;
  if (names !== undefined) {
    return `${wording.option} ${pick}: "${topic}" names one item clearly (${names.file}:${names.line}, ${names.text}), so there is no list to pick from; run it without ${wording.option}.`;
  }
  return `${wording.option} ${pick}: there ${count === 1 ? "is 1 candidate" : `are ${count} candidates`} for "${topic}"; pick 1 to ${count}.`;
}

/** Whether the outcome leaves the notes as the user asked (exit 0) or needs them to act. */
export function isSettled(outcome: StatusChangeOutcome): boolean {
  return outcome.kind === "changed" || outcome.kind === "already";
}

/** The outcome of `learned` / `mark` as terminal text; for the others, what to do next. */
export function renderStatusChange(outcome: StatusChangeOutcome, wording: PickWording): string {
  switch (outcome.kind) {
    case "changed": {
      const lines = [
        `${icon(outcome.to)} ${outcome.item.text}: ${outcome.from} → ${outcome.to}`,
        `   ${formatPlace(outcome.item)}`,
      ];
      if (outcome.noteLine !== null) lines.push(`   + ${outcome.noteLine}`);
      return lines.join("\n");
    }
    case "already":
      return `${icon(outcome.to)} already ${outcome.to}: line ${outcome.item.line}, ${outcome.item.text}; nothing changed.\n   ${formatPlace(outcome.item)}`;
    case "ambiguous":
      return [
        `"${outcome.topic}" does not name one item clearly; nothing was changed. Candidates:`,
        renderCandidates(outcome.candidates),
        wording.hint(outcome.topic),
      ].join("\n");
    case "none":
      return outcome.topic !== null
        ? `No item matches "${outcome.topic}"; nothing was changed.`
        : `No item has the id ${outcome.id}; nothing was changed.`;
    case "stale":
      return `"${outcome.item.text}" changed in its note meanwhile; nothing was changed. Run the command again.\n   ${formatPlace(outcome.item)}`;
    case "invalid-pick":
      return invalidPickMessage(outcome, wording);
    case "empty-topic":
      return emptyTopicMessage(wording.example);
    case "empty-note":
      return "The learned note is empty.";
  }
}

/**
 * `unknown`'s outcome as terminal text. `forceHint` tells how to add it anyway, `example` how
 * to give a topic (the command line's or the chat's command).
 */
export function renderUnknownOutcome(
  outcome: UnknownOutcome,
  forceHint: (topic: string) => string,
  topic: string,
  example = UNKNOWN_EXAMPLE,
): string {
  switch (outcome.kind) {
    case "added":
      return `${icon("unknown")} added: ${outcome.item.text}\n   ${formatPlace(outcome.item)}`;
    case "exists":
      return `${icon(outcome.item.status)} already in your notes as ${outcome.item.status}: ${outcome.item.text}\n   ${formatPlace(outcome.item)}`;
    case "contradicts":
      return [
        `${icon(outcome.item.status)} your notes mark this known: ${outcome.item.text}`,
        `   ${formatPlace(outcome.item)}`,
        `Nothing was added. To add it as an unknown anyway: ${forceHint(topic)}`,
      ].join("\n");
    case "empty-topic":
      return emptyTopicMessage(example);
  }
}

/** A status-change outcome as JSON: candidates carry their `pick` number. */
export function statusChangeJson(outcome: StatusChangeOutcome): unknown {
  if (outcome.kind !== "ambiguous") return outcome;
  return { ...outcome, candidates: outcome.candidates.map((c, i) => ({ pick: i + 1, ...c })) };
}

/** Notes are named relative to the notes folder, like the other learning commands do. */
export function renderUndo(outcome: UndoOutcome, timeZone: string): string {
  if (outcome.kind === "nothing") {
    return "Nothing to undo: michi has made no change to a note that is not undone yet.";
  }
  const { change } = outcome;
  const note = change.file;
  // Stored times are UTC; people read them in their own zone, as `status` shows them.
  const at = `${formatLocalDateTime(new Date(change.at), timeZone)} ${timeZone}`;
  if (outcome.kind === "refused") {
    const kept = outcome.kept === null ? "" : ` The version before it is kept in ${outcome.kept}.`;
    return `michi: ${note} changed since michi's last change to it (${change.command}, ${at}), so undo would overwrite that: nothing was changed.${kept}`;
  }
  const lines = [`↩️ undid ${change.command} (${at}): ${note} is back to the version before it`];
  for (const e of outcome.events)
    lines.push(`   ${e.text}: ${e.from ?? "new"} → ${e.to ?? "gone"}`);
  return lines.join("\n");
}
