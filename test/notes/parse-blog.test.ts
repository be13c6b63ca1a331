/**
 * What blogs and note apps write on top of CommonMark (GFM tables, footnotes, HTML blocks,
 * Zenn/Qiita containers, Hatena super-pre, Jekyll/Hugo highlight, math, Obsidian callouts):
 * no user text is dropped, each piece is quoted readably, and positions stay exact.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isPointer } from "../../src/index/chunk.js";
import { appendInboxItem } from "../../src/notes/edit.js";
import type { Item } from "../../src/notes/index.js";
import { parseNote } from "../../src/notes/parse.js";

const BLOG = readFileSync(
  new URL("../fixtures/blog/search-tools.md", import.meta.url),
  "utf8",
).replace(/\r\n/g, "\n");

const lines = (text: string) => text.split("\n");
const byText = (items: readonly Item[], text: string) => items.find((i) => i.text === text);

describe("GFM tables", () => {
  const note = parseNote("blog/search-tools.md", BLOG);

  it("makes each body row an item at its own line, with the header row as context", () => {
    const rows = note.items.filter((i) => i.context[0] === "ツール | 特徴 | 速度");
    expect(rows.map((r) => [r.line, r.endLine, r.text])).toEqual([
      [15, 15, "ripgrep | .gitignore を尊重する高速な全文検索 | 速い"],
      [16, 16, "ag (The Silver Searcher) | ack 互換のオプション | 普通"],
      [17, 17, "GNU grep | どこにでも入っている標準ツール | 遅い"],
    ]);
    for (const row of rows) {
      expect(row).toMatchObject({ kind: "prose", status: "unmarked", marker: null });
      expect(lines(BLOG)[row.line - 1]).toContain(row.text.split(" | ")[0]);
      expect(BLOG.slice(row.textOffset).startsWith(row.text.split(" | ")[0] ?? "?")).toBe(true);
    }
    // The header is context, not an item of its own; the delimiter row is no text at all.
    expect(note.items.some((i) => i.text.includes("---"))).toBe(false);
    expect(byText(note.items, "ツール | 特徴 | 速度")).toBeUndefined();
  });

  it("keeps empty cells in place, skips empty rows, and reads a table in a list item as context", () => {
    const text = [
      "# Flags",
      "",
      "| flag | meaning | since |",
      "|------|---------|-------|",
      "| `-n` |  | 1.0 |",
      "|  |  |  |",
      "| `-v` | verbose \\| chatty | |",
      "",
      "- O rsync の主なオプション",
      "",
      "  | option | 意味 |",
      "  | --- | --- |",
      "  | `--dry-run` | 試しに実行 |",
      "",
      "| only | a header |",
      "| --- | --- |",
    ].join("\n");
    const parsed = parseNote("flags.md", text);
    expect(parsed.items.map((i) => [i.line, i.text, i.context])).toEqual([
      [5, "`-n` |  | 1.0", ["flag | meaning | since"]],
      [7, "`-v` | verbose | chatty |", ["flag | meaning | since"]],
      [9, "rsync の主なオプション", ["option | 意味", "`--dry-run` | 試しに実行"]],
      [15, "only | a header", []],
    ]);
    expect(parsed.items[2]).toMatchObject({ kind: "item", status: "known", endLine: 13 });
    expect(parsed.headings).toEqual([]);
  });

  it("keeps a row of nothing but links a pointer line, as a list of them is", () => {
    const text = [
      "| 記事 | 日付 |",
      "| --- | --- |",
      "| [zip の中身を見る](unix/zip.md) | 2020-01-02 |",
      "| [rsync](unix/rsync.md) | rsync の使い方メモ |",
    ].join("\n");
    const [index, described] = parseNote("index.md", text).items;
    expect(index).toMatchObject({ line: 3, context: [] });
    expect(index && isPointer(index)).toBe(true);
    expect(described).toMatchObject({ line: 4, context: ["記事 | 日付"] });
    expect(described && isPointer(described)).toBe(false);
  });

  it("counts a table once as prose of its section (a section holding a table is no gap)", () => {
    expect(note.headings.find((h) => h.text === "比較")?.proseCount).toBeGreaterThan(0);
    const only = parseNote("t.md", "## 表\n\n| a | b |\n| - | - |\n| 1 | 2 |\n| 3 | 4 |\n");
    expect(only.headings[0]).toMatchObject({ itemCount: 0, proseCount: 1 });
  });
});

describe("footnotes", () => {
  it("indexes each definition's text without its label, where the text starts", () => {
    const note = parseNote("blog/search-tools.md", BLOG);
    const first = byText(note.items, "正確には ripgrep のコマンド名は rg である。 2行目の続き。");
    expect(first).toMatchObject({ kind: "prose", line: 57, endLine: 58 });
    expect(BLOG.slice(first?.textOffset).startsWith("正確には")).toBe(true);
    const named = byText(note.items, "名前付きの脚注も書ける。");
    expect(named).toMatchObject({ line: 59, endLine: 59 });
    expect(BLOG.slice(named?.textOffset).startsWith("名前付き")).toBe(true);
  });

  it("keeps a spaceless Japanese footnote that CommonMark reads as a link definition", () => {
    const text = "---\ntitle: t\n---\n本文です[^1]。\n\n[^1]: 脚注の説明文\n";
    const note = parseNote("n.md", text);
    const footnote = byText(note.items, "脚注の説明文");
    expect(footnote).toMatchObject({ kind: "prose", line: 6 });
    expect(text.slice(footnote?.textOffset)).toBe("脚注の説明文\n");
  });

  it("ends a definition at the next block and leaves link reference definitions alone", () => {
    const text = "[^a]: 一つ目\n## 次の節\n\n[link]: https://example.com\n[^b]:\n";
    const note = parseNote("n.md", text);
    expect(note.items.map((i) => [i.line, i.text])).toEqual([[1, "一つ目"]]);
    expect(note.headings.map((h) => h.text)).toEqual(["次の節"]);
  });
});

describe("HTML blocks", () => {
  it("indexes their visible text, without tags, comments or scripts", () => {
    const note = parseNote("blog/search-tools.md", BLOG);
    expect(byText(note.items, "インストール方法")).toMatchObject({ line: 31, endLine: 31 });
    expect(byText(note.items, "HTMLブロックの中に書いた説明文も検索できるべき")).toMatchObject({
      line: 37,
      endLine: 39,
    });
    expect(note.items.some((i) => i.text.includes("more"))).toBe(false);
    const html = parseNote(
      "h.md",
      "<p>Render this as <sup>super</sup>script &amp; more&#x21;</p>\n\n<script>\nalert(1)\n</script>\n\n<!-- a\ncomment -->\n",
    );
    expect(html.items.map((i) => i.text)).toEqual(["Render this as superscript & more!"]);
  });
});

describe("containers (Zenn, Qiita, Docusaurus)", () => {
  it("reads a container's content without its ::: fence lines", () => {
    const note = parseNote("blog/search-tools.md", BLOG);
    expect(
      byText(note.items, "ripgrep は Rust で書かれていて、デフォルトで隠しファイルを検索しない。"),
    ).toMatchObject({ line: 24, endLine: 24 });
    expect(byText(note.items, "Windows では改行コードに注意する")).toMatchObject({ line: 28 });
    expect(note.items.some((i) => i.text.includes(":::"))).toBe(false);
  });

  it("keeps list items inside a container as items, the closing fence out of the last one", () => {
    const text = [
      "::::details インストール手順",
      "- O brew で入れる",
      "- X apt で入れる",
      ":::message alert",
      "古い版に注意",
      ":::",
      "::::",
      "after",
    ].join("\n");
    const note = parseNote("c.md", text);
    expect(note.items.map((i) => [i.line, i.kind, i.status, i.text])).toEqual([
      [1, "prose", "unmarked", "インストール手順"],
      [2, "item", "known", "brew で入れる"],
      [3, "item", "unknown", "apt で入れる"],
      [5, "prose", "unmarked", "古い版に注意"],
      [8, "prose", "unmarked", "after"],
    ]);
    const apt = note.items[2];
    expect(text.slice(apt?.marker?.offset, (apt?.marker?.offset ?? 0) + 1)).toBe("X");
    expect(apt?.endLine).toBe(3);
  });

  it("leaves an unclosed ::: line as text and swallows nothing after it", () => {
    const note = parseNote("c.md", ":::message\n本文\n\n## 次\n\n- O 項目\n");
    expect(note.items.map((i) => i.text)).toEqual([":::message 本文", "項目"]);
    expect(note.headings.map((h) => h.text)).toEqual(["次"]);
  });
});

describe("code fenced by whole lines", () => {
  it("reads Hatena super-pre, Jekyll and Hugo highlight and $$ math as code, lines kept", () => {
    const text = [
      ">|go|",
      'fmt.Println("a")',
      "// コメント",
      "||<",
      "",
      "{% highlight ruby %}",
      "# not a heading",
      "puts 1",
      "{% endhighlight %}",
      "",
      "{{< highlight go >}}",
      "# also not a heading",
      "{{< /highlight >}}",
      "",
      "$$",
      "E = mc^2 \\\\",
      "a^2 + b^2 = c^2",
      "$$",
    ].join("\n");
    const note = parseNote("code.md", text);
    expect(note.headings).toEqual([]);
    expect(note.items.map((i) => [i.line, i.text])).toEqual([
      [1, 'fmt.Println("a")\n// コメント'],
      [6, "# not a heading\nputs 1"],
      [11, "# also not a heading"],
      [15, "E = mc^2 \\\\\na^2 + b^2 = c^2"],
    ]);
    for (const item of note.items) {
      expect(text.slice(item.textOffset).startsWith(item.text.split("\n")[0] ?? "?")).toBe(true);
    }
  });

  it("leaves an unclosed opening line to CommonMark", () => {
    const note = parseNote("code.md", "{% highlight ruby %}\nputs 1\n\n## 見出し\n");
    expect(note.headings.map((h) => h.text)).toEqual(["見出し"]);
    expect(note.items.map((i) => i.text)).toEqual(["puts 1"]);
  });
});

describe("Hugo shortcodes and Liquid tags", () => {
  it("reads a paragraph's tag lines as the words they carry, and a bare embed as nothing", () => {
    const text = [
      "{{< notice warning >}}",
      "本番環境では `--force` を使わない",
      "{{< /notice >}}",
      "",
      "{{< youtube w7Ft2ymGmfc >}}",
      "",
      '{{< figure src="/img/bench.png" caption="ベンチマーク結果" >}}',
      "",
      '本文中の {{< ref "other.md" >}} はそのまま',
    ].join("\n");
    const note = parseNote("hugo.md", text);
    expect(note.items.map((i) => [i.line, i.text])).toEqual([
      [1, "本番環境では `--force` を使わない"],
      [7, "ベンチマーク結果"],
      [9, '本文中の {{< ref "other.md" >}} はそのまま'],
    ]);
    expect(text.slice(note.items[0]?.textOffset).startsWith("本番環境")).toBe(true);
    expect(text.slice(note.items[1]?.textOffset).startsWith("ベンチマーク結果")).toBe(true);
  });
});

describe("Hugo frontmatter and page bundles", () => {
  const HUGO = [
    "+++",
    'title = "Goのエラー処理まとめ"',
    "date = 2021-05-03T10:00:00+09:00",
    "tags = [",
    '  "go",',
    "  'エラー処理',",
    "]",
    'categories = ["tech"] # a comment',
    "[params]",
    'title = "not the title"',
    "+++",
    "",
    "errors.Is と errors.As の違いを整理する。",
    "",
  ].join("\n");

  it("reads TOML frontmatter between +++ lines for the title, tags and date, not as text", () => {
    const note = parseNote("posts/go-errors/index.md", HUGO);
    expect(note).toMatchObject({
      title: "Goのエラー処理まとめ",
      tags: ["go", "エラー処理"],
      date: "2021-05-03T10:00:00+09:00",
    });
    expect(note.items.map((i) => [i.line, i.text])).toEqual([
      [13, "errors.Is と errors.As の違いを整理する。"],
    ]);
  });

  it("names a page bundle's index.md after its folder when nothing else names it", () => {
    expect(parseNote("posts/go-errors/index.md", "本文\n").title).toBe("go-errors");
    expect(parseNote("posts/_index.md", "本文\n").title).toBe("posts");
    expect(parseNote("index.md", "本文\n").title).toBe("index");
  });

  it("adds an inbox item after TOML frontmatter, never inside it", () => {
    const next = appendInboxItem('+++\ntitle = "t"\n+++\n', "## 2026-11-30", "新しい話題");
    expect(next.startsWith('+++\ntitle = "t"\n+++\n')).toBe(true);
    expect(parseNote("inbox.md", next).items.map((i) => [i.status, i.text])).toEqual([
      ["unknown", "新しい話題"],
    ]);
  });
});

describe("Obsidian", () => {
  it("drops a callout's [!type] label from the quoted text, its offset moved past it", () => {
    const note = parseNote("blog/search-tools.md", BLOG);
    const callout = note.items.find((i) => i.line === 41);
    expect(callout?.text).toBe(
      "隠しファイルも探す `rg --hidden` を付けると隠しファイルも検索する。",
    );
    expect(BLOG.slice(callout?.textOffset).startsWith("隠しファイルも探す")).toBe(true);
    expect(parseNote("o.md", "> [!note]-\n> 折りたたみ\n").items.map((i) => i.text)).toEqual([
      "折りたたみ",
    ]);
  });

  it("treats an embed line as a pointer, not as an answer", () => {
    const note = parseNote("blog/search-tools.md", BLOG);
    const embed = byText(note.items, "![[bench-result.png]]");
    expect(embed && isPointer(embed)).toBe(true);
  });
});

describe("link cards", () => {
  it("treats a bare URL or a Zenn embed on a line of its own as a pointer, not a sentence with one", () => {
    const note = parseNote(
      "cards.md",
      [
        "https://github.com/actions/cache",
        "",
        "@[card](https://zenn.dev/foo/articles/bar)",
        "",
        "- <https://example.com/post>",
        "",
        "キャッシュは https://github.com/actions/cache を使う",
      ].join("\n"),
    );
    expect(note.items.map((i) => [i.text, isPointer(i)])).toEqual([
      ["https://github.com/actions/cache", true],
      ["@[card](https://zenn.dev/foo/articles/bar)", true],
      ["<https://example.com/post>", true],
      ["キャッシュは https://github.com/actions/cache を使う", false],
    ]);
  });
});

describe("no user text is dropped", () => {
  it("finds every line of Japanese in the blog fixture in some item's text or context", () => {
    const note = parseNote("blog/search-tools.md", BLOG);
    const indexed = note.items.flatMap((i) => [i.text, ...i.context]).join("\n");
    const title = "全文検索ツールを比べてみた";
    for (const line of lines(BLOG)) {
      const words = line.match(/[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}ー]+/gu) ?? [];
      for (const word of words) {
        if (title.includes(word) || word === "比較") continue;
        expect(indexed, `${word} (${line})`).toContain(word);
      }
    }
  });
});
