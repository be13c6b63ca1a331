/**
 * Retrieval: vector hits ⊕ keyword hits ⊕ note hits → one ranking with a relevance decision
 * (docs/retrieval.md).
 *
 * Chunks are fused on three signals: the keyword index's coverage (how much of the question's
 * vocabulary, IDF-weighted, the item contains), the vector similarity rescaled to [0, 1], and
 * reciprocal-rank fusion of the two rankings (which rewards agreement and breaks ties by
 * BM25's length-aware order). With note structure (`deps.notes`), chunks are then ranked by
 * their note: a note's score mixes its best chunk's with how well the whole note (title,
 * headings, items) matches, sources name distinct notes first, and the question is answered
 * only when the best note clears a threshold calibrated on the development sets, so a
 * question about something the notes never mention comes back empty (flag "none") instead of
 * citing the least bad item. Without note structure each chunk is judged on its own (the
 * original rule). Pure functions; the embedder and stores are injected.
 */
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { DocCoverage, KeywordHit, KeywordIndex, UnseenWords } from "./keyword.js";
import type { NoteHit, NoteIndex } from "./note-index.js";

export interface VectorHit {
  readonly id: string;
  /** Cosine similarity in [-1, 1]. */
  readonly similarity: number;
}

export interface RetrievedHit {
  readonly id: string;
  /** Fused relevance in [0, 1]; higher is better. */
  readonly score: number;
  /** Relevant enough to answer from (and to set the flag). */
  readonly relevant: boolean;
  /** The signals behind the score, for explanations and evaluation. */
  readonly similarity: number | null;
  readonly coverage: number;
  readonly keywordScore: number;
  /** IDF-weighted share of the question's concepts the hit's whole note contains. */
  readonly noteCoverage?: number;
}

export interface RetrievalOptions {
  /** Relevant hits returned by `retrieve`. */
  readonly k: number;
  /** Candidates fetched from each of the vector and keyword sides before fusion. */
  readonly candidates: number;
  /** RRF damping constant: larger flattens the rank curve. */
  readonly rrfK: number;
  /** Weights of coverage, rescaled similarity and normalized RRF in the score (sum 1). */
  readonly coverageWeight: number;
  readonly similarityWeight: number;
  readonly rrfWeight: number;
  /** Similarity at or below this maps to 0 (unrelated texts of the local embedder sit here). */
  readonly similarityFloor: number;
  /** Similarity at or above this maps to 1 (a paraphrase). */
  readonly similarityCeiling: number;
  /** A relevant item's fused score reaches at least this. */
  readonly minScore: number;
  /** … and it covers at least this share of the question's IDF-weighted concepts. */
  readonly minCoverage: number;
}

export const DEFAULT_RETRIEVAL_OPTIONS: RetrievalOptions = {
  k: 5,
  // Enough depth that an item ranked low by one side but high by the other is still fused.
  candidates: 30,
  // The usual RRF constant; at notes scale the top ranks matter most, hence not larger.
  rrfK: 10,
  // Coverage is the sharpest signal in a terse, keyword-heavy notes corpus; similarity adds
  // spelling-variant matching (char n-grams); RRF settles ties between equal coverages.
  coverageWeight: 0.5,
  similarityWeight: 0.3,
  rrfWeight: 0.2,
  // Local hashing embedder: unrelated short texts ≈ 0.0–0.1, a shared key term ≈ 0.3+.
  similarityFloor: 0.05,
  similarityCeiling: 0.6,
  // Relevance is decided on the fused score, which already weighs coverage; the floor sits
  // midway between the best "nothing relevant" question and the worst answerable one of the
  // seed eval (0.39 vs 0.60), the only calibration done on the eval set.
  minScore: 0.5,
  // … and the item must share some of the question's vocabulary: similarity alone (character
  // n-grams) is not enough evidence.
  minCoverage: 0.15,
};

/**
 * Fuses the two rankings into one, best first, marking each hit relevant or not.
 * Inputs may come in any order; ties are broken by id so the output is deterministic.
 */
