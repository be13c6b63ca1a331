import { describe, expect, it } from "vitest";
import { GLOSSARY, parseGlossary } from "../../src/index/glossary.js";
import { analyzeQuery, stemWord } from "../../src/index/tokenize.js";

describe("EN↔JA glossary data", () => {
  it("loads from the data file and expands queries both ways", () => {
    expect(GLOSSARY.length).toBeGreaterThan(600);
    expect(GLOSSARY).toContainEqual(["environment variable", "環境変数"]);
    const terms = (q: string) => analyzeQuery(q).map((t) => t.term);
    expect(terms("配列の最後の要素")).toEqual(
      expect.arrayContaining([stemWord("array"), stemWord("element")]),
    );
    expect(terms("正規表現で置換")).toEqual(
      expect.arrayContaining([stemWord("regular"), stemWord("replace")]),
    );
    expect(terms("set an environment variable")).toContain("環境変数");
  });

  it("names a malformed entry", () => {
    expect(() => parseGlossary({ entries: [["array", "配列"], ["x"]] }, "g.json")).toThrow(
      /g\.json: entry 2 must be/,
    );
    expect(() => parseGlossary({}, "g.json")).toThrow(/g\.json: expected/);
  });
});

describe("English stemming", () => {
  it("meets inflected forms in notes and questions (Porter, via the stemmer package)", async () => {
    const { analyze } = await import("../../src/index/tokenize.js");
    expect(analyze("extracting archives")).toEqual(analyze("extracted archive"));
    expect(analyze("listing files")).toEqual(analyze("lists file"));
    expect(analyze("k8s v1.29")).toContain("k8s");
  });
});
