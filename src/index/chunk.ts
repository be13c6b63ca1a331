/**
 * Item → chunk: the stable id an item keeps across marker changes and moves within its note,
 * and the text that is embedded (status-free, so flipping a marker never re-embeds).
 */
import { hash as digest } from "node:crypto";
import type { Item } from "../notes/index.js";
import { isPointerText } from "../notes/links.js";
import { type NoteLink, noteLinksOf } from "./pointer.js";

export interface Chunk extends Item {
  /** Stable identity: note path, kind, text, and which occurrence of that text it is. */
  readonly id: string;
  /** Hash of what is embedded; an unchanged hash means the stored vector is reused. */
  readonly embedHash: string;
}

function hash(text: string): string {
  // One-shot hashing: a Hash object per call is a tenth of a large re-ingest's parsing time.
  return digest("sha1", text, "base64url").slice(0, 16);
}

/**
 * Version of what `embedTextOf` puts in a vector; the store records it with the embedder, so
 * an index built from another version rebuilds (2: pointer lines are not embedded; 3: a table
 * row per item, footnotes, HTML blocks and blog containers read as text; 4: Hugo's TOML
 * frontmatter is not a paragraph; 5: a bare URL or a Zenn `@[card](…)` line is a pointer).
 */
export const EMBED_TEXT_VERSION = 5;

/** An item that is only links within the vault (an index or table-of-contents line). */
export function isPointer(item: Pick<Item, "text" | "context">): boolean {
  return isPointerText(item.text) && item.context.every(isPointerText);
}

/**
 * The text a chunk is keyword-indexed by: its own words and its sub-items; nothing for a
 * pointer line, which is never an answer (see pointer.ts).
 */
export function keywordTextOf(item: Pick<Item, "text" | "context">): string {
  if (isPointer(item)) return "";
  return item.context.length === 0 ? item.text : [item.text, ...item.context].join("\n");
}

/**
 * The links of an item and its sub-items that may point to other notes: their words are
 * anchor text for the note they point to (ask/note-index.ts).
 */
export function noteLinksOfItem(item: Pick<Item, "text" | "context">): NoteLink[] {
  const links = noteLinksOf(item.text);
  for (const line of item.context) links.push(...noteLinksOf(line));
  return links;
}

/**
 * The text a chunk is embedded by: the same as its keyword text. The note's title and section
 * headings are left out of the vector: shared by every item of a note, they blurred the items
 * of one note together (measured on the seed eval sets); the note-level index
 * (ask/note-index.ts) finds notes by their title and headings instead.
 */
export function embedTextOf(item: Pick<Item, "text" | "context">): string {
  return keywordTextOf(item);
}

/** Turns a note's items into chunks with ids unique within the note. */
export function chunkItems(items: readonly Item[]): Chunk[] {
  const occurrences = new Map<string, number>();
  return items.map((item) => {
    const key = `${item.file}\u0000${item.kind}\u0000${item.text}`;
    const n = occurrences.get(key) ?? 0;
    occurrences.set(key, n + 1);
    // Spelled out rather than spread: copying by spread was most of chunking a large ingest.
    return {
      kind: item.kind,
      file: item.file,
      line: item.line,
      endLine: item.endLine,
      textOffset: item.textOffset,
      title: item.title,
      sectionPath: item.sectionPath,
      status: item.status,
      marker: item.marker,
      text: item.text,
      context: item.context,
      depth: item.depth,
      id: hash(`${key}\u0000${n}`),
      embedHash: hash(embedTextOf(item)),
    };
  });
}
