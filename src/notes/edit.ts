/**
 * Exact edits of a note's text (SPEC §5: michi changes nothing but the marker or the appended
 * item). Every function here is pure: text in, text out, and every other character of the
 * file — BOM, frontmatter, line endings, trailing spaces — comes back identical.
 *
 * Positions come from a parse of an earlier read of the file, so each edit first checks that
 * the file still has what the parse saw there and throws a MichiError when it does not, rather
 * than writing a marker into the middle of someone's sentence.
 *
 * Line endings: a line ends at `\r\n`, `\r` or `\n`, as in CommonMark (and so as in the parser's
 * line numbers). New lines are written with the file's own line ending (its first one; `\n` for
 * a file that has none).
 *
 * Trailing newline: a file that ends without a line ending still does after an edit. A line
 * appended after the last line gets the line ending *before* it and none after it.
 */
import { MichiError } from "../errors.js";
import type { MarkerSpan, Status } from "./index.js";
import { findLineStarts, readLine } from "./lines.js";
import { DEFAULT_MARKERS, markerFor, matchMarker } from "./markers.js";
import { findFrontmatterEnd, parseBlockTokens } from "./parse.js";

/** A status a marker can set: every status but `unmarked`. */
export type MarkedStatus = Exclude<Status, "unmarked">;

export const MARKED_STATUSES: readonly MarkedStatus[] = ["known", "partial", "unknown"];

export function isMarkedStatus(value: string): value is MarkedStatus {
  return (MARKED_STATUSES as readonly string[]).includes(value);
}

/** Where an item stands, as the parser reported it for the text being edited. */
export interface MarkerTarget {
  /** 1-based line of the item's first line. */
  readonly line: number;
  /** The item's marker, or null for an unmarked item. */
  readonly marker: MarkerSpan | null;
  /** UTF-16 offset where the item's text starts; found from the line's bullet when absent. */
  readonly textOffset?: number;
}

/** An item's line span: `endLine` is its last line, nested sub-items included. */
export interface ItemLines {
  readonly line: number;
  readonly endLine: number;
}

export interface InboxOptions {
  /** Marker of the new item, e.g. the note's own unknown marker. Default `X`. */
  readonly marker?: string;
}

const ENDS_WITH_LINE_BREAK = /(?:\r\n|\r|\n)$/;
/** A list item's first line: indentation (and any `>` quote marks), bullet, space up to its text. */
const LIST_ITEM_LINE = /^\uFEFF?((?:[ \t]*>[ \t]?)*[ \t]*)([-*+]|\d{1,9}[.)])([ \t]+|$)/;
/**
 * What may stand between the start of an item's line and its text: indentation, blockquote
 * marks, bullets (`- - x` nests), and a line break when the text starts on the next line.
 */
const ITEM_TEXT_PREFIX =
  /^\uFEFF?[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|[ \t]*(?:\r\n|\r|\n)[ \t>]*|$))+$/;
const TAB_WIDTH = 4;
const BOM = "\uFEFF";

/**
 * Sets an item's marker for status `to`, keeping the note's marker family (`X`→`O`, `×`→`○`,
 * `[ ]`→`[x]`). Exactly the marker's characters change; an unmarked item gets `marker + " "`
 * inserted where its text starts. Returns `text` itself when the item already has that status.
 */
