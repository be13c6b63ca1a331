import { describe, expect, it } from "vitest";
import { nameTerms } from "../../src/ask/names.js";

const names = (text: string) => [...nameTerms(text)];

describe("nameTerms", () => {
  it("finds capitalized words inside an English sentence, acronyms and camelCase", () => {
    expect(names("How do I create a Kafka topic?")).toEqual(["kafka"]);
    expect(names("How do I fix CUDA out of memory?")).toEqual(["cuda"]);
    expect(names("Can a WordPress plugin use useMemo?")).toEqual(["wordpress", "usememo"]);
  });

  it("leaves out a sentence's first word, lowercase words and compounds, and numbers", () => {
    expect(names("Tips for preparing a first conference talk")).toEqual([]);
    expect(names("It broke. Docker images fill the disk")).toEqual([]);
    expect(names("how do I speed up fine-tuning with k8s on port 8080?")).toEqual([]);
  });

  it("takes every Latin word of a Japanese sentence for a name", () => {
    expect(names("Arduinoで温度センサを読む")).toEqual(["arduino"]);
    expect(names("nginxでbasic認証をかけたい")).toEqual(["nginx", "basic"]);
  });

  it("reads full-width letters as their usual forms", () => {
    expect(names("ＷｏｒｄＰｒｅｓｓのテーマ")).toEqual(["wordpress"]);
  });
});
