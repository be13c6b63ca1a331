/**
 * Splits long text into parts that each fit a Discord limit, breaking where a reader would:
 * between paragraphs, else lines, else sentences (。！？. ! ?), else spaces, and only as a last
 * resort inside a word (never inside a surrogate pair).
 */
export function splitText(text: string, max: number): string[] {
  if (max < 1) throw new RangeError("max must be at least 1");
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = findCut(rest, max);
    const head = rest.slice(0, cut).trimEnd();
    if (head !== "") parts.push(head);
    rest = rest.slice(cut).replace(/^\s+/, "");
  }
  if (rest.trim() !== "" || parts.length === 0) parts.push(rest);
  return parts;
}

const BREAKS: readonly RegExp[] = [
  /\n\s*\n/g,
  /\n/g,
  /[。！？!?](?=\s|$)|[。！？]|\.(?=\s)/g,
  /\s/g,
];

/** The end of the first part: the last good break within `max`, in the first half at worst. */
function findCut(text: string, max: number): number {
  const window = text.slice(0, max + 1);
  for (const pattern of BREAKS) {
    let best = -1;
    for (const match of window.matchAll(pattern)) {
      // Sentence marks stay with their sentence; whitespace breaks before itself.
      const end = /^\s/.test(match[0]) ? match.index : match.index + match[0].length;
      if (end <= max && end > 0) best = end;
    }
    if (best >= max / 2) return best;
  }
  // Hard cut, but not between the halves of a surrogate pair.
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}
