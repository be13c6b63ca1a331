import { describe, expect, it } from "vitest";
import { KeywordIndex } from "../../src/ask/keyword.js";
import { NoteIndex } from "../../src/ask/note-index.js";
import {
  DEFAULT_NOTE_OPTIONS,
  DEFAULT_RETRIEVAL_OPTIONS,
  fuseHits,
  rankByNote,
  retrieve,
} from "../../src/ask/retrieve.js";
import { LocalEmbeddings } from "../../src/index/local-embeddings.js";

/** A chunk index and a note index over the same chunks; `note` adds one note's items to both. */
function noteIndexes() {
  const keyword = new KeywordIndex();
  const notes = new NoteIndex({ chunkIndex: keyword });
  const note = (file: string, title: string, texts: string[]) =>
    texts.forEach((text, i) => {
      const c = { id: `${file}#${i}`, file, title, sectionPath: [], text };
      keyword.add(c);
      notes.add(c);
    });
  return { keyword, notes, note };
}

describe("fuseHits", () => {
  it("ranks an item found by both sides above items found by one", () => {
    const fused = fuseHits(
      [
        { id: "a", similarity: 0.5 },
        { id: "b", similarity: 0.45 },
      ],
      [
        { id: "b", score: 0.4, coverage: 1 },
        { id: "c", score: 0.45, coverage: 1 },
      ],
    );
    expect(fused.map((h) => h.id)).toEqual(["b", "c", "a"]);
    for (const hit of fused) {
      expect(hit.score).toBeGreaterThanOrEqual(0);
      expect(hit.score).toBeLessThanOrEqual(1);
    }
  });

  it("marks a strong keyword and vector match relevant", () => {
    const [hit] = fuseHits([{ id: "a", similarity: 0.7 }], [{ id: "a", score: 0.5, coverage: 1 }]);
    expect(hit).toMatchObject({ id: "a", relevant: true, coverage: 1, similarity: 0.7 });
  });

  it("marks nothing relevant when the question's vocabulary is mostly absent", () => {
    const fused = fuseHits(
      [{ id: "a", similarity: 0.17 }],
      [{ id: "a", score: 0.07, coverage: 0.25 }],
    );
    expect(fused.every((h) => !h.relevant)).toBe(true);
  });

  it("never calls a vector-only hit relevant, however similar", () => {
    const [hit] = fuseHits([{ id: "a", similarity: 0.99 }], []);
    expect(hit?.relevant).toBe(false);
  });

  it("keeps the best rank of an id listed twice", () => {
    const fused = fuseHits(
      [
        { id: "a", similarity: 0.9 },
        { id: "a", similarity: 0.1 },
      ],
      [],
    );
    expect(fused).toHaveLength(1);
    expect(fused[0]?.similarity).toBe(0.9);
  });

  it("is independent of the order hits arrive in", () => {
    const vector = [
      { id: "x", similarity: 0.3 },
      { id: "y", similarity: 0.3 },
      { id: "z", similarity: 0.6 },
    ];
    const keyword = [
      { id: "y", score: 0.2, coverage: 0.6 },
      { id: "x", score: 0.2, coverage: 0.6 },
    ];
    expect(fuseHits([...vector].reverse(), [...keyword].reverse())).toEqual(
      fuseHits(vector, keyword),
    );
  });

  it("follows the options it is given", () => {
    const hits = [{ id: "a", score: 0.5, coverage: 0.6 }];
    const vector = [{ id: "a", similarity: 0.4 }];
    expect(fuseHits(vector, hits, { minCoverage: 0.7 })[0]?.relevant).toBe(false);
    expect(fuseHits(vector, hits, { minScore: 0 })[0]?.relevant).toBe(true);
  });
});

