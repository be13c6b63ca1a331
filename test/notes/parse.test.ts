import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MichiError } from "../../src/errors.js";
import { parseNote } from "../../src/notes/parse.js";

const items = (text: string) => parseNote("n.md", text).items.filter((i) => i.kind === "item");

describe("parseNote markers", () => {
  const cases: [string, string][] = [
    ["O", "known"],
    ["o", "known"],
    ["○", "known"],
    ["◯", "known"],
    ["〇", "known"],
    ["✓", "known"],
    ["✔", "known"],
    ["[x]", "known"],
    ["△", "partial"],
    ["▲", "partial"],
    ["[~]", "partial"],
    ["X", "unknown"],
    ["x", "unknown"],
    ["×", "unknown"],
    ["✕", "unknown"],
    ["✗", "unknown"],
    ["✘", "unknown"],
    ["[ ]", "unknown"],
    // Full-width letters, as a Japanese IME in full-width mode types them.
    ["Ｏ", "known"],
    ["ｏ", "known"],
    ["Ｘ", "unknown"],
    ["ｘ", "unknown"],
  ];
  it.each(cases)("reads %s followed by a space as %s", (marker, status) => {
    const [item] = items(`- ${marker} 項目のテキスト\n`);
    expect(item?.status).toBe(status);
    expect(item?.text).toBe("項目のテキスト");
    expect(item?.marker?.text).toBe(marker);
  });

  it.each(cases)("reads %s glued to Japanese text as %s", (marker, status) => {
    const [item] = items(`- ${marker}カスタムコントローラ\n`);
    expect(item?.status).toBe(status);
    expect(item?.text).toBe("カスタムコントローラ");
  });

  it("reads markers after every bullet kind and at any depth", () => {
    const parsed = items(
      "* O star\n+ X plus\n1. △ ordered\n- O parent\n  - X child\n    - O grandchild\n",
    );
    expect(parsed.map((i) => [i.text, i.status, i.depth])).toEqual([
      ["star", "known", 0],
      ["plus", "unknown", 0],
      ["ordered", "partial", 0],
      ["parent", "known", 0],
      ["child", "unknown", 1],
      ["grandchild", "known", 2],
    ]);
  });

  it("reads a marker glued to a quote, as the seed log has it", () => {
    const [item] = items('- O"マニフェストファイル"というyaml\n');
    expect(item?.status).toBe("known");
    expect(item?.text).toBe('"マニフェストファイル"というyaml');
  });

  it("treats an item with no marker as unmarked", () => {
    const [item] = items("- 内部DNS的なものはありそう\n");
    expect(item?.status).toBe("unmarked");
    expect(item?.marker).toBeNull();
  });

  it("reads a letter glued to Latin letters as a marker in a list that uses markers, and warns", () => {
    const note = parseNote("n.md", "- OCNI, CSI以外にも拡張がある\n- X 知らない\n");
    expect(note.items[0]?.status).toBe("known");
    expect(note.items[0]?.text).toBe("CNI, CSI以外にも拡張がある");
    expect(note.warnings).toEqual([
      expect.objectContaining({
        file: "n.md",
        line: 1,
        message: expect.stringContaining("ambiguous marker"),
      }),
    ]);
  });

  it("reads a letter glued to Latin letters as a word in a list without markers", () => {
    const note = parseNote("n.md", "- Xcode shortcuts\n- OCI runtimes compared\n");
    expect(note.items.map((i) => [i.status, i.text])).toEqual([
      ["unmarked", "Xcode shortcuts"],
      ["unmarked", "OCI runtimes compared"],
    ]);
    expect(note.warnings).toEqual([]);
  });

  it("reads a capitalised word as a word in a list with markers, and warns", () => {
    const note = parseNote("n.md", "- Other things\n- O known\n- xterm colours\n");
    expect(note.items.map((i) => i.status)).toEqual(["unmarked", "known", "unmarked"]);
    expect(note.warnings.map((w) => [w.line, w.message.includes("read as a word")])).toEqual([
      [1, true],
      [3, true],
    ]);
  });
});

