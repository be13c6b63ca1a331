/**
 * The offline default embedder: feature hashing of the shared analysis (terms + character
 * n-grams, see tokenize.ts) into a fixed number of dimensions. No model, no network, no
 * randomness: the same text gives the same vector on every run and machine (given the same
 * ICU word segmentation, which Japanese words with kana and long katakana words come from).
 *
 * Each feature lands in bucket `hash mod D` with sign from the hash's top bit (signed hashing
 * keeps inner products unbiased under collisions); its value is `weight × (1 + ln tf)`
 * (sublinear tf, so a repeated word does not drown the rest); the vector is L2-normalized, so
 * cosine similarity is a dot product.
 */
import { Embeddings } from "@langchain/core/embeddings";
import { extractFeatures, hashString } from "./tokenize.js";

export interface LocalEmbeddingsOptions {
  /** Vector size. */
  readonly dimensions?: number;
  /** Weight of one character n-gram relative to one term. */
  readonly ngramWeight?: number;
}

export const DEFAULT_LOCAL_EMBEDDINGS_OPTIONS: Required<LocalEmbeddingsOptions> = {
  // 384: hashing noise in cosine ≈ 1/√D ≈ 0.05, while 100k vectors stay ≈ 150 MB and HNSW
  // inserts stay fast; 256 measurably blurs near-duplicates, 512+ costs memory for little.
  dimensions: 384,
  // Terms carry meaning; n-grams only bridge spelling variants, so they weigh less.
  ngramWeight: 0.35,
};

export interface EmbedderInfo {
  /** Algorithm name and version; a change here means the index must be rebuilt. */
  readonly name: string;
  readonly dimensions: number;
  /** Everything that shapes the vectors, to compare against what built an index. */
  readonly signature: string;
}

/** Features of one text, counted in an open-addressing table reused across calls. */
class FeatureCounter {
  private keys = new Int32Array(1024);
  private counts = new Uint32Array(1024);
  private weights = new Float64Array(1024);
  private order = new Int32Array(512);
  private size = 0;

  readonly add = (hash: number, weight: number): void => {
    if (this.size * 2 >= this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    const key = hash | 0 || 1; // 0 marks an empty slot
    let slot = key & mask;
    for (;;) {
      const k = this.keys[slot];
      if (k === 0) {
        this.keys[slot] = key;
        this.counts[slot] = 1;
        this.weights[slot] = weight;
        this.order[this.size++] = slot;
        return;
      }
      if (k === key) {
        this.counts[slot] = (this.counts[slot] ?? 0) + 1;
        if (weight > (this.weights[slot] ?? 0)) this.weights[slot] = weight;
        return;
      }
      slot = (slot + 1) & mask;
    }
  };

  /** Writes the weighted, normalized vector and resets the table for the next text. */
  drain(dimensions: number): number[] {
    const v = new Float64Array(dimensions);
    for (let i = 0; i < this.size; i++) {
      const slot = this.order[i] ?? 0;
      const key = (this.keys[slot] ?? 0) >>> 0;
      const value = (this.weights[slot] ?? 0) * (1 + Math.log(this.counts[slot] ?? 1));
      const bucket = (key & 0x7fffffff) % dimensions;
      v[bucket] = (v[bucket] ?? 0) + (key >>> 31 === 1 ? -value : value);
      this.keys[slot] = 0;
    }
    this.size = 0;
    let norm = 0;
    for (let i = 0; i < dimensions; i++) norm += (v[i] ?? 0) * (v[i] ?? 0);
    const out = new Array<number>(dimensions);
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < dimensions; i++) out[i] = (v[i] ?? 0) * scale;
    return out;
  }

  private grow(): void {
    const old = { keys: this.keys, counts: this.counts, weights: this.weights };
    const order = this.order.subarray(0, this.size);
    const capacity = this.keys.length * 2;
    this.keys = new Int32Array(capacity);
    this.counts = new Uint32Array(capacity);
    this.weights = new Float64Array(capacity);
    const newOrder = new Int32Array(capacity / 2);
    const mask = capacity - 1;
    for (let i = 0; i < order.length; i++) {
      const from = order[i] ?? 0;
      const key = old.keys[from] ?? 0;
      let slot = key & mask;
      while (this.keys[slot] !== 0) slot = (slot + 1) & mask;
      this.keys[slot] = key;
      this.counts[slot] = old.counts[from] ?? 0;
      this.weights[slot] = old.weights[from] ?? 0;
      newOrder[i] = slot;
    }
    this.order = newOrder;
  }
}

/** Stands in for a text with no features, so its vector is still a unit vector. */
const EMPTY_FEATURE = hashString("\u0000michi:empty");

export class LocalEmbeddings extends Embeddings {
  /** v2: Japanese words from `Intl.Segmenter` (okurigana, hiragana content words). */
  static readonly id = "local-hash-v2";
  readonly info: EmbedderInfo;
  private readonly dimensions: number;
  private readonly ngramWeight: number;
  private readonly counter = new FeatureCounter();

  constructor(options: LocalEmbeddingsOptions = {}) {
    super({});
    const { dimensions, ngramWeight } = { ...DEFAULT_LOCAL_EMBEDDINGS_OPTIONS, ...options };
    if (!Number.isInteger(dimensions) || dimensions < 8) {
      throw new RangeError(`LocalEmbeddings: dimensions must be an integer ≥ 8, got ${dimensions}`);
    }
    this.dimensions = dimensions;
    this.ngramWeight = ngramWeight;
    this.info = {
      name: LocalEmbeddings.id,
      dimensions,
      // Japanese words come from ICU's dictionary: a Node with another ICU may split them
      // differently, so its query vectors would not match the stored ones.
      signature: `${LocalEmbeddings.id};d=${dimensions};ngram=${ngramWeight};icu=${process.versions.icu}`,
    };
  }

  embedDocuments(documents: string[]): Promise<number[][]> {
    return Promise.resolve(documents.map((d) => this.embedSync(d, false)));
  }

  embedQuery(document: string): Promise<number[]> {
    return Promise.resolve(this.embedSync(document, true));
  }

  /**
   * The vector of one text, synchronously (ingest calls this in a tight loop). A query adds
   * glossary translations at reduced weight; a document is embedded as written.
   */
  embedSync(text: string, query = false): number[] {
    const counter = this.counter;
    extractFeatures(text, counter.add, { ngramWeight: this.ngramWeight, query });
    const vector = counter.drain(this.dimensions);
    if (vector.some((x) => x !== 0)) return vector;
    counter.add(EMPTY_FEATURE, 1);
    return counter.drain(this.dimensions);
  }
}
