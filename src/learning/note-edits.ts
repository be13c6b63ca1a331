/**
 * The note edits of the learning commands, on top of the exact-edit primitives in notes/edit.ts.
 *
 * Each edit re-parses the text it is given and finds its item by chunk id, never by a line
 * number from an older read: `editFileExactly` runs it again on fresh text when the file changed
 * meanwhile, so a concurrent change (another `learned`, an editor) is kept, not overwritten.
 */

import { MichiError } from "../errors.js";
import { type Chunk, chunkItems } from "../index/chunk.js";
import { appendInboxItem, appendSubItem, type MarkedStatus, setMarker } from "../notes/edit.js";
import type { Item } from "../notes/index.js";
import { markerFor, statusOfMarker } from "../notes/markers.js";
import { parseNote } from "../notes/parse.js";

/** The note's own marker style: its first unambiguous marker that is not a partial one. */
export function findMarkerStyle(items: readonly Item[]): string | undefined {
  for (const item of items) {
    const marker = item.marker;
    if (marker === null || marker.ambiguous) continue;
    if (statusOfMarker(marker.text) !== "partial") return marker.text;
  }
  return undefined;
}

/** The sub-item `learned` writes under an item it marks known. */
export function formatLearnedLine(date: string, note: string): string {
  return `learned ${date}: ${note}`;
}

export interface StatusEdit {
  /** The chunk id of the item to change. */
  readonly itemId: string;
  readonly to: MarkedStatus;
  /** Appended as a nested sub-item (already formatted), or nothing. */
  readonly subItem?: string | null;
}

export interface StatusEditResult {
  /** The new text, or null when the item is gone or already has that status (nothing to write). */
  readonly text: string | null;
  /** The item as found in the text the edit was applied to; null when it is no longer there. */
  readonly item: Chunk | null;
}

/**
 * Sets one item's status (keeping the note's marker family) and optionally appends a sub-item
 * to it. Pure. An item that already has the status is left alone, sub-item included: the
 * command reports "already", and a note line under an unchanged item would be a silent write.
 */
export function applyStatusEdit(file: string, text: string, edit: StatusEdit): StatusEditResult {
  const note = parseNote(file, text);
  const item = chunkItems(note.items).find((c) => c.id === edit.itemId && c.kind === "item");
  if (item === undefined) return { text: null, item: null };
  const subItem = edit.subItem ?? null;
  if (item.status === edit.to) return { text: null, item };
  const marked = setMarker(
    text,
    { line: item.line, marker: item.marker, textOffset: item.textOffset },
    edit.to,
    findMarkerStyle(note.items),
  );
  const next =
    subItem === null
      ? marked
      : appendSubItem(marked, { line: item.line, endLine: item.endLine }, subItem);
  return { text: next, item };
}

export interface InboxAddition {
  readonly text: string;
  /** The new item as parsed from the new text. */
  readonly item: Chunk;
}

/**
 * Adds `- X topic` under `## date` in the inbox note's text (empty for a new note), with the
 * inbox's own unknown marker. Pure.
 */
export function applyInboxAddition(
  file: string,
  text: string,
  date: string,
  topic: string,
): InboxAddition {
  const before = parseNote(file, text);
  const style = findMarkerStyle(before.items);
  const marker = markerFor(null, "unknown", style);
  const next = appendInboxItem(text, `## ${date}`, topic, { marker });
  const oldIds = new Set(chunkItems(before.items).map((c) => c.id));
  const added = chunkItems(parseNote(file, next).items).filter(
    (c) => c.kind === "item" && !oldIds.has(c.id),
  );
  const item = added.at(-1);
  if (item === undefined) {
    throw new MichiError(`${file}: could not add "${topic}" as an item (it did not parse as one).`);
  }
  return { text: next, item };
}
