/**
 * Lines as CommonMark (and so markdown-it) counts them: a line ends at `\r\n`, a lone `\r` or
 * `\n`. The parser and the exact edits share these, so they agree on every line number.
 */

/** Offsets where each line starts, beginning at `from`; entry `i` is the `i`th line after it. */
export function findLineStarts(text: string, from = 0): number[] {
  const starts = [from];
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      starts.push(i + 1);
    } else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/** Line `line` (1-based: it starts at `starts[line - 1]`) without its line ending. */
export function readLine(text: string, starts: readonly number[], line: number): string {
  const start = starts[line - 1] ?? text.length;
  const next = starts[line];
  if (next === undefined) return text.slice(start);
  const breakLength = text.startsWith("\r\n", next - 2) ? 2 : 1;
  return text.slice(start, next - breakLength);
}
