/**
 * Item → chunk: the stable id an item keeps across marker changes and moves within its note,
 * and the text that is embedded (status-free, so flipping a marker never re-embeds).
 */
import { hash as digest } from "node:crypto";
import type { Item } from "../notes/index.js";

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
 * The text a chunk is embedded and keyword-indexed by: its own words and its sub-items.
 * The section heading is left out: on held-out questions it added nothing and blurred items
 * of one section together (measured in test/ask/retrieval-quality.test.ts).
 */
export function embedTextOf(item: Pick<Item, "text" | "context">): string {
  return [item.text, ...item.context].join("\n");
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
