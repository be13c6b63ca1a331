/**
 * Splits long text into parts that each fit a Discord limit, breaking where a reader would:
 * between paragraphs, else lines, else sentences (。！？. ! ?), else spaces, and only as a last
 * resort inside a word (never inside a surrogate pair). A code block cut in two is closed at
 * the end of one part and opened again at the start of the next, so each part renders alone.
 */
export function splitText(text: string, max: number): string[] {
  if (max < 1) throw new RangeError("max must be at least 1");
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    // Room for the fence that may close the part; only where a fence still leaves room to move on.
    const fence = longestFence(rest);
    const reserve = fence > 0 && max > 8 * (fence + 1) ? fence + 1 : 0;
    const cut = findCut(rest, max - reserve);
    let head = rest.slice(0, cut).trimEnd();
    rest = rest.slice(cut).replace(/^\s+/, "");
    const open = reserve > 0 ? openFence(head) : null;
    if (open !== null) {
      head = `${head}\n${open}`;
      rest = `${open}\n${rest}`;
    }
    if (head !== "") parts.push(head);
  }
  if (rest.trim() !== "" || parts.length === 0) parts.push(rest);
  return parts;
}

const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** The length of the longest code fence that opens or closes a line of `text` (0: none). */
function longestFence(text: string): number {
  let longest = 0;
  for (const match of text.matchAll(/^ {0,3}(`{3,}|~{3,})/gm)) {
    longest = Math.max(longest, match[1]?.length ?? 0);
  }
  return longest;
}

/** The fence of the code block still open at the end of `text`, or null (CommonMark rules). */
function openFence(text: string): string | null {
  let open: string | null = null;
  for (const line of text.split("\n")) {
    const match = FENCE_LINE.exec(line);
    const fence = match?.[1];
    if (fence === undefined) continue;
    if (open === null) open = fence;
    else if (fence[0] === open[0] && fence.length >= open.length && match?.[2]?.trim() === "") {
      open = null;
    }
  }
  return open;
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
