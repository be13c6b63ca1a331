/**
 * Markdown note → items with exact positions (SPEC §2). Structure comes from a real CommonMark
 * parser (mdast); markers are read from the raw source at each item's text offset, so an edit
 * can later replace exactly those characters.
 */
import path from "node:path";
import matter from "gray-matter";
import type { List, ListItem, Nodes, Paragraph, Root } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { toString as mdastToString } from "mdast-util-to-string";
import { MichiError } from "../errors.js";
import type { Heading, Item, MarkerSpan, Note, NoteWarning, Status } from "./index.js";
import { matchMarker } from "./markers.js";

/** Where the markdown body starts after an optional BOM and YAML frontmatter. */
interface Body {
  readonly data: Record<string, unknown>;
  readonly offset: number;
  readonly line: number;
}

const FRONTMATTER_OPEN = /^---[ \t]*\r?\n/;
const FRONTMATTER_CLOSE = /^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/m;

/** Splits off frontmatter; throws a MichiError naming the file and line when it is invalid. */
function readFrontmatter(file: string, text: string): Body {
  const bom = text.startsWith("\uFEFF") ? 1 : 0;
  const rest = text.slice(bom);
  const open = FRONTMATTER_OPEN.exec(rest);
  if (!open) return { data: {}, offset: bom, line: 1 };
  const afterOpen = rest.slice(open[0].length);
  const close = FRONTMATTER_CLOSE.exec(afterOpen);
  if (!close) return { data: {}, offset: bom, line: 1 }; // a lone `---` is a thematic break
  const yamlEnd = open[0].length + close.index;
  const end = yamlEnd + close[0].length;
  let data: Record<string, unknown>;
  try {
    // Passing options turns off gray-matter's unbounded per-content cache.
    data = matter(rest.slice(0, end), {}).data as Record<string, unknown>;
  } catch (error) {
    const mark = (error as { mark?: { line?: number } }).mark;
    const line = mark?.line !== undefined ? mark.line + 1 : 1;
    throw new MichiError(`${file}:${line}: invalid frontmatter: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const line = countLines(rest.slice(0, end)) + 1;
  return { data: data ?? {}, offset: bom + end, line };
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

function frontmatterTags(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter((t) => t.length > 0);
  if (typeof value === "string") {
    return value
      .split(/[,\s]+/)
      .map((t) => t.trim())
      .filter((t) => t.length > 0);
  }
  return [];
}

function frontmatterDate(value: unknown): string | null {
  if (value instanceof Date && !Number.isNaN(value.getTime()))
    return value.toISOString().slice(0, 10);
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  return null;
}

/** Collapses the line breaks of a wrapped paragraph into single spaces. */
function flatten(text: string): string {
  return text.replace(/[ \t]*\r?\n[ \t]*/g, " ").trim();
}

interface WalkState {
  readonly file: string;
  readonly text: string;
  readonly body: Body;
  title: string;
  titleFromH1: boolean;
  headingStack: { depth: number; text: string }[];
  readonly items: Item[];
  readonly headings: (Omit<Heading, "itemCount" | "proseCount"> & {
    itemCount: number;
    proseCount: number;
  })[];
  readonly warnings: NoteWarning[];
}

/**
 * Parses one note. `file` is the note's path relative to the notes directory (used in
 * citations and warnings). Throws a MichiError for frontmatter that is not valid YAML.
 */
export function parseNote(file: string, text: string): Note {
  const body = readFrontmatter(file, text);
  const tree = fromMarkdown(text.slice(body.offset));
  const fmTitle = typeof body.data.title === "string" ? body.data.title.trim() : "";
  const firstH1 = tree.children.find((n) => n.type === "heading" && n.depth === 1);
  const h1Title = firstH1 ? flatten(mdastToString(firstH1)) : "";
  const state: WalkState = {
    file,
    text,
    body,
    title: fmTitle || h1Title || path.posix.basename(file).replace(/\.(md|markdown)$/i, ""),
    titleFromH1: !fmTitle && h1Title !== "",
    headingStack: [],
    items: [],
    headings: [],
    warnings: [],
  };
  walkBlocks(state, tree);
  reportDuplicates(state);
  return {
    file,
    title: state.title,
    tags: frontmatterTags(body.data.tags),
    date: frontmatterDate(body.data.date),
    items: state.items,
    headings: state.headings,
    warnings: state.warnings,
  };
}

function lineOf(state: WalkState, node: Nodes): number {
  return (node.position?.start.line ?? 1) + state.body.line - 1;
}

function endLineOf(state: WalkState, node: Nodes): number {
  return (node.position?.end.line ?? 1) + state.body.line - 1;
}

function offsetOf(state: WalkState, node: Nodes): number {
  return (node.position?.start.offset ?? 0) + state.body.offset;
}

function sectionPath(state: WalkState): string[] {
  return state.headingStack.map((h) => h.text);
}

function walkBlocks(state: WalkState, parent: Root | Nodes): void {
  if (!("children" in parent)) return;
  for (const node of parent.children) {
    switch (node.type) {
      case "heading": {
        const text = flatten(mdastToString(node));
        // The H1 that named the note is its title, not a section.
        if (node.depth === 1 && state.titleFromH1 && text === state.title) {
          state.headingStack = [];
          break;
        }
        state.headingStack = state.headingStack.filter((h) => h.depth < node.depth);
        state.headingStack.push({ depth: node.depth, text });
        state.headings.push({
          depth: node.depth,
          text,
          line: lineOf(state, node),
          path: sectionPath(state),
          itemCount: 0,
          proseCount: 0,
        });
        break;
      }
      case "list":
        walkList(state, node, 0);
        break;
      case "paragraph":
        addProse(state, node);
        break;
      case "blockquote":
        walkBlocks(state, node);
        break;
      case "table":
        addProse(state, node);
        break;
      default:
        // Code blocks, HTML, thematic breaks and definitions hold no items.
        break;
    }
  }
}

function addProse(state: WalkState, node: Nodes): void {
  const text = flatten(mdastToString(node));
  if (text === "") return;
  for (const heading of openHeadings(state)) heading.proseCount++;
  state.items.push({
    kind: "prose",
    file: state.file,
    line: lineOf(state, node),
    endLine: endLineOf(state, node),
    textOffset: offsetOf(state, node),
    title: state.title,
    sectionPath: sectionPath(state),
    status: "unmarked",
    marker: null,
    text,
    context: [],
    depth: 0,
  });
}

/** An item's marker as read from the raw source, before the list rule settles ambiguity. */
function readMarker(state: WalkState, paragraph: Paragraph | undefined) {
  if (!paragraph) return null;
  const offset = offsetOf(state, paragraph);
  const match = matchMarker(state.text.slice(offset, offset + 8));
  return match ? { match, offset } : null;
}

/**
 * A letter marker glued to Latin letters is ambiguous. In a list that uses no other markers it
 * is a word (`- Xcode tips`). In a list that does, it is reported, and read as a marker only
 * when an uppercase `O`/`X` is glued to an acronym (`OCNI`, `X11`), else as a word (`Other`).
 */
function walkList(state: WalkState, list: List, depth: number): number {
  const entries = list.children.map((listItem) => {
    const first = listItem.children[0];
    const paragraph = first?.type === "paragraph" ? first : undefined;
    return { listItem, paragraph, read: readMarker(state, paragraph) };
  });
  const listUsesMarkers = entries.some((e) => e.read && !e.read.match.ambiguous);
  let count = 0;
  for (const entry of entries) {
    count += addListItem(state, entry, depth, listUsesMarkers);
  }
  return count;
}

function addListItem(
  state: WalkState,
  entry: {
    listItem: ListItem;
    paragraph: Paragraph | undefined;
    read: ReturnType<typeof readMarker>;
  },
  depth: number,
  listUsesMarkers: boolean,
): number {
  const { listItem, paragraph, read } = entry;
  const line = lineOf(state, listItem);
  let marker: MarkerSpan | null = null;
  let status: Status = "unmarked";
  let text = paragraph ? flatten(mdastToString(paragraph)) : "";
  if (read) {
    const { match, offset } = read;
    const next = state.text.charAt(offset + match.marker.length);
    const accepted = !match.ambiguous || (listUsesMarkers && isAcronymGlue(match.marker, next));
    if (match.ambiguous && listUsesMarkers) {
      const word = state.text.slice(offset, offset + 12).split(/[\s,、。]/)[0];
      state.warnings.push({
        file: state.file,
        line,
        message: accepted
          ? `ambiguous marker: "${word}…" read as ${match.status} "${match.marker}" + "${word?.slice(match.marker.length)}"; write "${match.marker} " with a space to make it explicit`
          : `ambiguous marker: "${word}…" read as a word (unmarked); write "${match.marker} ${word}" if it is a marker`,
      });
    }
    if (accepted) {
      marker = { text: match.marker, offset, ambiguous: match.ambiguous };
      status = match.status;
      text = text.startsWith(match.marker) ? text.slice(match.marker.length).trim() : text;
    }
  }
  const index = state.items.length;
  const itemDepth = depth;
  // Reserve the slot so the parent precedes its sub-items in document order.
  state.items.push(undefined as unknown as Item);
  const context: string[] = [];
  let count = 1;
  for (const child of listItem.children) {
    if (child === paragraph) continue;
    if (child.type === "list") {
      const before = state.items.length;
      count += walkList(state, child, depth + 1);
      for (const sub of state.items.slice(before)) {
        if (sub.kind === "item" && sub.depth === depth + 1) {
          context.push(sub.marker ? `${sub.marker.text} ${sub.text}` : sub.text);
        }
      }
    } else if (child.type === "paragraph" || child.type === "blockquote") {
      const extra = flatten(mdastToString(child));
      if (extra !== "") context.push(extra);
    }
  }
  state.items[index] = {
    kind: "item",
    file: state.file,
    line,
    endLine: endLineOf(state, listItem),
    textOffset: paragraph ? offsetOf(state, paragraph) : offsetOf(state, listItem),
    title: state.title,
    sectionPath: sectionPath(state),
    status,
    marker,
    text,
    context,
    depth: itemDepth,
  };
  for (const heading of openHeadings(state)) heading.itemCount++;
  return count;
}

function isAcronymGlue(marker: string, next: string): boolean {
  return (marker === "O" || marker === "X") && /^[A-Z0-9]$/.test(next);
}

/** The headings the walk is currently under: the last one at each level of the stack. */
function openHeadings(state: WalkState): WalkState["headings"] {
  const open: WalkState["headings"] = [];
  let depth = state.headingStack.length;
  for (let i = state.headings.length - 1; i >= 0 && depth > 0; i--) {
    const heading = state.headings[i] as WalkState["headings"][number];
    if (heading.path.length === depth) {
      open.push(heading);
      depth--;
    }
  }
  return open;
}

function reportDuplicates(state: WalkState): void {
  const seen = new Map<string, number>();
  for (const item of state.items) {
    if (item.kind !== "item" || item.text === "") continue;
    const key = `${item.status}\u0000${item.text}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, item.line);
    else
      state.warnings.push({
        file: state.file,
        line: item.line,
        message: `duplicate item: same text and status as line ${first}`,
      });
  }
}
