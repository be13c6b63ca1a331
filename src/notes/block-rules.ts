/**
 * Block syntax that blogs and note apps write on top of CommonMark, taught to markdown-it so
 * their text is indexed as what it is instead of being swallowed or flattened:
 *
 * - footnote definitions `[^1]: 説明` (CommonMark reads a spaceless one as a link reference
 *   definition and drops it; a spaced one ran into the footnotes after it as one paragraph);
 * - `:::message` / `:::note info` / `:::details タイトル` containers (Zenn, Qiita, Docusaurus),
 *   whose fence lines ran into the text, or into the last list item as a lazy continuation;
 * - code fenced by whole lines that are not backtick fences: Hatena super-pre `>|go|` … `||<`
 *   (a block quote whose code lines were flattened into one), Jekyll `{% highlight %}` and
 *   Hugo `{{< highlight >}}` (whose `# comments` became headings), and display math `$$`.
 *
 * A construct that is never closed is left to CommonMark: nothing after it is swallowed.
 */

import type MarkdownIt from "markdown-it";
import type { StateBlock } from "markdown-it";

type BlockRule = (
  state: StateBlock,
  startLine: number,
  endLine: number,
  silent: boolean,
) => boolean;

/** Rules a block of these kinds may interrupt, as backtick fences do. */
const INTERRUPTS = ["paragraph", "reference", "blockquote", "list"];

/** The text of a line past its indentation (and the container prefixes markdown-it consumed). */
function lineText(state: StateBlock, line: number): string {
  const start = (state.bMarks[line] ?? 0) + (state.tShift[line] ?? 0);
  return state.src.slice(start, state.eMarks[line]);
}

/** True when the line is indented as code. */
function indentedCode(state: StateBlock, line: number): boolean {
  return (state.sCount[line] ?? 0) - state.blkIndent >= 4;
}

/**
 * The indentation below which a block opened on `line` cannot go on: its container's, or its
 * own when it interrupts a lazy paragraph line of a list item (it then opens after the list).
 */
function baseIndent(state: StateBlock, line: number): number {
  return Math.min(state.blkIndent, state.sCount[line] ?? 0);
}

/** `[^label]: text`; the label has no spaces or brackets. */
const FOOTNOTE = /^\[\^([^\s\]^[]+)\]:[ \t]*/;

const footnoteDefinition: BlockRule = (state, startLine, endLine, silent) => {
  if (indentedCode(state, startLine)) return false;
  const head = FOOTNOTE.exec(lineText(state, startLine));
  if (head === null) return false;
  if (silent) return true;
  // The text runs on like a paragraph: to a blank line or a line that starts another block.
  const terminators = state.md.block.ruler.getRules("paragraph");
  let next = startLine + 1;
  for (; next < endLine && !state.isEmpty(next); next++) {
    if ((state.sCount[next] ?? 0) - state.blkIndent > 3) continue;
    if (terminators.some((rule) => rule(state, next, endLine, true))) break;
  }
  const lines = state.getLines(startLine, next, state.blkIndent, false);
  const start = (state.bMarks[startLine] ?? 0) + (state.tShift[startLine] ?? 0);
  const token = state.push("footnote_definition", "", 0);
  token.map = [startLine, next];
  token.info = head[1] ?? "";
  token.content = lines.slice(lines.indexOf(head[0]) + head[0].length).trim();
  // Where the text starts in `state.src`, past the `[^1]: ` label.
  token.meta = { textStart: start + head[0].length };
  state.line = next;
  return true;
};

/** `:::name args` opening a container; closed by a line of at least as many colons. */
const CONTAINER_OPEN = /^(:{3,})[ \t]*([A-Za-z][\w-]*)(.*)$/;
const CONTAINER_CLOSE = /^(:{3,})[ \t]*$/;