export function setMarker(
  text: string,
  target: MarkerTarget,
  to: MarkedStatus,
  style?: string,
): string {
  const starts = findLineStarts(text);
  const lineStart = requireLineStart(starts, target.line);
  const { marker } = target;

  if (marker !== null) {
    const { offset } = marker;
    if (!isItemTextStart(text, lineStart, offset) || !text.startsWith(marker.text, offset)) {
      const found = text.slice(offset, offset + marker.text.length);
      throw noteChanged(
        `line ${target.line} no longer has the marker "${marker.text}" where it was (found "${found}")`,
      );
    }
    const next = markerFor(marker.text, to, style);
    return text.slice(0, offset) + next + text.slice(offset + marker.text.length);
  }

  let at = target.textOffset ?? findItemTextStart(text, starts, target.line);
  if (target.textOffset !== undefined && isBulletStart(text, lineStart, at)) {
    // The parser points an item with no paragraph (empty, or a code block) at its bullet.
    at = findItemTextStart(text, starts, target.line);
    if (!isLineEnd(text, at)) {
      throw new MichiError(
        `The item on line ${target.line} starts with a code block or another block, not text, so michi cannot put a marker before it; add one by hand.`,
      );
    }
  }
  if (!isItemTextStart(text, lineStart, at)) {
    throw noteChanged(`line ${target.line} no longer starts the item where it did`);
  }
  // An ambiguous glued letter (`Xcode`) may legitimately be read as text, not a marker.
  const existing = matchMarker(text.slice(at, at + 8));
  if (existing !== null && !existing.ambiguous) {
    throw noteChanged(`the item on line ${target.line} now has the marker "${existing.marker}"`);
  }
  const next = markerFor(null, to, style);
  // An empty item gets no trailing space, and `-` must stay apart from the marker to stay a list.
  const insert = !isLineEnd(text, at)
    ? `${next} `
    : /[ \t]$/.test(text.slice(0, at))
      ? next
      : ` ${next}`;
  return text.slice(0, at) + insert + text.slice(at);
}

/**
 * Adds `- content` as the last sub-item of an item: a new line right after `endLine`, indented
 * to the item's text column (matching its existing sub-items, else its own tabs or spaces).
 */
export function appendSubItem(text: string, item: ItemLines, content: string): string {
  const body = escapeBlockStart(sanitizeContent(content));
  const starts = findLineStarts(text);
  requireLineStart(starts, item.line);
  if (item.endLine < item.line || item.endLine > countLines(text, starts)) {
    throw noteChanged(`the item on line ${item.line} no longer ends on line ${item.endLine}`);
  }
  const parent = LIST_ITEM_LINE.exec(readLine(text, starts, item.line));
  if (parent === null) throw noteChanged(`line ${item.line} is no longer a list item`);
  const [, lead = "", bullet = "", gap = ""] = parent;
  const { indent, childBullet } = chooseSubItemLayout(text, starts, item, lead, bullet, gap);
  return insertLinesAfter(text, starts, item.endLine, [`${indent}${childBullet} ${body}`]);
}

/**
 * Adds `- X content` as the last item directly under `heading` (a full ATX heading line such as
 * `## 2026-11-27`), before any sub-heading. The first heading with the same level and text is
 * used; a missing heading is appended at the end of the file, and an empty file first gets an
 * `# Inbox` title.
 */
export function appendInboxItem(
  text: string,
  heading: string,
  content: string,
  options: InboxOptions = {},
): string {
  const body = sanitizeContent(content);
  const wanted = parseHeadingLine(heading);
  const bom = text.startsWith(BOM) ? BOM : "";
  const itemLine = (bullet: string) =>
    `${bullet} ${options.marker ?? DEFAULT_MARKERS.unknown} ${body}`;

  if (text.slice(bom.length).trim() === "") {
    return appendBlock(text, ["# Inbox", "", wanted.line, "", itemLine("-")]);
  }

  const blocks = findTopLevelBlocks(maskFrontmatter(text));
  const index = blocks.findIndex(
    (block) =>
      block.type === "heading" && block.depth === wanted.depth && block.text === wanted.text,
  );
  const headingBlock = blocks[index];
  if (headingBlock === undefined) {
    return appendBlock(text, [wanted.line, "", itemLine("-")]);
  }

  let last = headingBlock;
  for (const block of blocks.slice(index + 1)) {
    if (block.type === "heading") break;
    last = block;
  }
  const starts = findLineStarts(text);
  if (last.type === "bullet_list" || last.type === "ordered_list") {
    // Same bullet character, or CommonMark would start a separate list.
    const bullet = last.type === "bullet_list" && (last.markup === "*" || last.markup === "+");
    return insertLinesAfter(text, starts, last.endLine, [itemLine(bullet ? last.markup : "-")]);
  }
  // After a heading or a paragraph, a blank line keeps the new list its own block.
  return insertLinesAfter(text, starts, last.endLine, ["", itemLine("-")]);
}

/** A top-level block of a note: markdown-it's token type without `_open`, and its lines. */
interface TopLevelBlock {
  readonly type: string;
  /** 1-based last line holding the block's text (trailing blank lines excluded). */
  readonly endLine: number;
  /** Headings: the level and the text. */
  readonly depth: number;
  readonly text: string;
  /** Bullet lists: the bullet character. */
  readonly markup: string;
}