describe("retrieve", () => {
  const notes = [
    { id: "kubelet", text: "kubeletの役割をあまり知らない" },
    { id: "firecracker", text: "Firecrackerは軽量なQEMU相当物だということは知っている" },
    { id: "secret", text: "シークレットの仕組みや実体を知らない" },
  ];

  async function buildDeps() {
    const embedder = new LocalEmbeddings();
    const vectors = await embedder.embedDocuments(notes.map((n) => n.text));
    const keyword = new KeywordIndex();
    keyword.addAll(notes);
    const searchVectors = (query: number[], k: number) =>
      notes
        .map((n, i) => ({
          id: n.id,
          similarity: (vectors[i] ?? []).reduce((s, x, j) => s + x * (query[j] ?? 0), 0),
        }))
        .sort((a, b) => b.similarity - a.similarity)
        .slice(0, k);
    return { embedder, keyword, searchVectors };
  }

  it("returns the relevant note first for Japanese and English questions", async () => {
    const deps = await buildDeps();
    expect((await retrieve("kubeletの役割は?", deps))[0]?.id).toBe("kubelet");
    expect((await retrieve("What is Firecracker?", deps))[0]?.id).toBe("firecracker");
  });

  it("returns nothing for a question the notes do not cover", async () => {
    const deps = await buildDeps();
    expect(await retrieve("How does the Go garbage collector work?", deps)).toEqual([]);
  });

  it("accepts an asynchronous vector search and caps the result at k", async () => {
    const deps = await buildDeps();
    const hits = await retrieve(
      "kubeletとFirecrackerとシークレット",
      { ...deps, searchVectors: async (v, k) => deps.searchVectors(v, k) },
      { k: 1, minScore: 0, minCoverage: 0 },
    );
    expect(hits).toHaveLength(1);
    expect(DEFAULT_RETRIEVAL_OPTIONS.k).toBe(5);
  });

  it("lets a failing vector search fail the retrieval instead of answering from nothing", async () => {
    const deps = await buildDeps();
    const broken = {
      ...deps,
      searchVectors: async () => {
        throw new Error("index unreadable");
      },
    };
    await expect(retrieve("kubeletの役割は?", broken)).rejects.toThrow("index unreadable");
  });

  it("ranks by keywords alone without an embedder, never touching the vectors", async () => {
    const deps = await buildDeps();
    const keywordOnly = {
      ...deps,
      embedder: null,
      searchVectors: () => {
        throw new Error("vectors must not be searched");
      },
    };
    expect((await retrieve("kubeletの役割は?", keywordOnly))[0]?.id).toBe("kubelet");
    expect((await retrieve("What is Firecracker?", keywordOnly))[0]?.id).toBe("firecracker");
    expect(await retrieve("How does the Go garbage collector work?", keywordOnly)).toEqual([]);
  });
});

describe("rankByNote: the none decision", () => {
  const o = { ...DEFAULT_RETRIEVAL_OPTIONS, ...DEFAULT_NOTE_OPTIONS };
  const notes = { fileOf: (id: string) => `${id}.md`, chunksOf: (file: string) => [file] };
  /** One note whose best chunk and note evidence both score `score`. */
  const rank = (score: number, unseen: { share: number; names: string[] }) =>
    rankByNote(
      [{ id: "a", score, relevant: true, similarity: 0.5, coverage: score, keywordScore: score }],
      // Note evidence 0.6 × coverage + 0.4 × (rank 1 of 1) = score when coverage = (score - 0.4) / 0.6.
      [{ file: "a.md", coverage: (score - 0.4) / 0.6, score: 1 }],
      notes,
      o,
      unseen,
    );

  it("answers once the best note reaches the base threshold", () => {
    expect(rank(o.minNoteScore + 0.01, { share: 0, names: [] })).toHaveLength(1);
    expect(rank(o.minNoteScore - 0.01, { share: 0, names: [] })).toEqual([]);
  });

  it("asks more of a question whose words the notes mostly lack", () => {
    const between = (o.minNoteScore + o.unseenMinScore) / 2;
    expect(rank(between, { share: o.unseenShare, names: [] })).toEqual([]);
    expect(rank(between, { share: o.unseenShare - 0.01, names: [] })).toHaveLength(1);
  });

  it("orders notes by a title match but decides none on the evidence alone", () => {
    const below = o.minNoteScore - 0.01;
    const hit = (file: string, score: number) => ({
      id: file,
      score,
      relevant: true,
      similarity: 0.5,
      coverage: score,
      keywordScore: score,
    });
    const noteHit = (file: string, score: number, titleMatch: number) => ({
      file: `${file}.md`,
      coverage: (score - 0.4) / 0.6,
      score: 1,
      titleMatch,
    });
    // Both notes rank first in the note list (same evidence): only the title match differs.
    const ranked = rankByNote(
      [hit("a", below), hit("b", below)],
      [noteHit("a", below, 0), noteHit("b", below, 1)],
      notes,
      o,
      { share: 0, names: [] },
    );
    expect(ranked).toEqual([]);
    const answered = rankByNote(
      [hit("a", o.minNoteScore + 0.05), hit("b", o.minNoteScore + 0.01)],
      [noteHit("a", o.minNoteScore + 0.05, 0), noteHit("b", o.minNoteScore + 0.01, 1)],
      notes,
      o,
      { share: 0, names: [] },
    );
    expect(answered.map((h) => h.id)).toEqual(["b", "a"]);
  });

  it("asks more still of a question naming something no note contains", () => {
    const between = (o.unseenMinScore + o.unseenNameMinScore) / 2;
    expect(rank(between, { share: 0, names: ["kafka"] })).toEqual([]);
    expect(rank(o.unseenNameMinScore + 0.01, { share: 0, names: ["kafka"] })).toHaveLength(1);
    expect(rank(between, { share: 0, names: [] })).toHaveLength(1);
  });
});

