/**
 * Pointer lines: an item or paragraph that is only links — to other notes of the vault
 * (`[Check What Is Inside A Zip File](unix/check-…md)`), to headings of its own note
 * (`[React Native](#react-native)`, a table of contents), wiki links (`[[Ownership]]`) or a
 * bare reference (`[source](https://…)`). They point at knowledge rather than state it:
 * quoted as the answer, an index line hides the note it points to. They are not indexed for
 * retrieval (they stay in the store, for the learning commands).
 */

/** A markdown link `[text](target "title")` or a wiki link `[[target|text]]`. */
const LINK = /\[(?:[^\]\\]|\\.)*\]\([^)]*\)|\[\[[^\]]+\]\]/g;

/** What may stand between links: whitespace, separators and list punctuation. */
const FILLER = /^[\s,;:|/·•\-–—*_()[\]0-9.、。・]*$/u;

/** True when `text` is nothing but links. */
export function isPointerText(text: string): boolean {
  if (!text.includes("[")) return false;
  let links = 0;
  const rest = text.replace(LINK, () => {
    links++;
    return " ";
  });
  return links > 0 && FILLER.test(rest);
}
