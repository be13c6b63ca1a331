/**
 * An in-memory BM25 keyword index over `{ id, text }` documents, analyzed with the same
 * Japanese/English analysis as the embedder. Built for incremental ingest (add / replace /
 * remove by id) and for 100k short documents: postings are packed integers, removal leaves
 * tombstones that are compacted once they pile up, and a query touches only the postings of
 * its own terms.
 */

import { analyze, analyzeQuery, type QueryOptions, type QueryTerm } from "../index/tokenize.js";
import { Abbreviations } from "./abbreviations.js";
import { nameTerms } from "./names.js";
import { isSigilTerm, sigilTerms } from "./symbols.js";

export interface KeywordDoc {
  readonly id: string;
  readonly text: string;
}

export interface KeywordHit {
  readonly id: string;
  /** BM25 divided by the most any document could score for this query: in [0, 1]. */
  readonly score: number;
  /**
   * IDF-weighted share of the query's concepts found in the document, in [0, 1]. A query
   * term no document contains counts with the highest IDF, so a question about something
   * absent from the notes has low coverage everywhere.
   */
  readonly coverage: number;
}

export interface DocCoverage {
  readonly id: string;
  /** As KeywordHit.coverage. */
  readonly coverage: number;
}

/**
 * How specific a word is (its IDF). The note-level index takes it from the chunk index: with
 * one document per note, a vault of one note gives every word it contains the same minimal
 * IDF and every other word the maximal one, so coverage would count nothing but the words the
 * notes lack. Chunks are the larger sample of the same texts.
 */
export interface ConceptWeights {
  /** IDF of a word (`unseenIdf()` for a word never seen). */
  termIdf(term: string): number;
  /** IDF of a word no document contains: the highest. */
  unseenIdf(): number;
}

/** The words of a query no document contains (KeywordIndex.unseen). */
export interface UnseenWords {
  readonly share: number;
  readonly names: readonly string[];
}

export interface KeywordIndexOptions {
  /** BM25 term-frequency saturation. */
  readonly k1?: number;
  /** BM25 length normalization (0 = none, 1 = full). */
  readonly b?: number;
  /** Share of the unseen-term IDF that an unseen everyday (non-name) word counts with. */
  readonly unseenEverydayWeight?: number;
  /** Where concept weights come from (default: this index's own document frequencies). */
  readonly conceptWeights?: ConceptWeights | null;
  /**
   * The abbreviations a query's words may stand for (ask/abbreviations.ts). Default: learned
   * from this index's own documents; given, they are another index's (the chunk index's,
   * shared by the note-level indexes over the same texts) and this index only reads them.
   */
  readonly abbreviations?: Abbreviations;
}

export const DEFAULT_KEYWORD_OPTIONS: Required<
  Omit<KeywordIndexOptions, "conceptWeights" | "abbreviations">
> = {
  k1: 1.2,
  // Notes items are short and similar in length; strong length normalization lets the item
  // *about* a word beat the longer item that merely lists it.
  b: 0.75,
  // Half: a question's own phrasing should not outweigh the topic words it shares with a note.
  unseenEverydayWeight: 0.5,
};

/** Below this share of documents with Japanese words, the notes count as written without it. */
const JAPANESE_VAULT_SHARE = 0.01;

/** A term written in kana or kanji (the analyzer emits whole runs of one script). */
function isJapaneseTerm(term: string): boolean {
  const c = term.charCodeAt(0);
  return c >= 0x3040 && c <= 0x9fff;
}

/** A posting packs the document number and its term frequency into one small integer. */
const TF_BITS = 6;
const TF_MAX = (1 << TF_BITS) - 1;

interface SearchBuffers {
  score: Float64Array;
  coverage: Float64Array;
  groupBest: Float64Array;
  groupSeen: Float64Array;
  touched: Int32Array;
}

export class KeywordIndex {
  private readonly k1: number;
  private readonly b: number;
  private readonly unseenEverydayWeight: number;
  private readonly conceptWeights: ConceptWeights;
  private readonly termIds = new Map<string, number>();
  private postings: number[][] = [];
  private df: number[] = [];
  private readonly docNumOf = new Map<string, number>();
  private docIds: (string | null)[] = [];
  private docLen: number[] = [];
  /**
   * Each live document's terms as (term id, count) pairs: to decrement df on removal, and for
   * a composite document to reuse the analysis (addComposite).
   */
  private docTerms: (Int32Array | null)[] = [];
  /** Term id → term. */
  private readonly terms: string[] = [];
  /** Whether each document has Japanese words, and how many live ones do. */
  private docJapanese: boolean[] = [];
  private japaneseDocs = 0;
  private totalLen = 0;
  private dead = 0;
  private buffers: SearchBuffers | undefined;
  /** coverageOf's term → query slot table, reused across queries. */
  private slotOfTerm = new Int32Array(0);
  /** Abbreviation ↔ expansion pairs of the indexed texts, for queries. */
  readonly abbreviations: Abbreviations;
  /** Whether this index's documents are what `abbreviations` learns from. */
  private readonly learnsAbbreviations: boolean;