describe("retrieve over notes", () => {
  it("gives a note found by its note document its best item's evidence, and cites that item", async () => {
    const keyword = new KeywordIndex();
    const notes = new NoteIndex();
    const chunk = (id: string, file: string, title: string, text: string) => {
      const c = { id, file, title, sectionPath: [], text };
      keyword.add(c);
      notes.add(c);
    };
    chunk("a1", "peek.md", "Peek into zip archives", "Some background first.");
    chunk("a2", "peek.md", "Peek into zip archives", "unzip -l lists the archive contents.");
    chunk("b1", "other.md", "Other", "zip archive contents listed by unzip, a long note.");
    chunk("c1", "far.md", "Far", "zip");
    // One candidate per list: only other.md's item is fused; peek.md is found by its note.
    const hits = await retrieve(
      "peek into zip archive contents",
      { embedder: null, searchVectors: () => [], keyword, notes },
      { k: 5, candidates: 1 },
    );
    const ids = hits.map((h) => h.id);
    expect(ids).toContain("a2");
    expect(ids).not.toContain("a1");
  });

  it("ranks the note whose title the question is above siblings sharing its words", async () => {
    const { keyword, notes, note } = noteIndexes();
    note("2021.md", "2021年の振り返り", [
      "2021年はリモートワークの一年。2022年はもっと登壇したい。",
    ]);
    note("2022.md", "2022年 振り返り", ["今年の振り返り。転職した。", "ブログを毎月書いた。"]);
    note("2023.md", "2023年の振り返り", ["2022年の目標を振り返ると、2022年は登壇できなかった。"]);
    const titleMatch = new Map(
      notes.search("2022年 振り返り", 5).map((h) => [h.file, h.titleMatch]),
    );
    expect(titleMatch.get("2022.md")).toBeCloseTo(1);
    expect(titleMatch.get("2021.md") ?? 0).toBeLessThan(0.8);
    expect(titleMatch.get("2023.md") ?? 0).toBeLessThan(0.8);
    const deps = { embedder: null, searchVectors: () => [], keyword, notes };
    const hits = await retrieve("2022年 振り返り", deps);
    expect(notes.fileOf(hits[0]?.id ?? "")).toBe("2022.md");
    const untitled = await retrieve("2022年 振り返り", deps, { titleWeight: 0 });
    expect(notes.fileOf(untitled[0]?.id ?? "")).not.toBe("2022.md");
  });

  it("ranks the note a question names by its exact title above a sibling whose items repeat its words", async () => {
    const { keyword, notes, note } = noteIndexes();
    note("2021.md", "2021年の振り返り", ["毎年恒例の振り返り。今年は1年リモートだった。"]);
    note("2022.md", "2022年 振り返り", ["インフラの仕事が多かった。", "ブログを書いた。"]);
    note("2024.md", "2024年 振り返り", ["転職して1年半。SREに移った。"]);
    note("infra.md", "インフラ", ["Kubernetesに移行した。"]);
    const deps = { embedder: null, searchVectors: () => [], keyword, notes };
    const hits = await retrieve("2022年 振り返り", deps);
    expect(notes.fileOf(hits[0]?.id ?? "")).toBe("2022.md");
    const inexact = await retrieve("2022年 振り返り", deps, { exactTitleWeight: 0 });
    expect(notes.fileOf(inexact[0]?.id ?? "")).toBe("2021.md");
  });

  it("ranks the notes of the folder a question names above notes sharing only its phrasing", async () => {
    const { keyword, notes, note } = noteIndexes();
    note("docker/startup.md", "Prevent Startup", [
      "Old containers come back at login: set restart to no.",
    ]);
    note("workflow/time.md", "Track Time", ["Projects I stopped working on come back at login."]);
    note("git/log.md", "Log", ["git log shows old commits."]);
    note("react-native/setup.md", "Setup", ["Install the native toolchain."]);
    const question = "old docker containers of projects I stopped working on come back at login";
    const folderMatch = new Map(notes.search(question, 5).map((h) => [h.file, h.folderMatch]));
    expect(folderMatch.get("docker/startup.md")).toBeCloseTo(1);
    expect(folderMatch.get("workflow/time.md")).toBe(0);
    // A folder of two words counts by the share the question repeats.
    const [native] = notes.search("native toolchain", 1);
    expect(native?.folderMatch).toBeGreaterThan(0);
    expect(native?.folderMatch).toBeLessThan(1);
    const deps = { embedder: null, searchVectors: () => [], keyword, notes };
    const hits = await retrieve(question, deps);
    expect(notes.fileOf(hits[0]?.id ?? "")).toBe("docker/startup.md");
    const unfoldered = await retrieve(question, deps, { folderWeight: 0 });
    expect(notes.fileOf(unfoldered[0]?.id ?? "")).toBe("workflow/time.md");
    // The none decision does not count it: both questions are answered, or neither.
    expect(hits.length > 0).toBe(unfoldered.length > 0);
  });
});
