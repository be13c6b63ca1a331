/**
 * Markdown note → items with exact positions (SPEC §2). Block structure comes from a real
 * CommonMark parser (markdown-it, block rules only: inline markup stays as written, and it is
 * ~25× faster than a full mdast parse); markers are read from the raw source at each item's
 * text offset, so an edit can later replace exactly those characters.
 */
import path from "node:path";
import matter from "gray-matter";
import type { Token } from "markdown-it";
import MarkdownIt from "markdown-it";
import { parse as parseYaml } from "yaml";
import { MichiError } from "../errors.js";
import { useBlogBlocks } from "./block-rules.js";
import { htmlBlockText } from "./html-text.js";
import type { Heading, Item, MarkerSpan, Note, NoteWarning, Status } from "./index.js";
import { findLineStarts, readLine } from "./lines.js";
import { isPointerText } from "./links.js";
import { matchMarker } from "./markers.js";
import { readTomlFrontmatter } from "./toml-frontmatter.js";

/** Where the markdown body starts after an optional BOM and YAML frontmatter. */
interface Body {
  readonly data: Record<string, unknown>;
  readonly offset: number;
  readonly line: number;
}

const FRONTMATTER_OPEN = /^(?:---|\+\+\+)[ \t]*(?:\r\n|\r|\n)/;
const FRONTMATTER_CLOSE = /^(?:---|\.\.\.)[ \t]*(?:\r\n|\r|\n|$)/m;
const TOML_CLOSE = /^\+\+\+[ \t]*(?:\r\n|\r|\n|$)/m;

/**
 * Where the frontmatter at the start of `text` (after an optional BOM) ends, its closing line
 * break included: YAML between `---` lines, or Hugo's TOML between `+++` lines; null when the
 * text has none (a lone `---` is a thematic break).
 */
export function findFrontmatterEnd(text: string): number | null {
  const bom = text.startsWith("\uFEFF") ? 1 : 0;
  const open = FRONTMATTER_OPEN.exec(text.slice(bom));
  if (!open) return null;
  const closing = open[0].startsWith("+") ? TOML_CLOSE : FRONTMATTER_CLOSE;
  const close = closing.exec(text.slice(bom + open[0].length));
  return close ? bom + open[0].length + close.index + close[0].length : null;
}