  constructor(options: KeywordIndexOptions = {}) {
    const { k1, b, unseenEverydayWeight } = { ...DEFAULT_KEYWORD_OPTIONS, ...options };
    this.k1 = k1;
    this.b = b;
    this.unseenEverydayWeight = unseenEverydayWeight;
    this.conceptWeights = options.conceptWeights ?? this;
    this.learnsAbbreviations = options.abbreviations === undefined;
    this.abbreviations =
      options.abbreviations ??
      new Abbreviations((term) => this.df[this.termIds.get(term) ?? -1] ?? 0);
  }

  /** Number of live documents. */
  get size(): number {
    return this.docNumOf.size;
  }

  /** Adds a document, replacing any document with the same id. */
  add(doc: KeywordDoc): void {
    this.insert(doc.id, countTerms(doc.text));
    if (this.learnsAbbreviations) this.abbreviations.add(doc.id, doc.text);
  }

  /**
   * Adds a document made of `text` and of documents `from` holds (by id), as if their texts
   * were joined to it by line breaks: their analysis is reused, not done again (a note's
   * document from its chunks'). A part `from` does not hold is left out.
   */
  addComposite(id: string, text: string, parts: Iterable<string>, from: KeywordIndex): void {
    const counts = countTerms(text);
    for (const part of parts) from.addCountsOf(part, counts);
    this.insert(id, counts);
  }

  /** Whether a document with this id is in the index. */
  has(id: string): boolean {
    return this.docNumOf.has(id);
  }

  /** Adds document `id`'s term counts, length and script to `into`. */
  private addCountsOf(id: string, into: TermCounts): void {
    const num = this.docNumOf.get(id);
    if (num === undefined) return;
    const pairs = this.docTerms[num] ?? new Int32Array(0);
    for (let i = 0; i < pairs.length; i += 2) {
      const term = this.terms[pairs[i] ?? 0] ?? "";
      into.counts.set(term, (into.counts.get(term) ?? 0) + (pairs[i + 1] ?? 0));
    }
    into.length += this.docLen[num] ?? 0;
    into.japanese ||= this.docJapanese[num] ?? false;
  }

  private insert(id: string, { counts, length, japanese }: TermCounts): void {
    this.remove(id);
    const num = this.docIds.length;
    const pairs = new Int32Array(counts.size * 2);
    let i = 0;
    for (const [term, count] of counts) {
      let tid = this.termIds.get(term);
      if (tid === undefined) {
        tid = this.postings.length;
        this.termIds.set(term, tid);
        this.terms.push(term);
        this.postings.push([]);
        this.df.push(0);
      }
      this.postings[tid]?.push(num * (TF_MAX + 1) + Math.min(count, TF_MAX));
      this.df[tid] = (this.df[tid] ?? 0) + 1;
      pairs[i++] = tid;
      pairs[i++] = count;
    }
    if (japanese) this.japaneseDocs++;
    this.docJapanese.push(japanese);
    this.docIds.push(id);
    this.docLen.push(length);
    this.docTerms.push(pairs);
    this.docNumOf.set(id, num);
    this.totalLen += length;
  }

  addAll(docs: Iterable<KeywordDoc>): void {
    for (const doc of docs) this.add(doc);
  }

  /** Removes a document; returns false when no document has that id. */
  remove(id: string): boolean {
    const num = this.docNumOf.get(id);
    if (num === undefined) return false;
    if (this.learnsAbbreviations) this.abbreviations.remove(id);
    this.docNumOf.delete(id);
    const pairs = this.docTerms[num] ?? new Int32Array(0);
    for (let i = 0; i < pairs.length; i += 2) {
      const tid = pairs[i] ?? 0;
      this.df[tid] = (this.df[tid] ?? 1) - 1;
    }
    this.totalLen -= this.docLen[num] ?? 0;
    if (this.docJapanese[num]) this.japaneseDocs--;
    this.docIds[num] = null;
    this.docTerms[num] = null;
    this.dead++;
    if (this.dead > 1000 && this.dead > this.docNumOf.size / 4) this.compact();
    return true;
  }

