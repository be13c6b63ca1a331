/**
 * The candidate list `learned` / `mark` last showed on the command line, kept in the data folder
 * so that `--pick N` takes the N-th item *shown* (by its id), as the chat's `/pick` and Discord's
 * select menu do: a fresh ranking may number the items differently once the notes changed.
 */
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { Candidate } from "../learning/match.js";
import { writeFileAtomic } from "../notes/atomic-write.js";
import type { MarkedStatus } from "../notes/edit.js";

const FILE = "shown-candidates.json";

export interface ShownList {
  /** The command that listed them, e.g. `michi mark --status known`. */
  readonly command: string;
  readonly topic: string;
  readonly to: MarkedStatus;
  readonly items: readonly { readonly id: string; readonly text: string }[];
}

/** Remembers the list just shown; best effort (without it, `--pick` ranks afresh). */
export async function saveShownList(
  dataDir: string,
  command: string,
  topic: string,
  to: MarkedStatus,
  candidates: readonly Candidate[],
): Promise<void> {
  const list: ShownList = {
    command,
    topic,
    to,
    items: candidates.map((c) => ({ id: c.id, text: c.text })),
  };
  const file = path.join(dataDir, FILE);
  await writeFileAtomic(file, `${JSON.stringify(list)}\n`).catch(() =>
    rm(file, { force: true }).catch(() => {}),
  );
}

/** Item N of the list last shown for this command and topic, if it was shown. */
export async function shownItem(
  dataDir: string,
  command: string,
  topic: string,
  pick: number,
): Promise<{ id: string; text: string; to: MarkedStatus } | undefined> {
  let list: ShownList;
  try {
    list = JSON.parse(await readFile(path.join(dataDir, FILE), "utf8")) as ShownList;
  } catch {
    return undefined;
  }
  if (list.command !== command || list.topic !== topic || !Array.isArray(list.items))
    return undefined;
  const item = list.items[pick - 1];
  if (typeof item?.id !== "string" || typeof item.text !== "string") return undefined;
  return { id: item.id, text: item.text, to: list.to };
}