export function fuseHits(
  vectorHits: readonly VectorHit[],
  keywordHits: readonly KeywordHit[],
  options: Partial<RetrievalOptions> = {},
): RetrievedHit[] {
  const o = { ...DEFAULT_RETRIEVAL_OPTIONS, ...options };
  const vectorRanked = [...vectorHits].sort(
    (a, b) => b.similarity - a.similarity || compareIds(a.id, b.id),
  );
  const keywordRanked = [...keywordHits].sort(
    (a, b) => b.score - a.score || compareIds(a.id, b.id),
  );
  interface Candidate {
    similarity: number | null;
    coverage: number;
    keywordScore: number;
    rrf: number;
  }
  const byId = new Map<string, Candidate>();
  const candidate = (id: string): Candidate => {
    let c = byId.get(id);
    if (!c) {
      c = { similarity: null, coverage: 0, keywordScore: 0, rrf: 0 };
      byId.set(id, c);
    }
    return c;
  };
  vectorRanked.forEach((hit, rank) => {
    const c = candidate(hit.id);
    if (c.similarity !== null) return; // a duplicate id: keep its best rank
    c.similarity = hit.similarity;
    c.rrf += 1 / (o.rrfK + rank + 1);
  });
  const seenKeyword = new Set<string>();
  keywordRanked.forEach((hit, rank) => {
    if (seenKeyword.has(hit.id)) return;
    seenKeyword.add(hit.id);
    const c = candidate(hit.id);
    c.coverage = hit.coverage;
    c.keywordScore = hit.score;
    c.rrf += 1 / (o.rrfK + rank + 1);
  });
  const rrfMax = 2 / (o.rrfK + 1);
  const span = Math.max(1e-9, o.similarityCeiling - o.similarityFloor);
  const fused: RetrievedHit[] = [];
  for (const [id, c] of byId) {
    const sim01 = clamp01(((c.similarity ?? o.similarityFloor) - o.similarityFloor) / span);
    const score = clamp01(
      o.coverageWeight * c.coverage + o.similarityWeight * sim01 + o.rrfWeight * (c.rrf / rrfMax),
    );
    fused.push({
      id,
      score,
      relevant: c.coverage >= o.minCoverage && score >= o.minScore,
      similarity: c.similarity,
      coverage: c.coverage,
      keywordScore: c.keywordScore,
    });
  }
  return fused.sort((a, b) => b.score - a.score || compareIds(a.id, b.id));
}

/**
 * Ranking without vectors (the embedding server is down): the similarity weight is shared out
 * to coverage and RRF in proportion, so the relevance floor means what it means with vectors.
 */
export const KEYWORD_ONLY_WEIGHTS: Pick<
  RetrievalOptions,
  "coverageWeight" | "similarityWeight" | "rrfWeight"
> = (() => {
  const d = DEFAULT_RETRIEVAL_OPTIONS;
  const rest = d.coverageWeight + d.rrfWeight;
  return {
    coverageWeight: d.coverageWeight / rest,
    similarityWeight: 0,
    // One ranking instead of two: its RRF share is at most half of rrfMax, so it counts double.
    rrfWeight: (2 * d.rrfWeight) / rest,
  };
})();

export interface RetrievalDeps {
  /** Null: keyword retrieval alone (BM25), ranked with KEYWORD_ONLY_WEIGHTS. */
  readonly embedder: Pick<EmbeddingsInterface, "embedQuery"> | null;
  /** Nearest neighbours by cosine similarity (the HNSW store). */
  searchVectors(vector: number[], k: number): Promise<readonly VectorHit[]> | readonly VectorHit[];
  readonly keyword: Pick<KeywordIndex, "search"> & Partial<Pick<KeywordIndex, "coverageOf">>;
  /** Note structure: without it every chunk counts as a note of its own. */
  readonly notes?: Pick<NoteIndex, "search" | "fileOf" | "chunksOf" | "idsOf" | "unseen">;
}

export interface NoteRetrievalOptions {
  /** Return the best chunk of each of the best notes first (then more chunks of them). */
  readonly distinctNotes: boolean;
  /** Notes fetched from the note-level index. */
  readonly noteCandidates: number;
  /** Weight of the note-level evidence in a note's score (the rest: its best chunk's). */
  readonly noteWeight: number;
  /** A note is relevant when its score reaches this … */
  readonly minNoteScore: number;
  /**
   * … and, when at least `unseenShare` of the question's IDF weight is on words no note
   * contains (the question is about something else), when it reaches `unseenMinScore`.
   */
  readonly unseenShare: number;
  readonly unseenMinScore: number;
  /**
   * … and, when the question names something no note contains (`Kafka`, `WordPress`: see
   * KeywordIndex.unseen), when it reaches this.
   */
  readonly unseenNameMinScore: number;
  /** Once the best note is relevant, the further notes and chunks that reach this are too. */
  readonly minFollowingScore: number;
  /**
   * Added to a note's score times its title match (NoteHit.titleMatch): a question that is a
   * note's title ("2022年 振り返り") ranks that note above siblings sharing its words.
   */
  readonly titleWeight: number;
  /**
   * Added to a note's score times its folder match (NoteHit.folderMatch): among notes that
   * match a question about as well, those in the folder it names (`docker/` for "Old Docker
   * containers … start automatically") come first. Orders notes only, like the title match.
   */
  readonly folderWeight: number;
  /**
   * Added once more when the question is the note's title (every word of each in the other:
   * "2022年 振り返り"): a question that names a note is looking for that note, above siblings
   * whose items repeat its words more often.
   */
  readonly exactTitleWeight: number;
}