function findTopLevelBlocks(text: string): TopLevelBlock[] {
  const tokens = parseBlockTokens(text);
  const starts = findLineStarts(text);
  const blocks: TopLevelBlock[] = [];
  tokens.forEach((token, i) => {
    if (token.level !== 0 || token.nesting === -1 || token.map === null) return;
    const [start, end] = token.map;
    // A list's line map runs on over the blank lines after it.
    let endLine = end;
    while (endLine - 1 > start && readLine(text, starts, endLine).trim() === "") endLine--;
    const heading = token.type === "heading_open";
    blocks.push({
      type: token.type.replace(/_open$/, ""),
      endLine,
      depth: heading ? Number(token.tag.slice(1)) : 0,
      text: heading ? (tokens[i + 1]?.content ?? "").trim() : "",
      markup: token.markup,
    });
  });
  return blocks;
}

/**
 * Makes user text safe as one list item's text: line breaks collapse to spaces (a newline
 * would end the item), ends are trimmed. Throws when nothing is left.
 */
export function sanitizeContent(content: string): string {
  const flat = flattenLines(content);
  if (flat === "") throw new MichiError("Nothing to write: the text is empty.");
  return flat;
}

/** `content` as the one line michi writes: line breaks collapsed to spaces, ends trimmed. */
export function flattenLines(content: string): string {
  return content.replace(/\s*[\r\n\u0085\u2028\u2029]\s*/g, " ").trim();
}

/**
 * Escapes text that would otherwise open a block inside a bare `- ` item (a heading, quote,
 * nested list, rule, code fence or HTML block, which could swallow the lines after it).
 */
