/** What of a note becomes searchable text: code blocks, and slide decks that open with `---`. */
import { describe, expect, it } from "vitest";
import { parseNote } from "../../src/notes/parse.js";

describe("notes as searchable text", () => {
  it("indexes fenced and indented code blocks as prose items, at their own lines", () => {
    const text = [
      "# Zip",
      "",
      "The `-l` flag lists the archive.",
      "",
      "```bash",
      "unzip -l zipped-files.zip",
      "```",
      "",
      "    indented --code here",
      "",
      "- run it",
      "  ```",
      "  unzip -l other.zip",
      "  ```",
      "",
    ].join("\n");
    const note = parseNote("zip.md", text);
    const code = note.items.find((i) => i.text === "unzip -l zipped-files.zip");
    expect(code).toMatchObject({ kind: "prose", line: 5, status: "unmarked", marker: null });
    expect(text.slice(code?.textOffset ?? 0).startsWith("unzip -l zipped")).toBe(true);
    expect(note.items.find((i) => i.text === "run it")?.context).toEqual(["unzip -l other.zip"]);
    expect(note.items.map((i) => i.text)).toContain("indented --code here");
  });

  it("reads a Marp deck whose --- separators are not frontmatter as markdown", () => {
    const deck = [
      "---",
      "",
      "# Docker入門ハンズオン",
      "",
      "社内勉強会 2024-06-14",
      "- 対象: Dockerをこれから触る人",
      "",
      "---",
      "",
      "## イメージとコンテナ",
      "",
      "- イメージ = テンプレート",
      "",
    ].join("\n");
    const note = parseNote("docker/slides.md", deck);
    expect(note.title).toBe("Docker入門ハンズオン");
    expect(note.items.map((i) => i.text)).toEqual(
      expect.arrayContaining(["対象: Dockerをこれから触る人", "イメージ = テンプレート"]),
    );
    const item = note.items.find((i) => i.text === "イメージ = テンプレート");
    expect(item?.line).toBe(12);
  });

  it("still rejects frontmatter that starts like YAML but is broken", () => {
    expect(() => parseNote("bad.md", "---\ntitle: [oops\n---\n- O x\n")).toThrow(
      /bad\.md:\d+: invalid frontmatter/,
    );
  });
});