/** The none decision's thresholds (and the floor of the notes listed once it answers). */
export type NoneRule = Pick<
  NoteRetrievalOptions,
  "minNoteScore" | "unseenShare" | "unseenMinScore" | "unseenNameMinScore" | "minFollowingScore"
>;

export const DEFAULT_NOTE_OPTIONS: NoteRetrievalOptions = {
  distinctNotes: true,
  noteCandidates: 30,
  // Measured on the development sets (docs/retrieval.md): half note, half chunk ranks best.
  noteWeight: 0.5,
  // The none decision: the strictest thresholds at which false-none stays at or under 5 % on
  // every development set, English and Japanese (`npm run bench -- --none-curve`,
  // docs/retrieval.md).
  minNoteScore: 0.47,
  unseenShare: 0.6,
  unseenMinScore: 0.52,
  unseenNameMinScore: 0.65,
  // A question the notes answer gets the runners-up too (the right note is not always first).
  minFollowingScore: 0.25,
  // Measured on the dev sets (docs/retrieval.md): 0.1–0.3 all help, 0.3 most.
  titleWeight: 0.3,
  // Measured on the dev sets (docs/retrieval.md): 0.08–0.2 all help the TIL vault alike.
  folderWeight: 0.1,
  // Measured on the dev sets (docs/retrieval.md): 0.2 and 0.3 alike.
  exactTitleWeight: 0.2,
};

/** A title match this close to 1 is the question being the title (sums of IDFs round). */
const EXACT_TITLE_MATCH = 0.999;

/** The question's relevant hits, best first, at most `k`; empty means "nothing relevant". */
export async function retrieve(
  question: string,
  deps: RetrievalDeps,
  options: Partial<RetrievalOptions & NoteRetrievalOptions> = {},
): Promise<RetrievedHit[]> {
  const o = { ...DEFAULT_RETRIEVAL_OPTIONS, ...DEFAULT_NOTE_OPTIONS, ...options };
  const notes = deps.notes;
  const [vectorHits, keywordHits] =
    deps.embedder === null
      ? [[], await deps.keyword.search(question, o.candidates)]
      : await Promise.all([
          deps.embedder
            .embedQuery(question)
            .then((vector) => deps.searchVectors(vector, o.candidates)),
          deps.keyword.search(question, o.candidates),
        ]);
  const weights = deps.embedder === null ? { ...o, ...KEYWORD_ONLY_WEIGHTS } : o;
  const fused = fuseHits(vectorHits, keywordHits, weights);
  if (!notes) return fused.filter((hit) => hit.relevant).slice(0, o.k);
  const noteHits = notes.search(question, o.noteCandidates);
  const all = [...fused, ...scoreUnrankedNotes(question, fused, noteHits, deps, weights)];
  all.sort((a, b) => b.score - a.score || compareIds(a.id, b.id));
  return rankByNote(all, noteHits, notes, o, notes.unseen(question)).slice(0, o.k);
}

/** Items looked up per note (a long note's first ones). */
const MAX_CHUNKS_SCORED_PER_NOTE = 200;
/**
 * Notes whose items are looked up: the ten best note candidates (as many as `-k 10` lists);
 * lower down, an item rarely lifts its note into the list, and each look-up costs time.
 */
const UNRANKED_NOTES_SCORED = 10;

/**
 * A note found by its note-level document alone (its title, headings, anchor text, or words
 * spread over several items) still has a best chunk: its items' keyword coverage of the
 * question is looked up, so the note competes with its real chunk evidence (coverage) instead of none, and
 * is represented by its best item rather than its first.
 */
function scoreUnrankedNotes(
  question: string,
  fused: readonly RetrievedHit[],
  noteHits: readonly NoteHit[],
  deps: RetrievalDeps,
  weights: Pick<RetrievalOptions, "coverageWeight">,
): RetrievedHit[] {
  const notes = deps.notes;
  const coverageOf = deps.keyword.coverageOf?.bind(deps.keyword);
  if (!notes || !coverageOf) return [];
  const ranked = new Set<string>();
  for (const hit of fused) {
    const file = notes.fileOf(hit.id);
    if (file !== undefined) ranked.add(file);
  }
  const ids: string[] = [];
  for (const { file } of noteHits.slice(0, UNRANKED_NOTES_SCORED)) {
    if (ranked.has(file)) continue;
    // Pointer lines have no words: coverageOf leaves them out.
    let n = 0;
    for (const id of notes.idsOf(file)) {
      if (n++ === MAX_CHUNKS_SCORED_PER_NOTE) break;
      ids.push(id);
    }
  }
  // The best item of each such note (first in document order on ties) stands for it.
  const best = new Map<string, DocCoverage>();
  for (const hit of coverageOf(question, ids)) {
    const file = notes.fileOf(hit.id) ?? "";
    if (hit.coverage > (best.get(file)?.coverage ?? 0)) best.set(file, hit);
  }
  // Outside both candidate lists: no similarity or rank share to add, coverage alone counts.
  return [...best.values()].map((h) => ({
    id: h.id,
    score: clamp01(weights.coverageWeight * h.coverage),
    relevant: false,
    similarity: null,
    coverage: h.coverage,
    keywordScore: 0,
  }));
}

