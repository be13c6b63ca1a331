import type { ItemState } from "../index/store.js";

/** An item as the learning loop refers to it: identity, place, text and status. */
export type ItemRef = ItemState;

/** Just the ItemRef fields of a richer object (a chunk, a candidate), e.g. for JSON output. */
export function toItemRef(item: ItemRef): ItemRef {
  return {
    id: item.id,
    file: item.file,
    title: item.title,
    sectionPath: item.sectionPath,
    line: item.line,
    text: item.text,
    status: item.status,
  };
}
