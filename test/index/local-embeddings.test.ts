import { Embeddings } from "@langchain/core/embeddings";
import { describe, expect, it } from "vitest";
import { LocalEmbeddings } from "../../src/index/local-embeddings.js";

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot;
}

function norm(v: readonly number[]): number {
  return Math.sqrt(cosine(v, v));
}

describe("LocalEmbeddings", () => {
  it("is a LangChain Embeddings and reports what built the vectors", () => {
    const embedder = new LocalEmbeddings({ dimensions: 128 });
    expect(embedder).toBeInstanceOf(Embeddings);
    expect(LocalEmbeddings.id).toBe("local-hash-v2");
    expect(embedder.info).toMatchObject({ name: "local-hash-v2", dimensions: 128 });
    expect(embedder.info.signature).toContain("d=128");
    // Japanese words depend on ICU's dictionary, so another ICU means another index.
    expect(embedder.info.signature).toContain(`icu=${process.versions.icu}`);
  });

  it("returns unit vectors of the configured dimension", async () => {
    const embedder = new LocalEmbeddings({ dimensions: 96 });
    const [a, b] = await embedder.embedDocuments([
      "kubeletの役割をあまり知らない",
      "What is a Pod?",
    ]);
    for (const v of [a, b]) {
      expect(v).toHaveLength(96);
      expect(norm(v ?? [])).toBeCloseTo(1, 6);
    }
  });

  it("gives the same vector on every call and every instance", async () => {
    const text = "runcはLinuxの名前空間、cgroups、chroot/pivot_root、seccomp等で実現";
    const first = await new LocalEmbeddings().embedDocuments([text, text]);
    const second = await new LocalEmbeddings().embedDocuments(["something else first", text]);
    expect(first[0]).toEqual(first[1]);
    expect(second[1]).toEqual(first[0]);
  });

  it("embeds text with no terms as a unit vector rather than zeros", async () => {
    const v = await new LocalEmbeddings().embedQuery("何?");
    expect(norm(v)).toBeCloseTo(1, 6);
  });

  it("rejects a dimension that cannot hold features", () => {
    expect(() => new LocalEmbeddings({ dimensions: 0 })).toThrow(RangeError);
  });

  it("puts a Japanese note nearer its paraphrase than an unrelated note", async () => {
    const embedder = new LocalEmbeddings();
    const [doc, paraphrase, unrelated] = await embedder.embedDocuments([
      "DaemonSetは各ノードに1つずつPodを配置する",
      "DaemonSetはノードごとにPodを一つ置く",
      "シークレットの仕組みや実体を知らない",
    ]);
    expect(cosine(doc ?? [], paraphrase ?? [])).toBeGreaterThan(cosine(doc ?? [], unrelated ?? []));
  });

  it("puts an English note nearer its paraphrase than an unrelated note", async () => {
    const embedder = new LocalEmbeddings();
    const [doc, paraphrase, unrelated] = await embedder.embedDocuments([
      "A ReplicaSet keeps the number of Pod replicas constant",
      "ReplicaSets maintain a stable count of replica pods",
      "git rebase rewrites the commit history of a branch",
    ]);
    expect(cosine(doc ?? [], paraphrase ?? [])).toBeGreaterThan(cosine(doc ?? [], unrelated ?? []));
  });

  it("brings an English question near a Japanese note through shared terms and the glossary", async () => {
    const embedder = new LocalEmbeddings();
    const [note, other] = await embedder.embedDocuments([
      "kubeletの役割をあまり知らない",
      "Firecrackerは軽量なQEMU相当物だということは知っている",
    ]);
    const question = await embedder.embedQuery("What is the role of the kubelet?");
    expect(cosine(question, note ?? [])).toBeGreaterThan(0.3);
    expect(cosine(question, note ?? [])).toBeGreaterThan(cosine(question, other ?? []));
  });
});