  /**
   * The k best documents for a query, best first (ties by id, so results are stable).
   * Only documents sharing at least one term with the query are returned.
   */
  search(query: string, k = 10, options: QueryOptions = {}): KeywordHit[] {
    const n = this.docNumOf.size;
    if (n === 0 || k <= 0) return [];
    const qterms = this.queryTerms(query, options);
    if (qterms.length === 0) return [];
    const avgLen = this.totalLen / n || 1;
    const buf = this.searchBuffers();
    const { score, coverage, groupBest, groupSeen, touched } = buf;
    let touchedCount = 0;

    const { groups, totalIdf } = this.concepts(qterms, n);
    if (totalIdf <= 0) return [];

    for (const g of groups.values()) {
      if (g.members.length === 0) continue;
      // Per group, a document keeps its best member's contribution (no double counting of a
      // word and its translation); `groupSeen` holds the member weight that matched.
      const groupTouched: number[] = [];
      for (const { tid, w } of g.members) {
        const idf = this.idf(this.df[tid] ?? 0, n);
        for (const posting of this.postings[tid] ?? []) {
          const num = Math.floor(posting / (TF_MAX + 1));
          if (this.docIds[num] === null) continue;
          const tf = posting % (TF_MAX + 1);
          const len = this.docLen[num] ?? 0;
          const part =
            (w * idf * (tf * (this.k1 + 1))) /
            (tf + this.k1 * (1 - this.b + (this.b * len) / avgLen));
          if ((groupSeen[num] ?? 0) === 0) groupTouched.push(num);
          if (part > (groupBest[num] ?? 0)) groupBest[num] = part;
          if (w > (groupSeen[num] ?? 0)) groupSeen[num] = w;
        }
      }
      for (const num of groupTouched) {
        if ((score[num] ?? 0) === 0 && (coverage[num] ?? 0) === 0) touched[touchedCount++] = num;
        score[num] = (score[num] ?? 0) + (groupBest[num] ?? 0);
        coverage[num] = (coverage[num] ?? 0) + g.idf * (groupSeen[num] ?? 0);
        groupBest[num] = 0;
        groupSeen[num] = 0;
      }
    }

    const maxScore = totalIdf * (this.k1 + 1);
    const top = selectTop(touched, touchedCount, score, k, (num) => this.docIds[num] ?? "");
    const hits = top.map((num) => ({
      id: this.docIds[num] ?? "",
      score: Math.min(1, (score[num] ?? 0) / maxScore),
      coverage: Math.min(1, (coverage[num] ?? 0) / totalIdf),
    }));
    for (let i = 0; i < touchedCount; i++) {
      const num = touched[i] ?? 0;
      score[num] = 0;
      coverage[num] = 0;
    }
    return hits;
  }

  /**
   * The coverage `search` would give these documents, whatever their rank (documents absent
   * from the index or sharing no concept are left out). Read from each document's own term
   * list, not the postings: cheap for the hundreds of items of a few notes, even at 100k.
   */
  coverageOf(query: string, ids: readonly string[], options: QueryOptions = {}): DocCoverage[] {
    const n = this.docNumOf.size;
    if (n === 0 || ids.length === 0) return [];
    const qterms = this.queryTerms(query, options);
    if (qterms.length === 0) return [];
    const { groups, totalIdf } = this.concepts(qterms, n);
    if (totalIdf <= 0) return [];
    // Query terms by term id in flat arrays; a term in several concepts (an abbreviation
    // standing for each word of its expansion) chains its slots through `nextSlot`.
    const tids: number[] = [];
    if (this.slotOfTerm.length < this.postings.length) {
      this.slotOfTerm = new Int32Array(Math.max(1024, this.postings.length * 2));
    }
    const slot = this.slotOfTerm; // slot + 1 of each query term's first slot, 0 elsewhere
    const nextSlot: number[] = [];
    const weight: number[] = [];
    const groupOf: number[] = [];
    const groupIdf: number[] = [];
    for (const g of groups.values()) {
      const group = groupIdf.length;
      groupIdf.push(g.idf);
      for (const { tid, w } of g.members) {
        nextSlot.push((slot[tid] ?? 0) - 1);
        tids.push(tid);
        slot[tid] = tids.length;
        weight.push(w);
        groupOf.push(group);
      }
    }
    const seen = new Float64Array(groupIdf.length);
    const out: DocCoverage[] = [];
    for (const id of ids) {
      const num = this.docNumOf.get(id);
      const terms = num === undefined ? null : this.docTerms[num];
      if (!terms) continue;
      seen.fill(0);
      let coverage = 0;
      for (let i = 0; i < terms.length; i += 2) {
        for (let at = (slot[terms[i] ?? 0] ?? 0) - 1; at >= 0; at = nextSlot[at] ?? -1) {
          const group = groupOf[at] ?? 0;
          const w = weight[at] ?? 0;
          const had = seen[group] ?? 0;
          if (w <= had) continue;
          coverage += (groupIdf[group] ?? 0) * (w - had);
          seen[group] = w;
        }
      }
      if (coverage > 0) out.push({ id, coverage: Math.min(1, coverage / totalIdf) });
    }
    for (const tid of tids) slot[tid] = 0;
    return out;
  }

