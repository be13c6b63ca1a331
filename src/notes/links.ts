/**
 * Text that is nothing but links (see index/pointer.ts for why such a line is not indexed).
 * Here, below the index, so the parser can tell a table row that only links to notes.
 */

/**
 * A markdown link `[text](target "title")` or a Zenn embed `@[card](url)`, a wiki link
 * `[[target|text]]` or an Obsidian embed `![[image.png]]` (a file name, not words of the
 * note), or a bare URL (a line of its own is a link card on Zenn, Qiita and Hatena).
 */
const LINK = /@?\[(?:[^\]\\]|\\.)*\]\([^)]*\)|!?\[\[[^\]]+\]\]|<?https?:\/\/[^\s<>]+>?/g;

/** What may stand between links: whitespace, separators and list punctuation. */
const FILLER = /^[\s,;:|/·•\-–—*_()[\]0-9.、。・]*$/u;

/** True when `text` is nothing but links. */
export function isPointerText(text: string): boolean {
  if (!text.includes("[") && !text.includes("://")) return false;
  let links = 0;
  const rest = text.replace(LINK, () => {
    links++;
    return " ";
  });
  return links > 0 && FILLER.test(rest);
}