/**
 * Chunk hits ⊕ note hits → chunks ranked by their note's evidence and their own. A note's
 * score mixes its best chunk's fused score with the note-level match (coverage of the
 * question by the whole note, and its rank among notes); a note found only by its note-level
 * document (its title or headings match, no single item does) is represented by its first
 * chunk. With `distinctNotes`, the best chunk of each note comes first, then further chunks
 * of those notes, so `k` sources name up to `k` notes.
 */
export function rankByNote(
  fused: readonly RetrievedHit[],
  noteHits: readonly NoteHit[],
  notes: Pick<NoteIndex, "fileOf" | "chunksOf">,
  o: RetrievalOptions & NoteRetrievalOptions,
  unseen: UnseenWords,
): RetrievedHit[] {
  const noteEvidence = new Map<
    string,
    { coverage: number; rank: number; title: number; folder: number }
  >();
  noteHits.forEach((h, rank) => {
    noteEvidence.set(h.file, {
      coverage: h.coverage,
      rank,
      title: h.titleMatch ?? 0,
      folder: h.folderMatch ?? 0,
    });
  });
  const byNote = new Map<string, RetrievedHit[]>();
  for (const hit of fused) {
    const file = notes.fileOf(hit.id);
    if (file === undefined) continue;
    const list = byNote.get(file) ?? [];
    list.push(hit);
    byNote.set(file, list);
  }
  for (const file of noteEvidence.keys()) {
    if (byNote.has(file)) continue;
    const first = notes.chunksOf(file)[0];
    if (first === undefined) continue;
    byNote.set(file, [
      { id: first, score: 0, relevant: false, similarity: null, coverage: 0, keywordScore: 0 },
    ]);
  }
  const minTop = Math.max(
    o.minNoteScore,
    unseen.share >= o.unseenShare ? o.unseenMinScore : 0,
    unseen.names.length > 0 ? o.unseenNameMinScore : 0,
  );
  const rrfMax = 1 / (o.rrfK + 1);
  const scored: { file: string; evidence: number; score: number; hits: RetrievedHit[] }[] = [];
  for (const [file, hits] of byNote) {
    const best = hits[0]?.score ?? 0;
    const ev = noteEvidence.get(file);
    const noteScore = ev ? 0.6 * ev.coverage + 0.4 * (1 / (o.rrfK + ev.rank + 1) / rrfMax) : 0;
    const evidence = clamp01((1 - o.noteWeight) * best + o.noteWeight * noteScore);
    const score = clamp01(
      evidence +
        o.titleWeight * (ev?.title ?? 0) +
        o.folderWeight * (ev?.folder ?? 0) +
        ((ev?.title ?? 0) >= EXACT_TITLE_MATCH ? o.exactTitleWeight : 0),
    );
    scored.push({
      file,
      evidence,
      score,
      hits: hits.map((h, i) => {
        // Further chunks of a note rank by their own score, never above the note's.
        const own =
          i === 0
            ? score
            : Math.min(score, (1 - o.noteWeight) * h.score + o.noteWeight * noteScore);
        return {
          ...h,
          score: own,
          relevant: own >= o.minFollowingScore,
          noteCoverage: ev?.coverage ?? 0,
        };
      }),
    });
  }
  scored.sort((a, b) => b.score - a.score || compareIds(a.file, b.file));
  // The none decision weighs the evidence alone: a title or folder match orders notes, it does
  // not make a question answerable (the thresholds were calibrated without them).
  if (Math.max(0, ...scored.map((n) => n.evidence)) < minTop) return [];
  if (!o.distinctNotes) return scored.flatMap((n) => n.hits.filter((h) => h.relevant));
  const firsts: RetrievedHit[] = [];
  const rest: RetrievedHit[] = [];
  for (const note of scored) {
    const [first, ...more] = note.hits;
    if (!first?.relevant) continue;
    firsts.push(first);
    for (const h of more) if (h.relevant) rest.push(h);
  }
  rest.sort((a, b) => b.score - a.score || compareIds(a.id, b.id));
  return [...firsts, ...rest];
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
