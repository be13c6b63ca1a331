/**
 * The notes contract: what a parsed markdown note looks like. The markdown files are the
 * source of truth for items and statuses; everything else in michi is derived from these.
 */

/** An item's learning status, set by the marker at the start of its text. */
export type Status = "known" | "partial" | "unknown" | "unmarked";

export const STATUSES: readonly Status[] = ["known", "partial", "unknown", "unmarked"];

/** Where a status marker stands in the file, so an edit can replace exactly those characters. */
export interface MarkerSpan {
  /** The marker as written, e.g. `O`, `×`, `[ ]`. */
  readonly text: string;
  /** UTF-16 offset of the marker in the whole file text (frontmatter included). */
  readonly offset: number;
  /** True when the marker is glued to Latin letters or digits (`OCNI`), read by the list rule. */
  readonly ambiguous: boolean;
}

export type ChunkKind = "item" | "prose";

/** One list item (any depth) or one prose paragraph of a note. */
export interface Item {
  readonly kind: ChunkKind;
  /** Note path relative to the notes directory, with `/` separators. */
  readonly file: string;
  /** 1-based line of the item's first line in the file (frontmatter counted). */
  readonly line: number;
  /** 1-based last line of the item, its nested sub-items included. */
  readonly endLine: number;
  /** UTF-16 offset in the file where the item's text (its marker, if any) starts. */
  readonly textOffset: number;
  /** The note's title: frontmatter `title`, else the first H1, else the file name. */
  readonly title: string;
  /** Headings above the item, outermost first, the note's H1 title excluded. */
  readonly sectionPath: readonly string[];
  readonly status: Status;
  readonly marker: MarkerSpan | null;
  /** The item's own text without its marker (prose: the paragraph). */
  readonly text: string;
  /** Texts of nested sub-items (with their markers), the context written under the item. */
  readonly context: readonly string[];
  /** Nesting depth: 0 for top-level list items and prose. */
  readonly depth: number;
}

/** Something ingest should tell the user about, always naming the file and line. */
export interface NoteWarning {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface Heading {
  readonly depth: number;
  readonly text: string;
  readonly line: number;
  /** Path of headings (H1 excluded) down to and including this one. */
  readonly path: readonly string[];
  /** Number of items (list items) directly or indirectly under this heading. */
  readonly itemCount: number;
  /** Number of prose paragraphs under it: a section with prose but no items is not a gap. */
  readonly proseCount: number;
}

export interface Note {
  readonly file: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly date: string | null;
  readonly items: readonly Item[];
  readonly headings: readonly Heading[];
  readonly warnings: readonly NoteWarning[];
}
