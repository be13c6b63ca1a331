/**
 * Pointer lines: an item or paragraph that is only links — to other notes of the vault
 * (`[Check What Is Inside A Zip File](unix/check-…md)`), to headings of its own note
 * (`[React Native](#react-native)`, a table of contents), wiki links (`[[Ownership]]`) or a
 * bare reference (`[source](https://…)`). They point at knowledge rather than state it:
 * quoted as the answer, an index line hides the note it points to. They are not indexed for
 * retrieval (they stay in the store, for the learning commands); the words of their links to
 * other notes count for those notes instead (anchor text, ask/note-index.ts).
 */

// What makes a line a pointer (isPointerText) is in notes/links.ts: the parser needs it too.

/**
 * A link that may point to another note of the vault: its words (the anchor text) and where
 * it points — a path as written (`unix/zip.md`, `../git/rebase.md`, URL-decoded, without
 * `#fragment` or `?query`) or, for a wiki link, the note's name (`[[Ownership]]`).
 */
export interface NoteLink {
  readonly text: string;
  readonly target: string;
  readonly wiki: boolean;
}

const MD_LINK = /(!?)\[((?:[^\]\\]|\\.)*)\]\(\s*(<[^>]*>|[^)\s]*)(?:\s+["'(][^)]*)?\)/g;
const WIKI_LINK = /(!?)\[\[([^\]|#]*)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]/g;
/** `https:`, `mailto:`, `//host`: outside the vault. */
const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/**
 * The links of `text` that may point to another note: external URLs, images and links to a
 * heading of the same note (`#react-native`) are left out. Whether the target exists is the
 * note index's business (ask/note-index.ts).
 */
export function noteLinksOf(text: string): NoteLink[] {
  if (!text.includes("[")) return [];
  const links: NoteLink[] = [];
  for (const [, image, label = "", raw = ""] of text.matchAll(MD_LINK)) {
    if (image) continue;
    let target = raw.startsWith("<") ? raw.slice(1, -1) : raw;
    target = target.replace(/[?#].*$/s, "");
    if (target === "" || EXTERNAL.test(target)) continue;
    try {
      target = decodeURIComponent(target);
    } catch {
      // a stray `%` is part of the name
    }
    const words = label.replace(/\\(.)/g, "$1").trim();
    if (words !== "") links.push({ text: words, target, wiki: false });
  }
  if (text.includes("[[")) {
    for (const [, image, name = "", alias] of text.matchAll(WIKI_LINK)) {
      const target = name.trim();
      if (image || target === "") continue;
      links.push({ text: (alias ?? target).trim() || target, target, wiki: true });
    }
  }
  return links;
}
