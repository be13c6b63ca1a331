import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type EvalSource, evaluate, parseEvalFile, rankOf } from "../../src/ask/evaluate.js";
import { buildNoteBaseline, segmentWords } from "../../src/ask/note-baseline.js";

const src = (file: string, text = "x", status: EvalSource["status"] = "unmarked"): EvalSource => ({
  file,
  text,
  status,
});

describe("eval file format", () => {
  it("accepts note-level expectations and kind tags, and names a bad line", () => {
    const questions = parseEvalFile(
      [
        '{"id":"a","q":"zip?","note":"unix/zip.md","kind":"paraphrase"}',
        '{"id":"b","q":"x","flag":"none","kind":["none","ja"]}',
        '{"id":"c","q":"y","flag":"known","expect":"Pod"}',
      ].join("\n"),
      "dev.jsonl",
    );
    expect(questions.map((q) => q.id)).toEqual(["a", "b", "c"]);
    expect(() => parseEvalFile('{"id":"a","q":"x"}\n', "dev.jsonl")).toThrow(
      /dev\.jsonl:1: "expect" or "note" is required/,
    );
    expect(() =>
      parseEvalFile('{"id":"a","q":"x","note":"a.md"}\n{"id":"b","q":"x","kind":3}', "d.jsonl"),
    ).toThrow(/d\.jsonl:2: kind/);
    expect(() =>
      parseEvalFile('{"id":"a","q":"x","flag":"none","note":"a.md"}', "d.jsonl"),
    ).toThrow(/d\.jsonl:1: a "none" question/);
  });

  it("reads a file saved with a byte-order mark and CRLF line ends (Windows editors)", () => {
    const questions = parseEvalFile(
      '\uFEFF{"id":"a","q":"DaemonSet?","expect":"DaemonSet"}\r\n{"id":"b","q":"x","flag":"none"}\r\n',
      "win.jsonl",
    );
    expect(questions.map((q) => q.id)).toEqual(["a", "b"]);
  });

  it("ranks a note among distinct notes, a text among sources", () => {
    const sources = [src("a.md", "one"), src("a.md", "two"), src("b.md", "three"), src("c.md")];
    expect(rankOf({ id: "x", q: "q", note: "b.md" }, sources)).toBe(2);
    expect(rankOf({ id: "x", q: "q", note: "c.md" }, sources)).toBe(3);
    expect(rankOf({ id: "x", q: "q", expect: "three" }, sources)).toBe(3);
    expect(rankOf({ id: "x", q: "q", note: "a.md", expect: "two" }, sources)).toBe(1);
    expect(rankOf({ id: "x", q: "q", note: "b.md", expect: "one" }, sources)).toBeNull();
    expect(rankOf({ id: "x", q: "q", note: "d.md" }, sources)).toBeNull();
  });
});

describe("evaluate", () => {
  it("reports hit@1/3/10, MRR, none-accuracy and false-none overall and per kind", async () => {
    const questions = parseEvalFile(
      [
        '{"id":"a","q":"first","note":"a.md","kind":"title"}',
        '{"id":"b","q":"fourth","note":"d.md","kind":"paraphrase"}',
        '{"id":"c","q":"missing","note":"z.md","kind":"paraphrase"}',
        '{"id":"d","q":"nothing","flag":"none","kind":"none"}',
        '{"id":"e","q":"empty","note":"a.md","kind":"paraphrase"}',
        '{"id":"f","q":"also nothing","flag":"none","kind":"none"}',
      ].join("\n"),
      "dev.jsonl",
    );
    const ranked = ["a.md", "b.md", "c.md", "d.md"].map((f) => src(f));
    const report = await evaluate(questions, async (q) =>
      q === "empty" || q === "nothing" ? [] : ranked,
    );
    expect(report).toMatchObject({ n: 6, answerable: 4, unanswerable: 2 });
    expect(report.hit1).toBe(0.25);
    expect(report.hit3).toBe(0.25);
    expect(report.hit10).toBe(0.5);
    expect(report.mrr).toBe(Math.round(((1 + 1 / 4) / 4) * 1000) / 1000);
    expect(report.noneAccuracy).toBe(0.5);
    expect(report.falseNone).toBe(0.25);
    expect(report.byKind.paraphrase).toMatchObject({ n: 3, hit10: 0.333, falseNone: 0.333 });
    expect(report.byKind.title).toMatchObject({ n: 1, hit1: 1 });
    expect(report.byKind.none).toMatchObject({ n: 2, noneAccuracy: 0.5, answerable: 0 });
    expect(report.failures.map((f) => f.id)).toEqual(["b", "c", "e", "f"]);
  });
});

describe("MiniSearch baseline over whole notes", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "michi-baseline-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("splits Japanese into words and keeps Latin words", () => {
    expect(segmentWords("Rustの所有権とは")).toEqual(expect.arrayContaining(["rust", "所有"]));
    expect(segmentWords("unzip -l で中身を確認")).toEqual(expect.arrayContaining(["unzip", "l"]));
  });

  it("ranks whole notes by title and body, one source per note", async () => {
    mkdirSync(path.join(dir, "unix"));
    writeFileSync(
      path.join(dir, "unix/zip.md"),
      "# Check What Is Inside A Zip File\n\nThe `-l` flag to `unzip` lists the archive.\n",
    );
    writeFileSync(path.join(dir, "tar.md"), "# Tarballs\n\nCreate a tar archive with tar -czf.\n");
    writeFileSync(path.join(dir, "ja.md"), "# メモ\n\n所有権は値の持ち主を決める仕組み。\n");
    const engine = await buildNoteBaseline(dir);
    expect(engine.size).toBe(3);
    expect(engine.search("what is inside a zip file", 10)[0]?.file).toBe("unix/zip.md");
    expect(engine.search("archive", 1)).toHaveLength(1);
    expect(engine.search("所有権の仕組み", 10)[0]?.file).toBe("ja.md");
    const report = await evaluate(
      parseEvalFile('{"id":"a","q":"unzip archive","note":"unix/zip.md"}', "d.jsonl"),
      async (q) => engine.search(q, 10),
    );
    expect(report.hit1).toBe(1);
  });

  it("answers an item-level question with lines, not with a note that contains everything", async () => {
    writeFileSync(
      path.join(dir, "log.md"),
      "# Log\n\n- O DaemonSet puts one Pod on every node\n- X Secrets hold passwords\n",
    );
    const engine = await buildNoteBaseline(dir);
    const lines = engine.searchLines("which resource runs one Pod per node", 10);
    expect(lines[0]).toMatchObject({
      file: "log.md",
      text: "- O DaemonSet puts one Pod on every node",
    });
    expect(lines.some((s) => s.text.includes("Secrets"))).toBe(false);
    const questions = parseEvalFile(
      [
        '{"id":"item","q":"Where are passwords kept?","expect":"Secrets hold passwords"}',
        '{"id":"item-missed","q":"nothing shares these words","expect":"Secrets hold passwords"}',
        '{"id":"note","q":"nothing shares these words either","note":"log.md"}',
      ].join("\n"),
      "d.jsonl",
    );
    const report = await evaluate(questions, async (_q, line) => engine.searchFor(line, 10));
    // The whole note would contain the expected item whatever was asked; lines do not.
    expect(report.failures.map((f) => f.id).sort()).toEqual(["item-missed", "note"]);
  });
});