const container: BlockRule = (state, startLine, endLine, silent) => {
  if (indentedCode(state, startLine)) return false;
  const open = CONTAINER_OPEN.exec(lineText(state, startLine));
  if (open === null) return false;
  const colons = open[1]?.length ?? 3;
  const base = baseIndent(state, startLine);
  let close = startLine + 1;
  for (; close < endLine; close++) {
    if (state.isEmpty(close)) continue;
    // A line less indented than the container's parent ends the search: never closed here.
    if ((state.sCount[close] ?? 0) < base) return false;
    if ((state.sCount[close] ?? 0) - base >= 4) continue;
    const fence = CONTAINER_CLOSE.exec(lineText(state, close));
    if (fence !== null && (fence[1]?.length ?? 0) >= colons) break;
  }
  if (close >= endLine) return false;
  if (silent) return true;
  const oldParent = state.parentType;
  const oldLineMax = state.lineMax;
  const openToken = state.push("container_open", "div", 1);
  openToken.map = [startLine, close + 1];
  openToken.info = open[2] ?? "";
  openToken.content = (open[3] ?? "").trim();
  openToken.markup = open[1] ?? ":::";
  state.parentType = "container" as StateBlock["parentType"];
  state.lineMax = close;
  state.md.block.tokenize(state, startLine + 1, close);
  state.parentType = oldParent;
  state.lineMax = oldLineMax;
  state.push("container_close", "div", -1).markup = openToken.markup;
  state.line = close + 1;
  return true;
};

/** A code block fenced by an opening and a closing line of its own syntax. */
function lineFence(open: RegExp, close: RegExp): BlockRule {
  return (state, startLine, endLine, silent) => {
    if (indentedCode(state, startLine)) return false;
    const head = open.exec(lineText(state, startLine));
    if (head === null) return false;
    const base = baseIndent(state, startLine);
    let end = startLine + 1;
    for (; end < endLine; end++) {
      if (!state.isEmpty(end) && (state.sCount[end] ?? 0) < base) return false;
      if (close.test(lineText(state, end))) break;
    }
    if (end >= endLine) return false;
    if (silent) return true;
    const token = state.push("fence", "code", 0);
    token.info = (head[1] ?? "").trim();
    token.markup = lineText(state, startLine).trim();
    token.content = state.getLines(startLine + 1, end, state.sCount[startLine] ?? 0, true);
    token.map = [startLine, end + 1];
    state.line = end + 1;
    return true;
  };
}

/** Hatena super-pre: `>|go|` (or `>||`) … `||<`. */
const superPre = lineFence(/^>\|([\w+#.-]*)\|[ \t]*$/, /^\|\|<[ \t]*$/);
/** Jekyll / Octopress: `{% highlight ruby %}` … `{% endhighlight %}`, `{% codeblock %}`. */
const liquidCode = lineFence(
  /^\{%-?[ \t]*(?:highlight|codeblock)\b[ \t]*([^\s%]*)[^%]*-?%\}[ \t]*$/,
  /^\{%-?[ \t]*end(?:highlight|codeblock)[ \t]*-?%\}[ \t]*$/,
);
/** Hugo: `{{< highlight go >}}` … `{{< /highlight >}}` (or `{{% … %}}`). */
const hugoCode = lineFence(
  /^\{\{[<%][ \t]*highlight\b[ \t]*([^\s>%]*)[^}]*[>%]\}\}[ \t]*$/,
  /^\{\{[<%][ \t]*\/highlight[ \t]*[>%]\}\}[ \t]*$/,
);
/** Display math: `$$` on lines of their own. */
const displayMath = lineFence(/^\$\$()[ \t]*$/, /^\$\$[ \t]*$/);

/** Adds the rules to a markdown-it parser (block rules only). */
export function useBlogBlocks(md: MarkdownIt): void {
  const alt = { alt: INTERRUPTS };
  md.block.ruler.before("blockquote", "super_pre", superPre, alt);
  md.block.ruler.before("fence", "liquid_code", liquidCode, alt);
  md.block.ruler.before("fence", "hugo_code", hugoCode, alt);
  md.block.ruler.before("fence", "display_math", displayMath, alt);
  md.block.ruler.before("fence", "container", container, alt);
  md.block.ruler.before("reference", "footnote_definition", footnoteDefinition, {
    alt: ["paragraph", "reference"],
  });
}
