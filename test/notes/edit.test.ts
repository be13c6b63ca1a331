import fc from "fast-check";
import { fromMarkdown } from "mdast-util-from-markdown";
import { describe, expect, it } from "vitest";
import { MichiError } from "../../src/errors.js";
import {
  appendInboxItem,
  appendSubItem,
  type MarkedStatus,
  sanitizeContent,
  setMarker,
} from "../../src/notes/edit.js";
import { markerFor, matchMarker } from "../../src/notes/markers.js";
import { parseNote } from "../../src/notes/parse.js";

const ALL_MARKERS = [
  "[x]",
  "[X]",
  "[~]",
  "[ ]",
  "O",
  "o",
  "○",
  "◯",
  "〇",
  "✓",
  "✔",
  "△",
  "▲",
  "X",
  "x",
  "×",
  "✕",
  "✗",
  "✘",
] as const;
const STATUSES: readonly MarkedStatus[] = ["known", "partial", "unknown"];

// Characters that tempt an edit to go wrong: markers, bullets, Japanese, an astral emoji.
const lineChar = fc.constantFrom(
  ..."aZxXoO日本語カスタムの認識 \t-*#[]×○△✓✗`>1.　".split(""),
  "😀",
  "[ ]",
);
const lineText = fc.string({ unit: lineChar, maxLength: 24 });
const eol = fc.constantFrom("\n", "\r\n");

/** A random note around one list item, with every part of the file that must survive an edit. */
const noteParts = fc.record({
  bom: fc.boolean(),
  frontmatter: fc.boolean(),
  before: fc.array(lineText, { maxLength: 5 }),
  after: fc.array(lineText, { maxLength: 5 }),
  indent: fc.constantFrom("", "  ", "    ", "\t", "\t  "),
  bullet: fc.constantFrom("-", "*", "+", "1.", "10)"),
  gap: fc.constantFrom(" ", "  ", "\t"),
  rest: lineText,
  trailingEol: fc.boolean(),
  eol,
});
type NoteParts = typeof noteParts extends fc.Arbitrary<infer T> ? T : never;

/** Builds the note text; returns where the item line is and where its text starts. */
function buildNote(parts: NoteParts, itemText: string) {
  const { eol: nl } = parts;
  const head =
    (parts.bom ? "\uFEFF" : "") +
    (parts.frontmatter ? `---${nl}title: ノート${nl}tags: [k8s]${nl}---${nl}` : "") +
    parts.before.map((l) => l + nl).join("");
  const itemStart = head.length + parts.indent.length + parts.bullet.length + parts.gap.length;
  const text =
    head +
    parts.indent +
    parts.bullet +
    parts.gap +
    itemText +
    parts.after.map((l) => nl + l).join("") +
    (parts.trailingEol ? nl : "");
  const line = (parts.frontmatter ? 4 : 0) + parts.before.length + 1;
  return { text, line, itemStart };
}