/** A line that starts a YAML mapping: `key: value`. */
const YAML_KEY_LINE = /^[ \t]*(?:[^#\s\-:][^:\r\n]*|"[^"\r\n]*"|'[^'\r\n]*'):(?:[ \t]|$)/;

/**
 * The note's body. Frontmatter that fails to parse and does not even start like YAML
 * (`key: value`) was never frontmatter: a slide deck (Marp) opens with `---` and separates its
 * slides with more, so it is read as markdown from the top instead of being skipped whole.
 */
function readBody(file: string, text: string): Body {
  try {
    return readFrontmatter(file, text);
  } catch (error) {
    const bom = text.startsWith("\uFEFF") ? 1 : 0;
    const end = findFrontmatterEnd(text) ?? bom;
    const first = text
      .slice(bom, end)
      .split(/\r\n|\r|\n/)
      .slice(1)
      .find((line) => line.trim() !== "" && !/^-{3}|^\.{3}/.test(line));
    if (first === undefined || YAML_KEY_LINE.test(first)) throw error;
    return { data: {}, offset: bom, line: 1 };
  }
}

/**
 * What one note's frontmatter may cost. gray-matter's own js-yaml expands aliases without
 * bound: 547 bytes of nested aliases took 1.6 GB and 30 s before crashing. The `yaml` package
 * counts alias expansions, and a frontmatter block beyond any real one is refused outright.
 */
export const FRONTMATTER_LIMITS = { maxBytes: 64 * 1024, maxAliasCount: 100 } as const;

/** gray-matter's YAML engine, replaced by a bounded one (plain data: dates stay strings). */
const boundedYaml = {
  parse: (source: string): object =>
    (parseYaml(source, {
      maxAliasCount: FRONTMATTER_LIMITS.maxAliasCount,
      prettyErrors: true,
    }) as object | null) ?? {},
};

/** Splits off frontmatter; throws a MichiError naming the file and line when it is invalid. */
function readFrontmatter(file: string, text: string): Body {
  const bom = text.startsWith("\uFEFF") ? 1 : 0;
  const end = findFrontmatterEnd(text);
  if (end === null) return { data: {}, offset: bom, line: 1 };
  const block = text.slice(bom, end);
  if (block.length > FRONTMATTER_LIMITS.maxBytes) {
    throw new MichiError(
      `${file}:1: frontmatter is larger than ${FRONTMATTER_LIMITS.maxBytes / 1024} KB; shorten it`,
    );
  }
  if (block.startsWith("+")) {
    return { data: readTomlFrontmatter(block), offset: end, line: findLineStarts(block).length };
  }
  let data: Record<string, unknown>;
  try {
    // gray-matter splits on "\n" only. Passing options turns off its unbounded cache.
    data = matter(block.replace(/\r\n?/g, "\n"), { engines: { yaml: boundedYaml } }).data as Record<
      string,
      unknown
    >;
  } catch (error) {
    // The yaml package's line is 1-based within the YAML, which starts after the `---` line.
    const pos = (error as { linePos?: { line: number }[] }).linePos?.[0];
    const line = pos !== undefined ? pos.line + 1 : 1;
    // The first line, without the yaml package's position and code frame (the line says it).
    const message = ((error as Error).message.split("\n")[0] ?? "").replace(
      / at line \d+, column \d+:?$/,
      "",
    );
    throw new MichiError(`${file}:${line}: invalid frontmatter: ${message}`, {
      cause: error,
    });
  }
  return { data: data ?? {}, offset: end, line: findLineStarts(block).length };
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

/** Block structure of a note, with 0-based body lines (`end` exclusive), from markdown-it. */
type Block =
  | { type: "heading"; depth: number; content: string; start: number; end: number }
  | { type: "paragraph"; content: string; start: number; end: number }
  | { type: "code"; content: string; start: number; end: number; fenced: boolean }
  | { type: "list"; items: ListItemBlock[] }
  | { type: "blockquote"; children: Block[] }
  | { type: "table"; header: TableRow | null; rows: TableRow[]; start: number; end: number }
  /** `[^1]: text`: the text, which starts at `textStart` (offset in the parsed body). */
  | { type: "footnote"; content: string; start: number; end: number; textStart: number }
  | { type: "html"; content: string; start: number; end: number }
  /** `:::message` … `:::`: `title` is what follows the container's name on its first line. */
  | { type: "container"; title: string; start: number; children: Block[] };

/** One row of a GFM table: its cells' text as written, at its own body line. */
interface TableRow {
  readonly cells: readonly string[];
  readonly line: number;
}

interface ListItemBlock {
  readonly start: number;
  readonly end: number;
  readonly children: Block[];
}

// GFM tables, and the blog syntax of block-rules.ts (footnotes, `:::` containers, code fenced
// by `>|go|` or `{% highlight %}` lines, `$$` math).
const markdown = new MarkdownIt("commonmark").enable(["table"]);
useBlogBlocks(markdown);
// Inline markup is not needed: item text is kept as written.
markdown.core.ruler.disable(["inline", "text_join"], true);

/** CommonMark block tokens of `text` (no inline parsing), with 0-based line maps. */
export function parseBlockTokens(text: string): Token[] {
  return markdown.parse(text, {});
}

/** Folds markdown-it's flat token stream into nested blocks, up to the `close` token. */
function buildBlocks(
  tokens: readonly Token[],
  from: number,
  close: string | null,
): [Block[], number] {
  const blocks: Block[] = [];
  let i = from;
  while (i < tokens.length) {
    const token = tokens[i] as Token;
    if (token.type === close) return [blocks, i + 1];
    const map = token.map ?? [0, 0];
    switch (token.type) {
      case "heading_open":
        blocks.push({
          type: "heading",
          depth: Number(token.tag.slice(1)),
          content: tokens[i + 1]?.content ?? "",
          start: map[0],
          end: map[1],
        });
        i += 3;
        break;
      case "paragraph_open":
        blocks.push({
          type: "paragraph",
          content: tokens[i + 1]?.content ?? "",
          start: map[0],
          end: map[1],
        });
        i += 3;
        break;
      case "bullet_list_open":
      case "ordered_list_open": {
        const closeList = token.type.replace("_open", "_close");
        const items: ListItemBlock[] = [];
        i++;
        while (i < tokens.length && tokens[i]?.type !== closeList) {
          const item = tokens[i] as Token;
          const [children, next] = buildBlocks(tokens, i + 1, "list_item_close");
          items.push({ start: item.map?.[0] ?? 0, end: item.map?.[1] ?? 0, children });
          i = next;
        }
        blocks.push({ type: "list", items });
        i++;
        break;
      }
      case "blockquote_open": {
        const [children, next] = buildBlocks(tokens, i + 1, "blockquote_close");
        blocks.push({ type: "blockquote", children });
        i = next;
        break;
      }
      case "table_open": {
        const [table, next] = readTable(tokens, i);
        blocks.push(table);
        i = next;
        break;
      }
      case "footnote_definition":
        blocks.push({
          type: "footnote",
          content: token.content,
          start: map[0],
          end: map[1],
          textStart: (token.meta as { textStart: number }).textStart,
        });
        i++;
        break;
      case "html_block":
        blocks.push({ type: "html", content: token.content, start: map[0], end: map[1] });
        i++;
        break;
      case "container_open": {
        const [children, next] = buildBlocks(tokens, i + 1, "container_close");
        blocks.push({ type: "container", title: token.content, start: map[0], children });
        i = next;
        break;
      }
      case "fence":
      case "code_block":
        blocks.push({
          type: "code",
          content: token.content,
          start: map[0],
          end: map[1],
          fenced: token.type === "fence",
        });
        i++;
        break;
      default:
        // Thematic breaks hold no text.
        i++;
    }
  }
  return [blocks, i];
}

/** A table from its `table_open` token: the header row and the body rows, with their lines. */
function readTable(tokens: readonly Token[], from: number): [Block, number] {
  const map = tokens[from]?.map ?? [0, 0];
  let header: TableRow | null = null;
  const rows: TableRow[] = [];
  let inHead = false;
  let cells: string[] = [];
  let line = map[0];
  let i = from + 1;
  for (; i < tokens.length && tokens[i]?.type !== "table_close"; i++) {
    const token = tokens[i] as Token;
    if (token.type === "thead_open") inHead = true;
    else if (token.type === "thead_close") inHead = false;
    else if (token.type === "tr_open") {
      cells = [];
      line = token.map?.[0] ?? line;
    } else if (token.type === "inline") cells.push(token.content.trim());
    else if (token.type === "tr_close") {
      if (inHead) header = { cells, line };
      else rows.push({ cells, line });
    }
  }
  return [{ type: "table", header, rows, start: map[0], end: map[1] }, i + 1];
}

type CountedHeading = Omit<Heading, "itemCount" | "proseCount"> & {
  itemCount: number;
  proseCount: number;
};

const NO_SECTION: readonly string[] = [];

interface WalkState {
  readonly file: string;
  readonly text: string;
  readonly body: Body;
  /** Offsets (in `text`) where each body line starts. */
  readonly lineStarts: readonly number[];
  title: string;
  /** The headings the walk is under, outermost first: the last one at each level. */
  headingStack: CountedHeading[];
  readonly items: Item[];
  readonly headings: CountedHeading[];
  readonly warnings: NoteWarning[];
}

/**
 * A note's name from its path: the file name, or for a page bundle (Hugo's
 * `posts/my-post/index.md`, `_index.md`) the folder's name.
 */
function fileTitle(file: string): string {
  const name = path.posix.basename(file).replace(/\.(md|markdown)$/i, "");
  const folder = path.posix.basename(path.posix.dirname(file));
  return /^_?index$/i.test(name) && folder !== "." && folder !== "" ? folder : name;
}

/**
 * Parses one note. `file` is the note's path relative to the notes directory (used in
 * citations and warnings). Throws a MichiError for frontmatter that is not valid YAML.
 */
export function parseNote(file: string, text: string): Note {
  const body = readBody(file, text);
  const [blocks] = buildBlocks(parseBlockTokens(text.slice(body.offset)), 0, null);
  const fmTitle = typeof body.data.title === "string" ? body.data.title.trim() : "";
  const firstH1 = blocks.find((b) => b.type === "heading" && b.depth === 1);
  const h1Title = firstH1?.type === "heading" ? flatten(firstH1.content) : "";
  const state: WalkState = {
    file,
    text,
    body,
    lineStarts: findLineStarts(text, body.offset),
    title: fmTitle || h1Title || fileTitle(file),
    headingStack: [],
    items: [],
    headings: [],
    warnings: [],
  };
  walkBlocks(state, blocks);
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

/** 1-based file line of a 0-based body line. */
function fileLine(state: WalkState, bodyLine: number): number {
  return bodyLine + state.body.line;
}

/** The last non-blank line of `[start, end)`, 1-based in the file (trailing blank lines are not the block's). */
function lastLine(state: WalkState, start: number, end: number): number {
  for (let line = end - 1; line > start; line--) {
    if (rawLine(state, line).trim() !== "") return fileLine(state, line);
  }
  return fileLine(state, start);
}

/** A 0-based body line without its line ending. */
function rawLine(state: WalkState, line: number): string {
  return readLine(state.text, state.lineStarts, line + 1);
}

/** Container prefix of a line: indentation, `>` quote marks and list bullets. */
const LINE_PREFIX = /^(?:[ \t]*>)*[ \t]*(?:(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$))*/;

/** Offset in the file where a paragraph's text starts (its first line, past any prefix). */
function contentOffset(state: WalkState, block: { content: string; start: number }): number {
  const line = rawLine(state, block.start);
  const first = block.content.split("\n", 1)[0] ?? "";
  const prefix = LINE_PREFIX.exec(line)?.[0].length ?? 0;
  const at = line.startsWith(first, prefix) ? prefix : line.indexOf(first);
  return (state.lineStarts[block.start] ?? 0) + Math.max(0, at);
}

/** The innermost heading's path: one array shared by every item of the section. */
function sectionPath(state: WalkState): readonly string[] {
  return state.headingStack.at(-1)?.path ?? NO_SECTION;
}

function walkBlocks(state: WalkState, blocks: readonly Block[]): void {
  for (const block of blocks) {
    switch (block.type) {
      case "heading": {
        const text = flatten(block.content);
        // An H1 that names the note (as its title, or restating the frontmatter's) is not a
        // section: citations would say the title twice.
        if (block.depth === 1 && text === state.title) {
          state.headingStack = [];
          break;
        }
        const outer = state.headingStack.filter((h) => h.depth < block.depth);
        const heading: CountedHeading = {
          depth: block.depth,
          text,
          line: fileLine(state, block.start),
          path: [...outer.map((h) => h.text), text],
          itemCount: 0,
          proseCount: 0,
        };
        state.headingStack = [...outer, heading];
        state.headings.push(heading);
        break;
      }
      case "list":
        walkList(state, block, 0);
        break;
      case "paragraph":
        addProse(state, block);
        break;
      case "code":
        addCode(state, block);
        break;
      case "blockquote":
        walkBlocks(state, block.children);
        break;
      case "table":
        addTable(state, block);
        break;
      case "footnote":
        addFootnote(state, block);
        break;
      case "html":
        addHtml(state, block);
        break;
      case "container":
        addContainerTitle(state, block);
        walkBlocks(state, block.children);
        break;
    }
  }
}

/**
 * A table row as one line of text: its cells as written between ` | `, empty ones kept so
 * each cell stays under its header; nothing for a row of empty cells.
 */
function rowText(row: TableRow): string {
  return row.cells.some((cell) => cell !== "") ? row.cells.join(" | ").trim() : "";
}

/**
 * A table row is the unit of knowledge (one tool, one option, one command of a comparison):
 * each body row is a prose item at its own line, with the header row as its context, so a
 * question about one row finds and quotes that row and the header's words still count. A
 * table without body rows is its header.
 */
function addTable(state: WalkState, table: Extract<Block, { type: "table" }>): void {
  const header = table.header ? rowText(table.header) : "";
  const rows = table.rows.filter((row) => rowText(row) !== "");
  const items = rows.length > 0 || table.header === null ? rows : [table.header];
  if (items.length === 0) return;
  for (const heading of state.headingStack) heading.proseCount++;
  for (const row of items) {
    const text = rowText(row);
    const raw = rawLine(state, row.line);
    const first = row.cells.find((cell) => cell !== "") ?? "";
    const at = raw.indexOf(first);
    const lead = /^(?:[ \t]*>)*[ \t]*\|?[ \t]*/.exec(raw)?.[0].length ?? 0;
    const offset = (state.lineStarts[row.line] ?? 0) + (at >= 0 ? at : lead);
    // A row of nothing but links (an index of posts) stays a pointer line, as a list of them is.
    const context = row !== table.header && header !== "" && !isPointerText(text) ? [header] : [];
    pushProse(state, { start: row.line, end: row.line + 1 }, offset, text, context);
  }
}

/** A footnote definition is prose of its note: its text, without the `[^1]:` label. */
function addFootnote(state: WalkState, block: Extract<Block, { type: "footnote" }>): void {
  const text = flatten(block.content);
  if (text === "") return;
  for (const heading of state.headingStack) heading.proseCount++;
  pushProse(state, block, state.body.offset + block.textStart, text);
}

/** An HTML block's visible text (a `<details>` summary, a `<div>` note) is prose. */
function addHtml(state: WalkState, block: Extract<Block, { type: "html" }>): void {
  const text = flatten(htmlBlockText(block.content));
  if (text === "") return;
  for (const heading of state.headingStack) heading.proseCount++;
  const raw = rawLine(state, block.start);
  const lead = /^(?:[ \t]*>)*[ \t]*/.exec(raw)?.[0].length ?? 0;
  pushProse(state, block, (state.lineStarts[block.start] ?? 0) + lead, text);
}

/** Container styles that are no title (`:::note warn`, `:::message alert`). */
const CONTAINER_STYLE =
  /^(?:info|warn|warning|alert|error|danger|success|tip|note|caution|important)?$/i;

/** The title of a `:::details 詳細` container is text of the note. */
function addContainerTitle(state: WalkState, block: Extract<Block, { type: "container" }>): void {
  const title = block.title.replace(/^\[(.*)\]$|^"(.*)"$/, "$1$2").trim();
  if (CONTAINER_STYLE.test(title)) return;
  const raw = rawLine(state, block.start);
  const at = raw.indexOf(title);
  pushProse(
    state,
    { start: block.start, end: block.start + 1 },
    (state.lineStarts[block.start] ?? 0) + Math.max(0, at),
    title,
  );
}

/** Code is searchable text, but a huge block (a log, a lock file) is kept only in part. */
const CODE_TEXT_LIMIT = 1500;

function codeText(block: Extract<Block, { type: "code" }>): string {
  const text = block.content.replace(/\s+$/, "");
  return text.length > CODE_TEXT_LIMIT ? `${text.slice(0, CODE_TEXT_LIMIT)}…` : text;
}

/**
 * A code block becomes a prose item (commands and flags are what people search for). It is
 * not counted as prose of its section: the digest's view of a section stays its own writing.
 */
function addCode(state: WalkState, block: Extract<Block, { type: "code" }>): void {
  const text = codeText(block);
  if (text.trim() === "") return;
  const firstLine = block.fenced ? Math.min(block.start + 1, block.end - 1) : block.start;
  pushProse(state, block, state.lineStarts[firstLine] ?? 0, text);
}

/** An Obsidian callout's type label, `[!note]`, `[!tip]-`: markup, not text. */
const CALLOUT = /^\[![\w-]+\][-+]?[ \t]*/;

/** A Hugo shortcode (`{{< notice info >}}`, `{{% … %}}`) or a Liquid tag (`{% include … %}`). */
const TEMPLATE_TAG = /\{\{[<%].*?[>%]\}\}|\{%.*?%\}/g;

/**
 * A line of nothing but template tags (`{{< notice info >}}`, `{{< /notice >}}`): markup
 * around the text. Long lines are not tried (the lazy scan is quadratic on a hostile one).
 */
function isTemplateLine(line: string): boolean {
  return (
    line.length <= 1000 &&
    line.trimStart().startsWith("{") &&
    line.replace(TEMPLATE_TAG, "").trim() === ""
  );
}

/**
 * The words a template tag carries for the reader: its quoted values that are not a path, an
 * id or a style (`caption="ベンチマーク結果"` yes; `src="/img/a.png"`, `"info"` no).
 */
function templateWords(line: string): string {
  const values = [...line.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => (m[1] ?? m[2] ?? "").trim());
  return values.filter((v) => v !== "" && !/^[\w./:#?=&%~+-]*$/.test(v)).join(" ");
}

function addProse(state: WalkState, block: Extract<Block, { type: "paragraph" }>): void {
  const lines = block.content.split("\n");
  const markup = lines.some(isTemplateLine);
  let text = flatten(
    markup
      ? lines.map((line) => (isTemplateLine(line) ? templateWords(line) : line)).join("\n")
      : block.content,
  );
  let offset = contentOffset(state, block);
  const callout = CALLOUT.exec(text);
  if (callout !== null && state.text.startsWith(callout[0].trimEnd(), offset)) {
    text = text.slice(callout[0].length);
    offset += callout[0].trimEnd().length;
  }
  if (text === "") return;
  if (!state.text.startsWith(text.slice(0, 1), offset)) {
    // The text starts past a label or a template line: on the same line or a later one.
    const head = (text.split(" ", 1)[0] ?? "").slice(0, 16);
    const at = state.text.indexOf(head, offset);
    if (at >= 0) offset = at;
  }
  for (const heading of state.headingStack) heading.proseCount++;
  pushProse(state, block, offset, text);
}

/** An unmarked prose item for the block's lines, its text starting at `textOffset`. */
function pushProse(
  state: WalkState,
  block: { readonly start: number; readonly end: number },
  textOffset: number,
  text: string,
  context: readonly string[] = [],
): void {
  state.items.push({
    kind: "prose",
    file: state.file,
    line: fileLine(state, block.start),
    endLine: lastLine(state, block.start, block.end),
    textOffset,
    title: state.title,
    sectionPath: sectionPath(state),
    status: "unmarked",
    marker: null,
    text,
    context,
    depth: 0,
  });
}

type ParagraphBlock = Extract<Block, { type: "paragraph" }>;

/** An item's marker as read from the raw source at `offset`, before the list rule settles ambiguity. */
function readMarker(state: WalkState, offset: number | null) {
  if (offset === null) return null;
  const match = matchMarker(state.text.slice(offset, offset + 8));
  return match ? { match, offset } : null;
}

/**
 * A letter marker glued to Latin letters is ambiguous. In a list that uses no other markers it
 * is a word (`- Xcode tips`). In a list that does, it is reported, and read as a marker only
 * when an uppercase `O`/`X` is glued to an acronym (`OCNI`, `X11`), else as a word (`Other`).
 */
function walkList(state: WalkState, list: Extract<Block, { type: "list" }>, depth: number): void {
  const entries = list.items.map((listItem) => {
    const first = listItem.children[0];
    const paragraph = first?.type === "paragraph" ? first : undefined;
    const offset = paragraph ? contentOffset(state, paragraph) : null;
    return { listItem, paragraph, offset, read: readMarker(state, offset) };
  });
  const listUsesMarkers = entries.some((e) => e.read && !e.read.match.ambiguous);
  for (const entry of entries) addListItem(state, entry, depth, listUsesMarkers);
}

function addListItem(
  state: WalkState,
  entry: {
    listItem: ListItemBlock;
    paragraph: ParagraphBlock | undefined;
    /** Where the paragraph's text starts; null for an item with no paragraph. */
    offset: number | null;
    read: ReturnType<typeof readMarker>;
  },
  depth: number,
  listUsesMarkers: boolean,
): void {
  const { listItem, paragraph, offset: textOffset, read } = entry;
  const line = fileLine(state, listItem.start);
  let marker: MarkerSpan | null = null;
  let status: Status = "unmarked";
  let text = paragraph ? flatten(paragraph.content) : "";
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
      text = text.slice(match.marker.length).trim();
    }
  }
  const index = state.items.length;
  // Reserve the slot so the parent precedes its sub-items in document order.
  state.items.push(undefined as unknown as Item);
  const context: string[] = [];
  for (const child of listItem.children) {
    if (child === paragraph) continue;
    if (child.type === "list") {
      const before = state.items.length;
      walkList(state, child, depth + 1);
      for (const sub of state.items.slice(before)) {
        if (sub.kind === "item" && sub.depth === depth + 1) {
          context.push(sub.marker ? `${sub.marker.text} ${sub.text}` : sub.text);
        }
      }
    } else if (child.type === "paragraph") {
      const extra = flatten(child.content);
      if (extra !== "") context.push(extra);
    } else if (child.type === "code") {
      const code = codeText(child);
      if (code.trim() !== "") context.push(code);
    } else if (child.type === "blockquote" || child.type === "container") {
      context.push(...child.children.flatMap(blockText));
    } else {
      context.push(...blockText(child));
    }
  }
  state.items[index] = {
    kind: "item",
    file: state.file,
    line,
    endLine: lastLine(state, listItem.start, listItem.end),
    textOffset: textOffset ?? itemTextOffset(state, listItem.start),
    title: state.title,
    sectionPath: sectionPath(state),
    status,
    marker,
    text,
    context,
    depth,
  };
  for (const heading of state.headingStack) heading.itemCount++;
}

/** The text lines of a block under a list item, which are context of the item. */
function blockText(block: Block): string[] {
  switch (block.type) {
    case "paragraph":
    case "footnote": {
      const text = flatten(block.content).replace(CALLOUT, "");
      return text === "" ? [] : [text];
    }
    case "table":
      return [block.header, ...block.rows].flatMap((row) => {
        const text = row ? rowText(row) : "";
        return text === "" ? [] : [text];
      });
    case "html": {
      const text = flatten(htmlBlockText(block.content));
      return text === "" ? [] : [text];
    }
    default:
      return [];
  }
}

/** An item with no text of its own (`-` alone, a code block) is placed at its bullet. */
function itemTextOffset(state: WalkState, line: number): number {
  const raw = rawLine(state, line);
  return (state.lineStarts[line] ?? 0) + (/^(?:[ \t]*>)*[ \t]*/.exec(raw)?.[0].length ?? 0);
}

function isAcronymGlue(marker: string, next: string): boolean {
  return (marker === "O" || marker === "X") && /^[A-Z0-9]$/.test(next);
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
