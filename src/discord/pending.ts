/**
 * Choices a select menu offers (several items match a topic): what to do with the picked item
 * lives here, keyed by the menu's custom id, because a custom id holds only 100 characters.
 * Entries expire; a pick after a restart or after expiry asks the user to run the command again.
 */
import type { Language } from "../ask/language.js";
import type { MarkedStatus } from "../notes/edit.js";

export type PendingChoice =
  | {
      readonly kind: "status";
      /** The status to set on the picked item. */
      readonly to: MarkedStatus;
      /** The learned note to write with it, if any. */
      readonly note: string | undefined;
      /** The ids offered, so a forged value cannot act on another item. */
      readonly ids: readonly string[];
      /** Who asked: only they may pick. */
      readonly userId: string;
      /** The language the menu was offered in: the pick's reply keeps it. */
      readonly language: Language;
    }
  /** "Add anyway": a topic to add as unknown although the notes mark it known. */
  | {
      readonly kind: "unknown";
      readonly topic: string;
      readonly userId: string;
      readonly language: Language;
    };

export interface PendingChoices {
  add(choice: PendingChoice): string;
  get(key: string): PendingChoice | undefined;
  delete(key: string): void;
}

export const PENDING_TTL_MS = 15 * 60_000;

export function createPendingChoices(now: () => number = Date.now): PendingChoices {
  const entries = new Map<string, { choice: PendingChoice; expires: number }>();
  let counter = 0;
  const sweep = () => {
    const t = now();
    for (const [key, entry] of entries) if (entry.expires <= t) entries.delete(key);
  };
  return {
    add(choice) {
      sweep();
      counter += 1;
      const key = `${now().toString(36)}${counter.toString(36)}`;
      entries.set(key, { choice, expires: now() + PENDING_TTL_MS });
      return key;
    },
    get(key) {
      sweep();
      return entries.get(key)?.choice;
    },
    delete(key) {
      entries.delete(key);
    },
  };
}