describe("setMarker", () => {
  it("replaces exactly the marker characters and leaves every other character identical", () => {
    fc.assert(
      fc.property(
        noteParts,
        fc.constantFrom(...ALL_MARKERS),
        fc.constantFrom("", " ", "\t", "\u3000"),
        fc.constantFrom(...STATUSES),
        fc.option(fc.constantFrom(...ALL_MARKERS), { nil: undefined }),
        (parts, marker, glue, to, style) => {
          const { text, line, itemStart } = buildNote(parts, marker + glue + parts.rest);
          const span = { text: marker, offset: itemStart, ambiguous: false };

          const after = setMarker(text, { line, marker: span }, to, style);

          const written = markerFor(marker, to, style);
          expect(after.slice(0, itemStart)).toBe(text.slice(0, itemStart));
          expect(after.slice(itemStart, itemStart + written.length)).toBe(written);
          expect(after.slice(itemStart + written.length)).toBe(
            text.slice(itemStart + marker.length),
          );
          expect(after.length - text.length).toBe(written.length - marker.length);
          expect(matchMarker(after.slice(itemStart))?.status).toBe(to);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("refuses a stale offset instead of writing into other text", () => {
    fc.assert(
      fc.property(
        noteParts,
        fc.constantFrom(...ALL_MARKERS),
        fc.constantFrom("", " "),
        fc.integer({ min: -6, max: 6 }).filter((d) => d !== 0),
        (parts, marker, glue, delta) => {
          const { text, line, itemStart } = buildNote(parts, marker + glue + parts.rest);
          const stale = { text: marker, offset: itemStart + delta, ambiguous: false };
          expect(() => setMarker(text, { line, marker: stale }, "known")).toThrow(MichiError);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("inserts a marker and one space where an unmarked item's text starts, and nothing else", () => {
    const unmarkedText = lineText.filter((t) => {
      const match = matchMarker(t);
      return /^[^ \t\u3000]/.test(t) && (match === null || match.ambiguous);
    });
    fc.assert(
      fc.property(
        noteParts,
        unmarkedText,
        fc.constantFrom(...STATUSES),
        fc.option(fc.constantFrom(...ALL_MARKERS), { nil: undefined }),
        fc.boolean(),
        (parts, rest, to, style, passOffset) => {
          const { text, line, itemStart } = buildNote(parts, rest);
          const target = passOffset
            ? { line, marker: null, textOffset: itemStart }
            : { line, marker: null };

          const after = setMarker(text, target, to, style);

          const inserted = `${markerFor(null, to, style)} `;
          expect(after).toBe(text.slice(0, itemStart) + inserted + text.slice(itemStart));
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    ["X", "known", undefined, "- O Pod"],
    ["x", "known", undefined, "- o Pod"],
    ["×", "known", undefined, "- ○ Pod"],
    ["[ ]", "known", undefined, "- [x] Pod"],
    ["△", "known", undefined, "- O Pod"],
    ["△", "known", "×", "- ○ Pod"],
    ["✗", "known", undefined, "- ✓ Pod"],
    ["O", "unknown", undefined, "- X Pod"],
    ["[x]", "partial", undefined, "- [~] Pod"],
    ["○", "partial", undefined, "- △ Pod"],
  ] as const)(
    "rewrites %s to status %s in the note's own family",
    (marker, to, style, expected) => {
      const text = `# K8s\n\n- ${marker} Pod`;
      const offset = text.indexOf(marker, 6);
      const after = setMarker(
        text,
        { line: 3, marker: { text: marker, offset, ambiguous: false } },
        to,
        style,
      );
      expect(after).toBe(`# K8s\n\n${expected}`);
    },
  );

  it("rewrites a glued marker without separating it from its text (XCNI becomes OCNI)", () => {
    const text = "## NW\r\n- XCNI, CSIの違い\r\n";
    const span = { text: "X", offset: text.indexOf("XCNI"), ambiguous: true };
    expect(setMarker(text, { line: 2, marker: span }, "known")).toBe(
      "## NW\r\n- OCNI, CSIの違い\r\n",
    );
  });

  it("returns the text unchanged when the item already has the status", () => {
    const text = "- O DaemonSet\n";
    const span = { text: "O", offset: 2, ambiguous: false };
    expect(setMarker(text, { line: 1, marker: span }, "known")).toBe(text);
  });

  it("throws a MichiError naming the line when the marker is no longer there", () => {
    const text = "- O DaemonSet\n- X Service\n";
    // The parse saw `X` at offset 16 on line 2; the user has since marked it known by hand.
    const edited = text.replace("X Service", "O Service");
    const span = { text: "X", offset: 16, ambiguous: false };
    expect(() => setMarker(edited, { line: 2, marker: span }, "known")).toThrow(/line 2/);
    expect(() => setMarker(edited, { line: 2, marker: span }, "known")).toThrow(MichiError);
  });

  it("throws when an item the parse saw unmarked has been given a marker since", () => {
    expect(() => setMarker("- ✓ Ingress\n", { line: 1, marker: null }, "known")).toThrow(
      MichiError,
    );
  });

  it("throws when the line is no longer a list item", () => {
    expect(() => setMarker("Ingress\n", { line: 1, marker: null }, "known")).toThrow(MichiError);
    expect(() => setMarker("- a\n", { line: 5, marker: null }, "known")).toThrow(MichiError);
  });

  it("keeps an empty item a list item when marking it", () => {
    expect(setMarker("-\n- b", { line: 1, marker: null }, "unknown")).toBe("- X\n- b");
    expect(setMarker("- \n- b", { line: 1, marker: null }, "unknown")).toBe("- X\n- b");
  });

  it("finds a marker on the next line of an item whose first line is blank", () => {
    const text = "-\n  X foo\n";
    const span = { text: "X", offset: 4, ambiguous: false };
    expect(setMarker(text, { line: 1, marker: span }, "known")).toBe("-\n  O foo\n");
  });
});

const word = fc.string({
  unit: fc.constantFrom(..."abcXO日本語のカ".split(""), "😀"),
  minLength: 1,
  maxLength: 6,
});

describe("appendSubItem", () => {
  it("adds exactly one line after the item's last line, every other byte identical", () => {
    fc.assert(
      fc.property(
        noteParts,
        fc.array(lineText, { maxLength: 3 }),
        fc.array(word, { minLength: 1, maxLength: 4 }),
        fc.constantFrom("\n", "\r\n", " \n  ", "\n\n"),
        (parts, children, words, separator) => {
          const childIndent = " ".repeat(parts.bullet.length + 1);
          const itemText = ["O item", ...children.map((c) => `${childIndent}- ${c}`)].join(
            parts.eol,
          );
          const { text, line } = buildNote(parts, itemText);
          const endLine = line + children.length;

          const after = appendSubItem(text, { line, endLine }, words.join(separator));

          // A file with no line break at all gets `\n`; otherwise the note's own ending.
          const nl = text.includes("\n") ? parts.eol : "\n";
          const beforeBytes = Buffer.from(text, "utf8");
          const afterBytes = Buffer.from(after, "utf8");
          const lines = text.split(nl);
          const isLast = endLine === lines.length;
          const cut = isLast
            ? beforeBytes.length
            : Buffer.byteLength(lines.slice(0, endLine).join(nl) + nl, "utf8");
          const insertedLength = afterBytes.length - beforeBytes.length;
          expect(afterBytes.subarray(0, cut).equals(beforeBytes.subarray(0, cut))).toBe(true);
          expect(afterBytes.subarray(cut + insertedLength).equals(beforeBytes.subarray(cut))).toBe(
            true,
          );
          const inserted = afterBytes.subarray(cut, cut + insertedLength).toString("utf8");
          const newLine = isLast ? inserted.slice(nl.length) : inserted.slice(0, -nl.length);
          expect(isLast ? inserted.startsWith(nl) : inserted.endsWith(nl)).toBe(true);
          expect(newLine).not.toMatch(/[\r\n]/);
          expect(newLine).toMatch(/^[ \t]+- /);
          expect(newLine.replace(/^[ \t]+- /, "")).toBe(words.join(" "));
          expect(after.split(nl)).toHaveLength(lines.length + 1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    [
      "spaces after `-`",
      "# T\n\n- O item\n- X next\n",
      3,
      3,
      "# T\n\n- O item\n  - note\n- X next\n",
    ],
    ["an ordered item", "1. O item\n2. X next\n", 1, 1, "1. O item\n   - note\n2. X next\n"],
    ["a two-digit ordered item", "10) O item\n", 1, 1, "10) O item\n    - note\n"],
    ["a tab-indented item", "- a\n\t- O item\n", 2, 2, "- a\n\t- O item\n\t\t- note\n"],
    [
      "a note that nests with tabs",
      "- a\n\t- b\n- O item\n",
      3,
      3,
      "- a\n\t- b\n- O item\n\t- note\n",
    ],
    [
      "existing sub-items at four spaces",
      "- O item\n    * why\n- X next\n",
      1,
      2,
      "- O item\n    * why\n    * note\n- X next\n",
    ],
    ["CRLF", "- O item\r\n- X next\r\n", 1, 1, "- O item\r\n  - note\r\n- X next\r\n"],
    ["no trailing newline", "- X a\n- O item", 2, 2, "- X a\n- O item\n  - note"],
    ["a quoted item", "> - X a\n> - O item\n", 2, 2, "> - X a\n> - O item\n>   - note\n"],
  ])("nests the new line under the item for %s", (_name, text, line, endLine, expected) => {
    const after = appendSubItem(text, { line, endLine }, "note");
    expect(after).toBe(expected);
    const item = findListItemAt(fromMarkdown(after), line);
    const subList = item?.children.findLast((child) => child.type === "list");
    const lastSub = subList?.children?.at(-1);
    expect(lastSub === undefined ? undefined : textOf(lastSub).trim()).toBe("note");
  });

  it("escapes text that would open a block and swallow the following lines", () => {
    for (const content of ["```js", "# heading", "> quote", "1. one", "<!-- x", "- dash", "***"]) {
      const text = "- O item\n- X next\n";
      const after = appendSubItem(text, { line: 1, endLine: 1 }, content);
      const root = fromMarkdown(after);
      const list = root.children[0];
      expect(list?.type === "list" ? list.children.length : 0).toBe(2);
      const sub = findListItemAt(root, 2);
      expect(sub === undefined ? undefined : textOf(sub)).toBe(content);
    }
  });

  it("throws when the item's line is not a list item any more", () => {
    expect(() => appendSubItem("plain text\n", { line: 1, endLine: 1 }, "note")).toThrow(
      MichiError,
    );
    expect(() => appendSubItem("- a\n", { line: 1, endLine: 4 }, "note")).toThrow(MichiError);
  });

  it("throws on empty content", () => {
    expect(() => appendSubItem("- a\n", { line: 1, endLine: 1 }, " \n ")).toThrow(MichiError);
  });
});

describe("appendInboxItem", () => {
  it("creates an Inbox note with the heading and the item in an empty file", () => {
    expect(appendInboxItem("", "## 2026-11-27", "CNIって何?")).toBe(
      "# Inbox\n\n## 2026-11-27\n\n- X CNIって何?\n",
    );
  });

  it("keeps a BOM at the start of an otherwise empty file", () => {
    expect(appendInboxItem("\uFEFF", "## 2026-11-27", "a")).toBe(
      "\uFEFF# Inbox\n\n## 2026-11-27\n\n- X a\n",
    );
  });

  it("appends the item as the last item under an existing heading, in the list's bullet", () => {
    const text = "# Inbox\n\n## 2026-11-27\n\n* X a\n* X b\n\n## 2026-11-28\n\n- X c\n";
    const after = appendInboxItem(text, "## 2026-11-27", "new\nline");
    expect(after).toBe(
      "# Inbox\n\n## 2026-11-27\n\n* X a\n* X b\n* X new line\n\n## 2026-11-28\n\n- X c\n",
    );
    expect(insertionIn(text, after)).toBe("* X new line\n");
  });

  it("appends a missing heading at the end, keeping CRLF and the missing final newline", () => {
    const text = "\uFEFF---\r\ntitle: 受信箱\r\n---\r\n# Inbox\r\n\r\n## 2026-11-26\r\n\r\n- X a";
    const after = appendInboxItem(text, "## 2026-11-27", "b");
    expect(after).toBe(`${text}\r\n\r\n## 2026-11-27\r\n\r\n- X b`);
  });

  it("ignores lookalike headings in frontmatter and code blocks", () => {
    const text = "---\n## 2026-11-27\n---\n# Inbox\n\n```\n## 2026-11-27\n```\n";
    expect(appendInboxItem(text, "## 2026-11-27", "b")).toBe(`${text}\n## 2026-11-27\n\n- X b\n`);
  });

  it("puts the item before a sub-heading of the section, after its prose", () => {
    const text = "## 2026-11-27\n\nsome prose\n\n### detail\n\n- O x\n";
    const after = appendInboxItem(text, "## 2026-11-27", "q", { marker: "×" });
    expect(after).toBe("## 2026-11-27\n\nsome prose\n\n- × q\n\n### detail\n\n- O x\n");
    const root = fromMarkdown(after);
    expect(root.children.map((node) => node.type)).toEqual([
      "heading",
      "paragraph",
      "list",
      "heading",
      "list",
    ]);
  });

  it.each([
    [
      "a list followed by blank lines and the next heading",
      "## 2026-11-27\n\n- X a\n- X b\n\n\n## 2026-11-28\n",
      "## 2026-11-27\n\n- X a\n- X b\n- X new\n\n\n## 2026-11-28\n",
    ],
    [
      "a list whose last item ends in a fenced code block",
      "## 2026-11-27\n\n- X a\n  ```\n  code\n\n  more\n  ```\n\n",
      "## 2026-11-27\n\n- X a\n  ```\n  code\n\n  more\n  ```\n- X new\n\n",
    ],
    [
      "a loose list at the end of the file",
      "## 2026-11-27\n\n+ X a\n\n+ X b\n\n\n",
      "## 2026-11-27\n\n+ X a\n\n+ X b\n+ X new\n\n\n",
    ],
    [
      "an ordered list (a bullet item starts its own list)",
      "## 2026-11-27\n\n1. a\n2. b\n",
      "## 2026-11-27\n\n1. a\n2. b\n- X new\n",
    ],
    [
      "a paragraph with a lazy continuation line",
      "## 2026-11-27\n\nsome prose\ncontinued\n\n## next\n",
      "## 2026-11-27\n\nsome prose\ncontinued\n\n- X new\n\n## next\n",
    ],
  ])("appends after %s", (_, text, expected) => {
    const after = appendInboxItem(text, "## 2026-11-27", "new");
    expect(after).toBe(expected);
    // An independent CommonMark parser sees the new item in the section's list.
    const root = fromMarkdown(after);
    const heading = root.children.findIndex((n) => n.type === "heading");
    const section = root.children.slice(heading + 1);
    const lists = section.filter((n) => n.type === "list");
    expect(lists.at(-1)?.position?.end.line).toBe(
      after.split("\n").findIndex((l) => l.endsWith("X new")) + 1,
    );
  });

  it("rejects a heading argument that is not a heading line", () => {
    expect(() => appendInboxItem("", "2026-11-27", "a")).toThrow(MichiError);
    expect(() => appendInboxItem("", "## a\n## b", "a")).toThrow(MichiError);
  });
});

describe("sanitizeContent", () => {
  it("collapses line breaks and trims", () => {
    expect(sanitizeContent("  Podは\r\n  最小単位\n\nです ")).toBe("Podは 最小単位 です");
  });
});

type MdNode = {
  type: string;
  children?: MdNode[];
  value?: string;
  position?: { start: { line: number } };
};
type MdListItem = { type: "listItem"; children: MdNode[] };

function findListItemAt(node: MdNode, line: number): MdListItem | undefined {
  if (node.type === "listItem" && node.position?.start.line === line) return node as MdListItem;
  for (const child of node.children ?? []) {
    const found = findListItemAt(child, line);
    if (found) return found;
  }
  return undefined;
}

/** The item's own paragraph text (nested lists excluded). */
function textOf(node: MdNode): string {
  if (node.value !== undefined) return node.value;
  return (node.children ?? [])
    .filter((child) => child.type !== "list")
    .map(textOf)
    .join("");
}

/** The text inserted into `before` to make `after`; fails if anything else changed. */
function insertionIn(before: string, after: string): string {
  let prefix = 0;
  while (prefix < before.length && before[prefix] === after[prefix]) prefix++;
  const length = after.length - before.length;
  expect(after.slice(prefix + length)).toBe(before.slice(prefix));
  return after.slice(prefix, prefix + length);
}

describe("edits of parsed notes", () => {
  const note = [
    "\uFEFF---\r\ntitle: K8s\r\ntags: [k8s]\r\n---\r\n# K8s\r\n\r\n## Pod\r\n\r\n",
    "- OCNI, CSI\r\n- XDaemonSet\r\n- △ Service\r\n  - 説明\r\n- [ ] Ingress\r\n",
    "1. 未マーク\r\n\t- × タブ\r\n> - X quoted\r\n- ✓ 最後",
  ].join("");
  const items = parseNote("k8s.md", note).items.filter((item) => item.kind === "item");

  it("finds items to edit in the note", () => {
    expect(items).toHaveLength(9);
  });

  it("re-parses every item with the status setMarker gave it, other items unchanged", () => {
    for (const item of items) {
      for (const to of STATUSES) {
        const reparsed = parseNote("k8s.md", setMarker(note, item, to)).items;
        for (const other of reparsed.filter((i) => i.kind === "item")) {
          const was = items.find((i) => i.line === other.line);
          const status = other.line === item.line ? to : was?.status;
          expect({ line: other.line, status: other.status }).toEqual({ line: other.line, status });
        }
      }
    }
  });

  it("re-parses every item with the appended sub-item as its last context", () => {
    for (const item of items) {
      const reparsed = parseNote("k8s.md", appendSubItem(note, item, "新しい\nメモ")).items;
      const same = reparsed.find((i) => i.line === item.line);
      expect(same?.context).toEqual([...item.context, "新しい メモ"]);
      expect(same?.text).toBe(item.text);
    }
  });

  it("marks an empty parsed item, and refuses one whose content is a code block", () => {
    const text = "# T\n\n-\n- ```\n  code\n  ```\n";
    const [empty, code] = parseNote("t.md", text).items;
    if (empty === undefined || code === undefined) throw new Error("parse found no items");
    expect(setMarker(text, empty, "known")).toBe("# T\n\n- O\n- ```\n  code\n  ```\n");
    expect(() => setMarker(text, code, "known")).toThrow(/code block/);
  });

  it("adds an inbox item that parses as unknown under its heading", () => {
    const text = "# Inbox\r\n\r\n## 2026-11-27\r\n\r\n- X a\r\n";
    const after = appendInboxItem(text, "## 2026-11-27", "Ingressとは\n何?");
    const added = parseNote("inbox.md", after).items.at(-1);
    expect(added).toMatchObject({
      status: "unknown",
      text: "Ingressとは 何?",
      sectionPath: ["2026-11-27"],
    });
  });
});
