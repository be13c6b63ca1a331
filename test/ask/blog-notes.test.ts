/**
 * A blog post with a comparison table, footnotes and Zenn/Hatena/HTML blocks, ingested and
 * asked through the real app: the answer quotes the one row or footnote asked about, at its
 * own line, and the learning commands never treat a table row as an item to mark.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeWorkspace, ROOT, runInProcess } from "../support/cli.js";

let ws: ReturnType<typeof makeWorkspace>;
beforeEach(() => {
  ws = makeWorkspace();
  cpSync(path.join(ROOT, "test/fixtures/blog"), path.join(ws.notes, "blog"), { recursive: true });
});
afterEach(() => ws.cleanup());

const michi = (...args: string[]) =>
  runInProcess(["--notes", ws.notes, "--data", ws.data, ...args], { cwd: ws.dir });

const ask = async (question: string) => {
  const run = await michi("ask", "--json", question);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
};

describe("a blog post's table, footnotes and blocks", () => {
  it("answers from the one table row asked about, quoting it under its header", async () => {
    const answer = await ask("ag (The Silver Searcher) の特徴は?");
    expect(answer.sources[0]).toMatchObject({
      note: "notes/blog/search-tools.md",
      line: 16,
      text: "ag (The Silver Searcher) | ack 互換のオプション | 普通",
      status: "unmarked",
    });
    expect(answer.answer).toContain(
      "> ツール | 特徴 | 速度\n> ag (The Silver Searcher) | ack 互換のオプション | 普通\n— 全文検索ツールを比べてみた › 比較、16行目",
    );
    const quoted = answer.answer.split("\n").filter((l: string) => l.startsWith(">"));
    expect(quoted).toHaveLength(2);
  });

  it("finds a footnote's text and quotes it without its label", async () => {
    const answer = await ask("ripgrep のコマンド名は何?");
    expect(answer.sources[0]).toMatchObject({
      line: 57,
      text: "正確には ripgrep のコマンド名は rg である。 2行目の続き。",
    });
    expect(answer.answer).not.toContain("[^1]:");
  });

  it("quotes Hatena super-pre code with its lines, not flattened", async () => {
    const answer = await ask("rg -l FIXME --type go");
    expect(answer.sources[0]).toMatchObject({
      line: 44,
      text: 'rg -n "TODO" src/\nrg -l "FIXME" --type go',
    });
    expect(answer.answer).toContain('```\nrg -n "TODO" src/\nrg -l "FIXME" --type go\n```');
  });

  it("never marks a table row: learned names only list items, and writes nothing else", async () => {
    const note = path.join(ws.notes, "blog", "tools.md");
    const text = [
      "# ツールメモ",
      "",
      "| ツール | 状態 |",
      "| --- | --- |",
      "| X fzf | あいまい検索 |",
      "",
      "- X fzf のキーバインド",
      "",
    ].join("\n");
    writeFileSync(note, text);
    const run = await michi("learned", "fzf", "--json");
    expect(run.code).toBe(0);
    const after = readFileSync(note, "utf8");
    expect(after).toBe(text.replace("- X fzf のキーバインド", "- O fzf のキーバインド"));
    expect(after).toContain("| X fzf | あいまい検索 |");
  });
});