  /**
   * What of the query no document contains, for the none decision (one pass over its concepts):
   * - `share`: the share of its IDF weight on concepts no document contains; near 1, the
   *   question is about something the index never mentions (1 for an empty query);
   * - `names`: the names among them (ask/names.ts: `Kafka`, `WordPress`, `Arduinoで…`) of
   *   which no document has any part either. A question naming something the notes never
   *   mention is about something else, however well its other words match.
   */
  unseen(query: string, options: QueryOptions = {}): UnseenWords {
    const n = this.docNumOf.size;
    if (n === 0) return { share: 1, names: [] };
    const { groups, totalIdf } = this.concepts(this.queryTerms(query, options), n);
    const candidates = nameTerms(query);
    let unseen = 0;
    const names: string[] = [];
    for (const g of groups.values()) {
      if (g.seen) continue;
      unseen += g.idf;
      const name = g.written;
      if (g.members.length === 0 && name !== undefined && candidates.has(name)) names.push(name);
    }
    return { share: totalIdf > 0 ? unseen / totalIdf : 1, names };
  }

  /**
   * The question's analyzed terms (tokenize.ts analyzeQuery), its sigils as concepts of their
   * own, and the abbreviations and expansions the indexed texts pair with its words.
   */
  queryTerms(query: string, options: QueryOptions = {}): readonly QueryTerm[] {
    return this.abbreviations.expand(query, `${options.expand ?? true}\u0000${query}`, () =>
      queryTerms(query, options),
    );
  }

  termIdf(term: string): number {
    const tid = this.termIds.get(term);
    return this.idf(tid === undefined ? 0 : (this.df[tid] ?? 0), this.docNumOf.size);
  }

  unseenIdf(): number {
    return this.idf(0, this.docNumOf.size);
  }

  /**
   * Concepts: terms of one group are alternatives (a word, its compound parts, its
   * translations). A concept is as common as its most common whole form (`container` is rare
   * in Japanese notes, but コンテナ is everywhere); parts do not set the weight (`set` must
   * not make `ReplicaSet` cheap). A concept never seen weighs the most when it looks like a
   * name (Istio, PersistentVolumeClaim, ガベージコレクタ), less when it is everyday wording
   * (`exist`, a lone kanji), which Japanese notes never contain in English anyway.
   */
  private concepts(qterms: readonly QueryTerm[], n: number) {
    // Unseen here means seen in no document of this index, weighed as the rarest word.
    const weights = this.conceptWeights;
    const idfUnseen = weights.unseenIdf();
    const groups = new Map<
      number,
      {
        idf: number;
        seen: boolean;
        specific: boolean;
        japanese: boolean;
        sigil?: boolean;
        /** The word as the question wrote it (analyzed). */
        written?: string;
        members: { tid: number; w: number }[];
      }
    >();
    for (const q of qterms) {
      const tid = this.termIds.get(q.term);
      const df = tid === undefined ? 0 : (this.df[tid] ?? 0);
      const group = groups.get(q.group) ?? {
        idf: idfUnseen,
        seen: false,
        specific: false,
        japanese: true,
        members: [],
      };
      if (q.kind === "written" && q.specific) group.specific = true;
      if (q.kind === "written") group.written ??= q.term;
      if (!isJapaneseTerm(q.term)) group.japanese = false;
      if (isSigilTerm(q.term)) group.sigil = true;
      if (df > 0 && tid !== undefined) {
        if (q.kind !== "piece") {
          group.idf = Math.min(group.idf, weights.termIdf(q.term));
          group.seen = true;
        }
        group.members.push({ tid, w: q.weight });
      }
      groups.set(q.group, group);
    }
    // Notes (almost) without Japanese cannot contain a Japanese word the glossary does not
    // translate: such a word says nothing about whether the notes answer the question.
    const japaneseless = this.japaneseDocs < n * JAPANESE_VAULT_SHARE;
    let totalIdf = 0;
    for (const g of groups.values()) {
      if (!g.seen && g.japanese && japaneseless) g.idf = 0;
      // A sigil no note has says nothing about the topic (`=>` in a question about JavaScript).
      if (!g.seen && g.sigil) g.idf = 0;
      if (!g.seen && !g.specific) g.idf *= this.unseenEverydayWeight;
      totalIdf += g.idf;
    }
    return { groups, totalIdf };
  }

