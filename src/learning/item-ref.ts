import type { Status } from "../notes/index.js";

/** An item as the learning loop refers to it: identity, place, text and status. */
export interface ItemRef {
  readonly id: string;
  readonly file: string;
  readonly title: string;
  readonly sectionPath: readonly string[];
  readonly line: number;
  readonly text: string;
  readonly status: Status;
}

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