describe("parseNote structure", () => {
  it("gives items their section path under the title, and prose as unmarked chunks", () => {
    const note = parseNote(
      "dir/k8s.md",
      "# My log\n\nIntro paragraph.\n\n## Pods\n\n- O pod item\n\n### Deep\n\n- X deep item\n\n## Other\n\nClosing words.\n",
    );
    expect(note.title).toBe("My log");
    expect(note.items.map((i) => [i.kind, i.text, i.sectionPath, i.line])).toEqual([
      ["prose", "Intro paragraph.", [], 3],
      ["item", "pod item", ["Pods"], 7],
      ["item", "deep item", ["Pods", "Deep"], 11],
      ["prose", "Closing words.", ["Other"], 15],
    ]);
    expect(note.headings.map((h) => [h.text, h.itemCount, h.proseCount])).toEqual([
      ["Pods", 2, 0],
      ["Deep", 1, 0],
      ["Other", 0, 1],
    ]);
  });

  it("does not repeat a frontmatter title that the H1 restates as a section", () => {
    const note = parseNote(
      "rust.md",
      "---\ntitle: Rust learning log\n---\n# Rust learning log\n\n## Ownership\n\n- O moves\n",
    );
    expect(note.title).toBe("Rust learning log");
    expect(note.items.map((i) => i.sectionPath)).toEqual([["Ownership"]]);
    expect(note.headings.map((h) => h.path)).toEqual([["Ownership"]]);
    // An H1 that differs from the frontmatter title is a real section.
    const other = parseNote("a.md", "---\ntitle: Log\n---\n# Week 1\n\n- O x\n");
    expect(other.items[0]?.sectionPath).toEqual(["Week 1"]);
  });

  it("takes the title from frontmatter first, then the first H1, then the file name", () => {
    expect(parseNote("a.md", '---\ntitle: "FM title"\n---\n# H1 title\n').title).toBe("FM title");
    expect(parseNote("a.md", "# H1 title\n").title).toBe("H1 title");
    expect(parseNote("sub/my-note.md", "- O x\n").title).toBe("my-note");
  });

  it("reads tags and date from frontmatter and counts frontmatter lines in positions", () => {
    const note = parseNote(
      "a.md",
      "---\ntags: [k8s, log]\ndate: 2024-05-01\nextra: kept\n---\n\n- O item\n",
    );
    expect(note.tags).toEqual(["k8s", "log"]);
    expect(note.date).toBe("2024-05-01");
    expect(note.items[0]?.line).toBe(7);
  });

  it("keeps nested sub-items as the parent's context", () => {
    const [parent, child] = items(
      "- O DaemonSet\n  - learned 2024-05-01: 各ノードに1つ\n  - X 詳細\n",
    );
    expect(parent?.context).toEqual(["learned 2024-05-01: 各ノードに1つ", "X 詳細"]);
    expect(parent?.endLine).toBe(3);
    expect(child?.depth).toBe(1);
  });

  it("never reads items inside code blocks", () => {
    const parsed = items("```\n- O not an item\n```\n\n    - X indented code\n\n- O real\n");
    expect(parsed.map((i) => i.text)).toEqual(["real"]);
  });

  it("points each marker offset at the marker in the raw text, with a BOM, CRLF and frontmatter", () => {
    const text =
      "\uFEFF---\r\ntitle: t\r\n---\r\n\r\n## S\r\n\r\n- O one\r\n- ×二つ目\r\n  - [ ] three\r\n";
    const parsed = items(text);
    expect(parsed.map((i) => i.line)).toEqual([7, 8, 9]);
    for (const item of parsed) {
      const marker = item.marker;
      expect(marker).not.toBeNull();
      if (marker)
        expect(text.slice(marker.offset, marker.offset + marker.text.length)).toBe(marker.text);
    }
  });

  it("reads lone-CR line endings (classic Mac) like LF: title, lines, markers, offsets", () => {
    const lines = ["---", "title: t", "---", "", "## S", "", "- O one", "  - sub", "- X two", ""];
    const lf = parseNote("n.md", lines.join("\n"));
    const cr = parseNote("n.md", lines.join("\r"));
    expect(cr.title).toBe("t");
    const shape = (note: typeof lf) =>
      note.items.map((i) => [i.line, i.status, i.text, i.context, i.textOffset, i.marker]);
    expect(shape(cr)).toEqual(shape(lf));
    expect(cr.items.map((i) => i.status)).toEqual(["known", "unmarked", "unknown"]);
  });

  it("reports a verbatim duplicate item with its line", () => {
    const note = parseNote("n.md", "- O same\n- X other\n- O same\n");
    expect(note.warnings).toEqual([
      { file: "n.md", line: 3, message: "duplicate item: same text and status as line 1" },
    ]);
  });

  it("rejects invalid frontmatter with an error naming file and line", () => {
    expect(() => parseNote("bad.md", "---\ntitle: [unclosed\n---\n- O x\n")).toThrow(MichiError);
    expect(() => parseNote("bad.md", "---\ntitle: [unclosed\n---\n- O x\n")).toThrow(
      /^bad\.md:\d+: invalid frontmatter/,
    );
  });
});

describe("the seed log", () => {
  const text = readFileSync(
    new URL("../fixtures/notes/k8s-weekly-log-2.md", import.meta.url),
    "utf8",
  );
  const note = parseNote("k8s-weekly-log-2.md", text);

  it("has 45 items: 24 known, 2 partial, 18 unknown, 1 unmarked", () => {
    const counts: Record<string, number> = {};
    for (const i of note.items)
      if (i.kind === "item") counts[i.status] = (counts[i.status] ?? 0) + 1;
    expect(counts).toEqual({ known: 24, partial: 2, unknown: 18, unmarked: 1 });
  });

  it("reports the duplicate containerd item and the glued OCNI marker", () => {
    expect(note.warnings.map((w) => w.message.split(":")[0])).toEqual([
      "ambiguous marker",
      "duplicate item",
    ]);
  });

  it("has sections with no items: NW, Storage, Image and その他", () => {
    const empty = note.headings.filter((h) => h.itemCount === 0).map((h) => h.text);
    expect(empty).toEqual(expect.arrayContaining(["NW", "Storage", "Image", "その他"]));
  });
});

describe("parseNote frontmatter bounds", () => {
  it("refuses a YAML alias bomb at once with a MichiError naming the file", () => {
    const levels = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    const yaml = levels.map((name, i) =>
      i === 0
        ? `  a: &a [${Array(9).fill('"lol"').join(",")}]`
        : `  ${name}: &${name} [${Array(9)
            .fill(`*${levels[i - 1]}`)
            .join(",")}]`,
    );
    const text = `---\ntags:\n${yaml.join("\n")}\n---\n- X item\n`;
    expect(() => parseNote("bomb.md", text)).toThrow(MichiError);
    expect(() => parseNote("bomb.md", text)).toThrow(/^bomb\.md:\d+: invalid frontmatter: .*alias/);
  });

  it("still reads ordinary aliases, and dates as written", () => {
    const note = parseNote("a.md", "---\nbase: &b [k8s]\ntags: *b\ndate: 2024-05-01\n---\n- O x\n");
    expect(note.tags).toEqual(["k8s"]);
    expect(note.date).toBe("2024-05-01");
  });
});