  /** BM25 IDF (the `+1` form, never negative). */
  private idf(df: number, n: number): number {
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  private searchBuffers(): SearchBuffers {
    const capacity = this.docIds.length;
    if (!this.buffers || this.buffers.score.length < capacity) {
      const size = Math.max(1024, capacity * 2);
      this.buffers = {
        score: new Float64Array(size),
        coverage: new Float64Array(size),
        groupBest: new Float64Array(size),
        groupSeen: new Float64Array(size),
        touched: new Int32Array(size),
      };
    }
    return this.buffers;
  }

  /** Renumbers live documents and drops tombstoned postings. */
  private compact(): void {
    const renumber = new Int32Array(this.docIds.length).fill(-1);
    const docIds: string[] = [];
    const docLen: number[] = [];
    const docTerms: Int32Array[] = [];
    const docJapanese: boolean[] = [];
    this.docIds.forEach((id, num) => {
      if (id === null) return;
      renumber[num] = docIds.length;
      this.docNumOf.set(id, docIds.length);
      docIds.push(id);
      docLen.push(this.docLen[num] ?? 0);
      docTerms.push(this.docTerms[num] ?? new Int32Array(0));
      docJapanese.push(this.docJapanese[num] ?? false);
    });
    this.postings = this.postings.map((list) => {
      const kept: number[] = [];
      for (const posting of list) {
        const to = renumber[Math.floor(posting / (TF_MAX + 1))] ?? -1;
        if (to >= 0) kept.push(to * (TF_MAX + 1) + (posting % (TF_MAX + 1)));
      }
      return kept;
    });
    this.docIds = docIds;
    this.docLen = docLen;
    this.docTerms = docTerms;
    this.docJapanese = docJapanese;
    this.dead = 0;
  }
}

/** A text's terms with their counts, its length in words and whether it has Japanese words. */
interface TermCounts {
  readonly counts: Map<string, number>;
  length: number;
  japanese: boolean;
}

function countTerms(text: string): TermCounts {
  const words = analyze(text);
  const counts = new Map<string, number>();
  // Sigils are searchable but do not lengthen the document (its words set its length).
  for (const term of [...words, ...sigilTerms(text)]) counts.set(term, (counts.get(term) ?? 0) + 1);
  return { counts, length: words.length, japanese: words.some(isJapaneseTerm) };
}

/** The question's analyzed terms, and its sigils (`!$`, `$?`) as concepts of their own. */
function queryTerms(query: string, options: QueryOptions): readonly QueryTerm[] {
  const terms = analyzeQuery(query, options);
  const sigils = sigilTerms(query);
  if (sigils.length === 0) return terms;
  let group = Math.max(-1, ...terms.map((t) => t.group));
  const seen = new Set<string>();
  const out = [...terms];
  for (const term of sigils) {
    if (seen.has(term)) continue;
    seen.add(term);
    out.push({ term, group: ++group, kind: "written", weight: 1, specific: true });
  }
  return out;
}

/** Indices of the k highest scores among the touched documents (ties: smaller id first). */
function selectTop(
  touched: Int32Array,
  count: number,
  score: Float64Array,
  k: number,
  idOf: (num: number) => string,
): number[] {
  const better = (a: number, b: number): boolean => {
    const sa = score[a] ?? 0;
    const sb = score[b] ?? 0;
    return sa !== sb ? sa > sb : idOf(a) < idOf(b);
  };
  // A small sorted buffer beats a heap for the k ≤ 50 that retrieval asks for.
  const best: number[] = [];
  for (let i = 0; i < count; i++) {
    const num = touched[i] ?? 0;
    if (best.length === k) {
      const last = best[k - 1];
      if (last === undefined || !better(num, last)) continue;
      best.pop();
    }
    let at = best.length;
    while (at > 0 && better(num, best[at - 1] ?? 0)) at--;
    best.splice(at, 0, num);
  }
  return best;
}