function escapeBlockStart(body: string): string {
  const ordered = /^(\d{1,9})([.)])(?=[ \t]|$)/.exec(body);
  if (ordered !== null) {
    const [whole, digits = ""] = ordered;
    return `${digits}\\${body.slice(digits.length, whole.length)}${body.slice(whole.length)}`;
  }
  const opensBlock =
    /^#{1,6}(?:[ \t]|$)/.test(body) ||
    /^[<>]/.test(body) ||
    /^[-+*](?:[ \t]|$)/.test(body) ||
    /^(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/.test(body) ||
    /^(?:`{3,}|~{3,})/.test(body);
  return opensBlock ? `\\${body}` : body;
}

function noteChanged(what: string): MichiError {
  return new MichiError(
    `The note changed since michi last read it: ${what}. Run ingest and try again.`,
  );
}

/** Lines that hold text or end in a line break; a final line break opens no new line. */
function countLines(text: string, starts: readonly number[]): number {
  return ENDS_WITH_LINE_BREAK.test(text) ? starts.length - 1 : starts.length;
}

function requireLineStart(starts: readonly number[], line: number): number {
  const start = Number.isInteger(line) ? starts[line - 1] : undefined;
  if (start === undefined) throw noteChanged(`it has no line ${line} any more`);
  return start;
}

function isItemTextStart(text: string, lineStart: number, offset: number): boolean {
  if (!Number.isInteger(offset) || offset < lineStart || offset > text.length) return false;
  return ITEM_TEXT_PREFIX.test(text.slice(lineStart, offset));
}

/** Whether `offset` is at the bullet of the list item starting line `lineStart`. */
function isBulletStart(text: string, lineStart: number, offset: number): boolean {
  return (
    offset >= lineStart &&
    /^\uFEFF?(?:[ \t]*>[ \t]?)*[ \t]*$/.test(text.slice(lineStart, offset)) &&
    /^(?:[-*+]|\d{1,9}[.)])(?:[ \t\r\n]|$)/.test(text.slice(offset, offset + 12))
  );
}

function isLineEnd(text: string, offset: number): boolean {
  return offset === text.length || text[offset] === "\n" || text[offset] === "\r";
}

function findItemTextStart(text: string, starts: readonly number[], line: number): number {
  const match = LIST_ITEM_LINE.exec(readLine(text, starts, line));
  if (match === null) throw noteChanged(`line ${line} is no longer a list item`);
  return (starts[line - 1] ?? 0) + match[0].length;
}

function detectLineEnding(text: string): string {
  return /\r\n|\r|\n/.exec(text)?.[0] ?? "\n";
}

/** Inserts whole lines after line `line`, keeping a missing final line ending missing. */
function insertLinesAfter(
  text: string,
  starts: readonly number[],
  line: number,
  lines: readonly string[],
): string {
  const eol = detectLineEnding(text);
  const next = starts[line];
  if (next === undefined) return text + eol + lines.join(eol);
  return text.slice(0, next) + lines.map((l) => l + eol).join("") + text.slice(next);
}

/** Appends a block at the end of the file, a blank line apart from what is there. */
function appendBlock(text: string, lines: readonly string[]): string {
  const eol = detectLineEnding(text);
  const block = lines.join(eol);
  const rest = text.startsWith(BOM) ? text.slice(1) : text;
  if (rest === "") return text + block + eol;
  if (!ENDS_WITH_LINE_BREAK.test(rest)) return text + eol + eol + block;
  if (rest.trim() === "" || endsWithBlankLine(rest)) return text + block + eol;
  return text + eol + block + eol;
}

/** Whether the last line before the final line break is blank. */
function endsWithBlankLine(text: string): boolean {
  return /(?:\r\n|\r|\n)[ \t]*$/.test(text.replace(/(?:\r\n|\r|\n)$/, ""));
}

function columnAfter(prefix: string, startColumn = 0): number {
  let column = startColumn;
  for (const char of prefix)
    column = char === "\t" ? column + TAB_WIDTH - (column % TAB_WIDTH) : column + 1;
  return column;
}

function chooseSubItemLayout(
  text: string,
  starts: readonly number[],
  item: ItemLines,
  lead: string,
  bullet: string,
  gap: string,
): { indent: string; childBullet: string } {
  const bulletEnd = columnAfter(lead + bullet);
  const gapWidth = columnAfter(gap, bulletEnd) - bulletEnd;
  // CommonMark: with no text or 5+ columns of space after the bullet, the text column is bullet + 1.
  const contentColumn = gapWidth === 0 || gapWidth > 4 ? bulletEnd + 1 : bulletEnd + gapWidth;

  // Existing direct sub-items set the layout, so the new one joins their list.
  for (let line = item.line + 1; line <= item.endLine; line++) {
    const child = LIST_ITEM_LINE.exec(readLine(text, starts, line));
    if (child === null) continue;
    const [, childLead = "", childBullet = ""] = child;
    const column = columnAfter(childLead);
    if (column >= contentColumn && column < contentColumn + 4) {
      return { indent: childLead, childBullet: /^[-*+]$/.test(childBullet) ? childBullet : "-" };
    }
  }

  if (lead.includes("\t") || usesTabsForLists(text, starts)) {
    let indent = lead;
    while (columnAfter(indent) < contentColumn) indent += "\t";
    return { indent, childBullet: "-" };
  }
  return { indent: lead + " ".repeat(contentColumn - columnAfter(lead)), childBullet: "-" };
}

/** Whether the note's first indented list item is indented with a tab. */
function usesTabsForLists(text: string, starts: readonly number[]): boolean {
  for (let line = 1; line <= starts.length; line++) {
    const match = LIST_ITEM_LINE.exec(readLine(text, starts, line));
    const lead = match?.[1] ?? "";
    if (lead !== "" && !lead.includes(">")) return lead.startsWith("\t");
  }
  return false;
}

function parseHeadingLine(heading: string): { line: string; depth: number; text: string } {
  const line = heading.trim();
  const match = /^(#{1,6})[ \t]+\S/.exec(line);
  const [block] = match === null || /[\r\n]/.test(line) ? [] : findTopLevelBlocks(line);
  if (block?.type !== "heading") {
    throw new MichiError(
      `Not a markdown heading line: "${heading}" (expected e.g. "## 2026-11-27").`,
    );
  }
  return { line, depth: block.depth, text: block.text };
}

/**
 * Blanks the BOM and YAML frontmatter with spaces, keeping every offset and line, so the
 * markdown parser cannot read frontmatter as a rule and a heading.
 */
function maskFrontmatter(text: string): string {
  const end = findFrontmatterEnd(text) ?? (text.startsWith(BOM) ? 1 : 0);
  return text.slice(0, end).replace(/[^\r\n]/g, " ") + text.slice(end);
}
