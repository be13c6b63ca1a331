import { describe, expect, it } from "vitest";
import { GLOSSARY, parseGlossary } from "../../src/index/glossary.js";
import {
  analyzeQuery,
  EXPANSION_WEIGHT,
  SYNONYM_WEIGHT,
  stemWord,
} from "../../src/index/tokenize.js";

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

  it("brings a Japanese word's synonyms, the other Japanese words for its English, at lower weight", () => {
    const replace = analyzeQuery("文字列を置き換えたい").find((t) => t.term === "置換");
    expect(replace).toMatchObject({ kind: "synonym", weight: SYNONYM_WEIGHT });
    expect(SYNONYM_WEIGHT).toBeLessThan(EXPANSION_WEIGHT);
    // One concept: the synonym joins the group of the word it stands for.
    const written = analyzeQuery("文字列を置き換えたい").find((t) => t.term === "置");
    expect(replace?.group).toBe(written?.group);
    // Not without a glossary word: 文字列 alone brings no 置換.
    expect(analyzeQuery("文字列").map((t) => t.term)).not.toContain("置換");
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
