/**
 * Text analysis shared by the local embedder and the keyword index, for Japanese and English.
 *
 * Text is NFKC-normalized (full-width Latin and half-width katakana fold to their usual forms),
 * then read as runs of one script:
 * - Latin/digit words are lowercased, lightly stemmed (plural `-s`), and compound words are
 *   split too: `ReplicaSet` → `replicaset`, `replica`, `set`; `containerd-shim` →
 *   `containerd`, `shim`, `containerdshim`. `k8s` stays whole (no letter/digit split).
 * - Kanji runs are terms as a whole plus their character bigrams (Japanese has no spaces and
 *   compounds are written both joined and apart: 高可用構成 vs 高可用な構成).
 * - Katakana runs are terms as a whole (a trailing ー dropped: サーバー = サーバ) plus the
 *   words `Intl.Segmenter` finds inside long ones (サービスメッシュ → サービス, メッシュ).
 * - Where kana meet kanji, the words `Intl.Segmenter` ("ja", ICU's dictionary) finds: words
 *   with okurigana beside their kanji stem (渡す and 渡, 仕組み and 仕組), hiragana content
 *   words (ずれる, まとめる), a final る/い dropped so inflections meet (まとめる/まとめたい →
 *   まとめ). Particles, auxiliaries and hiragana words under three characters are dropped.
 * Stopwords remove English function words and Japanese function words (stopwords-data/ja.json:
 * 何, 事, について, できる, それぞれ …).
 */
import { stemmer as porter } from "stemmer";
import { GLOSSARY } from "./glossary.js";
import japaneseStopwords from "./stopwords-data/ja.json" with { type: "json" };

/** Weight of a term added by glossary expansion, relative to a term the user wrote. */
export const EXPANSION_WEIGHT = 0.8;

const ENGLISH_STOPWORDS: ReadonlySet<string> = new Set(
  (
    "a about above after again against all am an and any are aren as at be because been " +
    "before being below between both but by can cannot could did didn do does doesn doing " +
    "don down during each either else ever few for from further get gets got had has have " +
    "having he her here hers herself him himself his how however i if in into is isn it its " +
    "itself just let me more most much must my myself need no nor not now of off on once " +
    "one only or other our ours ourselves out over own please same shall she should so some " +
    "such tell than that the their theirs them themselves then there these they this those " +
    "through to too under until up upon us very via was wasn way we were weren what when " +
    "where whether which while who whom whose why will with within without would yes yet " +
    "you your yours yourself yourselves thing things anything something really also like " +
    "explain mean means meant know"
  ).split(" "),
);

/** Whether a lowercase English word is a function word the analysis drops (`of`, `the`). */
export function isEnglishStopword(word: string): boolean {
  return ENGLISH_STOPWORDS.has(word);
}

/**
 * Japanese function words (stopwords-data/ja.json, data): kanji and katakana words, inflected
 * light verbs, and hiragana particles, auxiliaries and adverbs of three characters or more
 * (shorter hiragana words are dropped by rule: they are almost all grammar).
 */
const JAPANESE_STOPWORDS: ReadonlySet<string> = new Set([
  ...japaneseStopwords.kanji,
  ...japaneseStopwords.inflected,
  ...japaneseStopwords.hiragana,
]);

/** Character classes; plain numbers keep the hot loop free of allocations. */
const Script = { Other: 0, Latin: 1, Kanji: 2, Katakana: 3, Hiragana: 4 } as const;
type Script = (typeof Script)[keyof typeof Script];

function scriptOf(c: number): Script {
  if (c < 0x80) {
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) {
      return Script.Latin;
    }
    return Script.Other;
  }
  if (c >= 0xc0 && c <= 0x24f) return c === 0xd7 || c === 0xf7 ? Script.Other : Script.Latin;
  if (c >= 0x3041 && c <= 0x309f) return Script.Hiragana;
  if ((c >= 0x30a1 && c <= 0x30fa) || c === 0x30fc || c === 0x30fd || c === 0x30fe) {
    return Script.Katakana;
  }
  if (
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    c === 0x3005 ||
    c === 0x3006
  ) {
    return Script.Kanji;
  }
  return Script.Other;
}

/** NFKC, so that ＲｅｐｌｉｃａＳｅｔ, ｺﾝﾃﾅ and ReplicaSet, コンテナ analyze alike. */
export function normalizeText(text: string): string {
  return text.normalize("NFKC");
}

/**
 * English stemming (Porter, the `stemmer` package), applied to query and notes alike:
 * `extracting`, `extracted`, `extracts` → `extract`. Words with digits and short words stay.
 */
export function stemWord(word: string): string {
  const n = word.length;
  if (n >= 3 && /^[a-z]+$/.test(word)) return porterCached(word);
  if (n < 4 || /\d/.test(word)) return word;
  if (word.endsWith("ies") && n > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith("sses")) return word.slice(0, -2);
  if (/(?:x|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith("s") && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** Words recur constantly and Porter is regex work: each word is stemmed once. */
const stemCache = new Map<string, string>();
const STEM_CACHE_LIMIT = 100_000;

function porterCached(word: string): string {
  let stem = stemCache.get(word);
  if (stem === undefined) {
    stem = porter(word);
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(word, stem);
  }
  return stem;
}

/** Splits camelCase / PascalCase / ACRONYMWord; never splits between letters and digits. */
function splitCamel(word: string): string[] {
  if (!/[a-z][A-Z]|[A-Z][A-Z][a-z]/.test(word)) return [word];
  return word.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+[a-z]*|[^\sA-Za-z\d]+/g) ?? [word];
}

/**
 * Receives one unit of meaning: its lead term (the word as written, or null when that is a
 * stopword), the pieces it breaks into (camelCase parts, compound parts, katakana words),
 * whether it looks like a name (see QueryTerm.specific), and the term of an earlier unit it is
 * another form of (`仕組み` of the kanji run `仕組`): a query counts the two as one concept.
 */
type UnitSink = (
  lead: string | null,
  pieces: readonly string[],
  specific: boolean,
  sameAs?: string,
) => void;

/** Emits one Latin compound (`containerd-shim`, `ReplicaSet`, `pivot_root`) as one unit. */
function emitLatin(compound: string, sink: UnitSink): void {
  const parts = compound.split(/[-_.]+/).filter((p) => p.length > 0);
  const pieces: string[] = [];
  const keep = (word: string): void => {
    if (word.length >= 2 && !ENGLISH_STOPWORDS.has(word)) pieces.push(stemWord(word));
  };
  for (const part of parts) {
    keep(part.toLowerCase());
    const camel = splitCamel(part);
    if (camel.length > 1) for (const piece of camel) keep(piece.toLowerCase());
  }
  // Capitals, digits or joiners mark names (`Istio`, `k8s`, `containerd-shim`); a plain
  // lowercase word is more likely everyday vocabulary (`used`, `exist`).
  const specific = parts.length > 1 || /[A-Z0-9\u00c0-\u00de]/.test(compound);
  if (parts.length === 1 && pieces.length > 0 && pieces[0] === stemWord(compound.toLowerCase())) {
    // `ReplicaSet`: the word itself leads, its camelCase parts follow.
    const [lead, ...rest] = pieces;
    sink(lead ?? null, rest, specific);
  } else if (parts.length > 1) {
    const whole = stemWord(parts.join("").toLowerCase());
    sink(whole.length >= 2 ? whole : null, pieces, specific);
  } else {
    sink(null, pieces, specific);
  }
}

const segmenter = new Intl.Segmenter("ja", { granularity: "word" });

/**
 * Segmenting time grows with the square of an unbroken run's length (64k characters of kana
 * take half a second, 600k minutes), so a long run is segmented in windows: a word cut at a
 * window's edge is the price of a text that never pauses.
 */
const SEGMENT_WINDOW = 256;

function* segmentWords(text: string): Generator<{ segment: string; index: number }> {
  for (let start = 0; start < text.length; start += SEGMENT_WINDOW) {
    const window = text.length <= SEGMENT_WINDOW ? text : text.slice(start, start + SEGMENT_WINDOW);
    for (const { segment, index } of segmenter.segment(window)) {
      yield { segment, index: start + index };
    }
  }
}

/** Entries per segmentation cache; a full cache starts over. */
const CACHE_LIMIT = 50_000;
/** Longer runs rarely recur, and a long key would pin a whole paragraph in memory. */
const CACHE_KEY_MAX = 64;

/** Segmenting is the costly step of the analysis: words and phrases recur, so each is done once. */
function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (key.length > CACHE_KEY_MAX) return value;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

const katakanaCache = new Map<string, readonly string[]>();

function trimLongVowel(word: string): string {
  return word.length >= 4 && word.endsWith("ー") ? word.slice(0, -1) : word;
}

function katakanaPieces(run: string): readonly string[] {
  const cached = katakanaCache.get(run);
  if (cached) return cached;
  const pieces: string[] = [];
  for (const s of segmentWords(run)) {
    const piece = trimLongVowel(s.segment);
    if (piece.length >= 3 && piece !== run) pieces.push(piece);
  }
  return remember(katakanaCache, run, pieces);
}

/**
 * A kanji run and its character bigrams (they stand for its words). A compound is specific; a
 * lone kanji (mostly a verb stem: 使う → 使) and a bigram are not. In a run of three kanji or
 * more, the bigrams that lie within one of the words `Intl.Segmenter` finds (名前解決 → 名前,
 * 解決) are concepts of their own; a bigram straddling two words (前解) is only a piece of the
 * whole run, so it matches but does not add a concept to the question.
 */
function emitKanji(run: string, sink: UnitSink): void {
  const stop = JAPANESE_STOPWORDS.has(run);
  if (run.length < 3) {
    if (!stop) sink(run, [], run.length >= 2);
    return;
  }
  const { words, straddling } = kanjiWords(run);
  sink(stop ? null : run, straddling, true);
  for (const word of words) sink(word, [], word.length >= 3);
}

interface KanjiWords {
  /** Bigrams within one word, and words of three kanji or more, in text order. */
  readonly words: readonly string[];
  readonly straddling: readonly string[];
}

const kanjiCache = new Map<string, KanjiWords>();

function kanjiWords(run: string): KanjiWords {
  const cached = kanjiCache.get(run);
  if (cached) return cached;
  // wordOf[i]: index of the segment that holds character i.
  const wordOf = new Int32Array(run.length);
  const words: string[] = [];
  const straddling: string[] = [];
  let w = 0;
  for (const { segment, index } of segmentWords(run)) {
    wordOf.fill(w++, index, index + segment.length);
    if (segment.length >= 3 && segment.length < run.length) words.push(segment);
  }
  for (let i = 0; i + 1 < run.length; i++) {
    const bigram = run.slice(i, i + 2);
    (wordOf[i] === wordOf[i + 1] ? words : straddling).push(bigram);
  }
  return remember(kanjiCache, run, { words, straddling });
}

function emitKatakana(raw: string, sink: UnitSink): void {
  const run = trimLongVowel(raw);
  if (run.length < 2 || JAPANESE_STOPWORDS.has(run)) return;
  sink(run, run.length >= 5 ? katakanaPieces(run) : [], true);
}

function analyzeUnits(text: string, sink: UnitSink): void {
  walkRuns(
    normalizeText(text),
    (compound) => emitLatin(compound, sink),
    (span) => emitJapanese(span, sink),
  );
}

/**
 * A run of Japanese text (kanji, katakana and hiragana, no spaces): its kanji and katakana
 * runs as above, then the words `Intl.Segmenter` finds where kana meet kanji, which the script
 * runs alone cannot see: a word with okurigana (`消える`, `仕組み`, `細かい`) as another form of
 * its kanji stem, and hiragana content words (`ずれる`, `まとめる`).
 */
function emitJapanese(span: string, sink: UnitSink): void {
  const n = span.length;
  let hasHiragana = false;
  let i = 0;
  while (i < n) {
    const script = scriptOf(span.charCodeAt(i));
    let j = i + 1;
    while (j < n && scriptOf(span.charCodeAt(j)) === script) j++;
    if (script === Script.Kanji) emitKanji(span.slice(i, j), sink);
    else if (script === Script.Katakana) emitKatakana(span.slice(i, j), sink);
    else hasHiragana = true;
    i = j;
  }
  if (hasHiragana) for (const word of kanaWords(span)) sink(word.term, [], false, word.sameAs);
}

interface KanaWord {
  readonly term: string;
  /** The kanji stem this word is a form of (`仕組` for `仕組み`), when it is one. */
  readonly sameAs?: string;
}

const kanaCache = new Map<string, readonly KanaWord[]>();

/** A particle that can end a segment after kanji (`時に`, `別に`): an adverb, not a new word. */
const PARTICLE_TAILS = "にでがをはのともへや";

function kanaWords(span: string): readonly KanaWord[] {
  const cached = kanaCache.get(span);
  if (cached) return cached;
  const words: KanaWord[] = [];
  for (const { segment: w, index } of segmentWords(span)) {
    const first = scriptOf(w.charCodeAt(0));
    if (first === Script.Kanji) {
      // Kanji then kana (`仕組み`, `真ん中`): a word with okurigana, unless its stem is a
      // function word or the kana are a particle the segmenter kept attached (`時に`).
      let k = 1;
      while (k < w.length && scriptOf(w.charCodeAt(k)) === Script.Kanji) k++;
      if (k === w.length || w.includes("\u30fc") || /[\u30a1-\u30fa]/.test(w)) continue;
      const stem = w.slice(0, k);
      const tail = w.slice(k);
      if (tail.length === 1 && PARTICLE_TAILS.includes(tail)) continue;
      if (JAPANESE_STOPWORDS.has(stem) || JAPANESE_STOPWORDS.has(w)) continue;
      const term = baseOf(w);
      if (term !== stem) words.push({ term, sameAs: stem });
    } else if (first === Script.Hiragana && w.length >= 3 && /^[\u3041-\u309f]+$/.test(w)) {
      // A hiragana word right after kanji or katakana is mostly an inflection or a light verb
      // the segmenter split off (`小さくする` → `さくする`, `クリックしたら` → `したら`).
      const before = index > 0 ? scriptOf(span.charCodeAt(index - 1)) : Script.Other;
      if (before === Script.Kanji || before === Script.Katakana) continue;
      if (!JAPANESE_STOPWORDS.has(w)) words.push({ term: baseOf(w) });
    }
  }
  return remember(kanaCache, span, words);
}

/**
 * One form for the inflections the segmenter yields: a final `る` or `い` (the dictionary form
 * of ichidan verbs and adjectives) is dropped, so `まとめる` and `まとめたい` → `まとめ`,
 * `消える` and `消えて` → `消え`, `細かい` → `細か`.
 */
function baseOf(word: string): string {
  const last = word.at(-1);
  return (last === "る" || last === "い") && word.length >= 3 ? word.slice(0, -1) : word;
}

/**
 * Walks the normalized text, calling `onLatin` for each Latin compound and `onJapanese` for
 * each run of kanji, katakana and hiragana. One pass, no regex over the whole text.
 */
function walkRuns(
  text: string,
  onLatin: (compound: string) => void,
  onJapanese: (span: string) => void,
): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const script = scriptOf(text.charCodeAt(i));
    if (script === Script.Latin) {
      let j = i + 1;
      for (;;) {
        while (j < n && scriptOf(text.charCodeAt(j)) === Script.Latin) j++;
        // A joiner between two Latin characters continues the compound.
        const c = text.charCodeAt(j);
        const joiner = c === 0x2d || c === 0x5f || c === 0x2e;
        if (joiner && j + 1 < n && scriptOf(text.charCodeAt(j + 1)) === Script.Latin) {
          j += 1;
          continue;
        }
        break;
      }
      onLatin(text.slice(i, j));
      i = j;
    } else if (script !== Script.Other) {
      let j = i + 1;
      while (j < n) {
        const s = scriptOf(text.charCodeAt(j));
        if (s === Script.Latin || s === Script.Other) break;
        j++;
      }
      onJapanese(text.slice(i, j));
      i = j;
    } else {
      i++;
    }
  }
}

/** The terms of a text for keyword search and embedding, in text order, repeats kept. */
export function analyze(text: string): string[] {
  const out: string[] = [];
  analyzeUnits(text, (lead, pieces) => {
    if (lead !== null) out.push(lead);
    for (const piece of pieces) out.push(piece);
  });
  return out;
}

export type QueryTermKind = "written" | "piece" | "variant" | "translation" | "synonym";

/** A query term; terms sharing a `group` stand for one concept (a word, its parts, its translations). */
export interface QueryTerm {
  readonly term: string;
  readonly group: number;
  /**
   * `written` as the user wrote it, a `piece` of a compound, an inflectional `variant` of an
   * English word (`used` → `use`, `using`), or a glossary `translation`.
   */
  readonly kind: QueryTermKind;
  /** How much a match on this term counts: 1 written, PIECE_WEIGHT, VARIANT_WEIGHT, EXPANSION_WEIGHT. */
  readonly weight: number;
  /**
   * The word looks like a name or term of art (capitals, digits, joiners, katakana, a kanji
   * compound) rather than everyday vocabulary (a lowercase English word, a lone kanji). When
   * the notes never use it, a specific word says "this is about something else"; an everyday
   * word may just be phrasing, or a language the notes are not written in.
   */
  readonly specific: boolean;
}

/** Weight of a compound's part (`set` of `ReplicaSet`) when the whole word is asked for. */
export const PIECE_WEIGHT = 0.5;
/** Weight of another Japanese word for the same English (置き換え → 置換): near, not the same. */
export const SYNONYM_WEIGHT = 0.5;

/** Weight of another inflection of a written English word: the same word, a guess at its form. */
export const VARIANT_WEIGHT = 0.9;

const KIND_WEIGHT: Readonly<Record<QueryTermKind, number>> = {
  written: 1,
  piece: PIECE_WEIGHT,
  variant: VARIANT_WEIGHT,
  translation: EXPANSION_WEIGHT,
  synonym: SYNONYM_WEIGHT,
};

export interface QueryOptions {
  /** Add glossary translations (English ↔ Japanese); default true. */
  readonly expand?: boolean;
}

interface JapaneseGloss {
  readonly required: readonly string[];
  readonly english: readonly string[];
  /** The English side's key in Glossary.english: its Japanese terms are this gloss's synonyms. */
  readonly key: string;
}

interface Glossary {
  /** English phrase (stemmed words joined by a space) → terms of its Japanese side. */
  readonly english: ReadonlyMap<string, readonly string[]>;
  /**
   * Leading term of a Japanese gloss → the glosses it leads: the terms a question must contain
   * for the gloss to apply (all of the gloss's kanji and katakana terms, or the whole word when
   * the analyzer keeps it), and the terms of the English side.
   */
  readonly japanese: ReadonlyMap<string, readonly JapaneseGloss[]>;
  readonly longestPhrase: number;
}

let glossary: Glossary | undefined;

function englishWords(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9\u00c0-\u024f]+/g) ?? []).map(stemWord);
}

function buildGlossary(): Glossary {
  const english = new Map<string, string[]>();
  const japanese = new Map<string, JapaneseGloss[]>();
  let longestPhrase = 1;
  for (const [en, ja] of GLOSSARY) {
    const words = englishWords(en);
    longestPhrase = Math.max(longestPhrase, words.length);
    const key = words.join(" ");
    const enTerms = analyze(en);
    for (const alternative of ja.split("|")) {
      // Kanji and katakana terms only: a translation's kana words (使う beside 使) add nothing
      // the stem does not match, and in an English vault they only dilute the query vector.
      const jaTerms = analyze(alternative).filter((t) => !/[\u3041-\u309f]/.test(t));
      const list = english.get(key) ?? [];
      for (const t of jaTerms) if (!list.includes(t)) list.push(t);
      english.set(key, list);
      const lead = jaTerms[0];
      if (lead === undefined) continue;
      // 置き換え analyzes to 置, 換, 換え: keyed on 置 alone, every 置く would mean "replace".
      // The whole word when the analyzer keeps it (書き込み), else every term it yields.
      const whole = jaTerms.find((t) => t === normalizeText(alternative));
      const required = whole !== undefined ? [whole] : jaTerms;
      const first = required[0] ?? lead;
      const glosses = japanese.get(first) ?? [];
      glosses.push({ required, english: enTerms, key });
      japanese.set(first, glosses);
    }
  }
  return { english, japanese, longestPhrase };
}

/** Irregular past forms of verbs common in technical questions (regular ones are derived). */
const IRREGULAR_VERBS: ReadonlyMap<string, string> = new Map(
  (
    "made:make built:build written:write wrote:write ran:run kept:keep began:begin " +
    "begun:begin chose:choose chosen:choose gave:give given:give held:hold left:leave " +
    "lost:lose sent:send shown:show spent:spend taken:take took:take thought:think " +
    "understood:understand won:win broke:break broken:break brought:bring found:find " +
    "hidden:hide led:lead threw:throw thrown:throw bound:bind drew:draw drawn:draw " +
    "drove:drive driven:drive fell:fall fallen:fall forgot:forget forgotten:forget " +
    "froze:freeze frozen:freeze grew:grow grown:grow hung:hang rose:rise risen:rise " +
    "saw:see seen:see spoke:speak spoken:speak stood:stand chose:choose sought:seek " +
    "taught:teach caught:catch bought:buy fed:feed felt:feel heard:hear met:meet " +
    "paid:pay sold:sell told:tell went:go gone:go came:come become:become"
  )
    .split(" ")
    .map((pair) => pair.split(":") as [string, string]),
);

/**
 * The base forms an English word may be an inflection of (`used` → `use`, `running` → `run`,
 * `made` → `make`, `directly` → `direct`), the word itself first. Candidates are cheap
 * guesses: a wrong one (`used` → `us`) matches nothing and costs nothing.
 */
export function lemmasOf(word: string): string[] {
  const out = [word];
  const add = (w: string): void => {
    if (w.length >= 2 && !out.includes(w)) out.push(w);
  };
  const irregular = IRREGULAR_VERBS.get(word);
  if (irregular) add(irregular);
  const undouble = (w: string): void => {
    if (w.length >= 3 && w.at(-1) === w.at(-2) && !/[aeiouls]$/.test(w)) add(w.slice(0, -1));
  };
  if (word.length >= 5 && word.endsWith("ing")) {
    const base = word.slice(0, -3);
    add(base);
    add(`${base}e`);
    undouble(base);
  } else if (word.length >= 4 && word.endsWith("ied")) {
    add(`${word.slice(0, -3)}y`);
  } else if (word.length >= 4 && word.endsWith("ed")) {
    const base = word.slice(0, -2);
    add(base);
    add(word.slice(0, -1));
    undouble(base);
  } else if (word.length >= 6 && word.endsWith("ily")) {
    add(`${word.slice(0, -3)}y`);
  } else if (word.length >= 6 && word.endsWith("ly")) {
    add(word.slice(0, -2));
  }
  return out;
}

/**
 * The written forms an English lemma takes in a text after `stemWord` (which only strips
 * plurals): `use` → `used`, `using`. Lets a question's `created` meet a note's `creating`.
 */
function inflectionsOf(lemma: string): string[] {
  if (lemma.length < 3 || /\d/.test(lemma)) return [];
  const stem = lemma.endsWith("e") ? lemma.slice(0, -1) : lemma;
  return [`${stem}ed`, `${stem}ing`, stemWord(`${lemma}s`)];
}

/** Query terms under construction: term → its group and kind, first writing wins. */
class QueryBuilder {
  readonly entries = new Map<string, { group: number; kind: QueryTermKind; specific: boolean }>();
  private groups = 0;

  newGroup(): number {
    return this.groups++;
  }

  add(term: string, group: number, kind: QueryTermKind, specific = false): void {
    const existing = this.entries.get(term);
    if (!existing) {
      this.entries.set(term, { group, kind, specific });
      return;
    }
    if (KIND_WEIGHT[kind] > KIND_WEIGHT[existing.kind]) existing.kind = kind;
    if (specific) existing.specific = true;
  }

  /** Moves every term of group `from` into group `to` (a phrase becomes one concept). */
  merge(from: number, to: number): void {
    if (from === to) return;
    for (const entry of this.entries.values()) if (entry.group === from) entry.group = to;
  }
}

/**
 * The query's terms, deduplicated and grouped: each written word (with its compound pieces)
 * is one group; glossary translations join the group of the word(s) they translate, so
 * coverage counts a concept once whatever language matched it.
 */
export function analyzeQuery(text: string, options: QueryOptions = {}): readonly QueryTerm[] {
  // One question is analyzed by the embedder, the chunk index and the note index in turn.
  const key = `${options.expand ?? true}\u0000${text}`;
  const cached = queryCache.get(key);
  if (cached) return cached;
  const terms = analyzeQueryUncached(text, options);
  if (queryCache.size >= 32) queryCache.clear();
  queryCache.set(key, terms);
  return terms;
}

const queryCache = new Map<string, readonly QueryTerm[]>();

function analyzeQueryUncached(text: string, options: QueryOptions): QueryTerm[] {
  const q = new QueryBuilder();
  // "What kind of X", "some sort of X": phrasing, not a topic (`kind` is also a tool's name).
  const phrased = text.replace(/\b(?:kind|sort)s? of\b/gi, "of");
  analyzeUnits(phrased, (lead, pieces, specific, sameAs) => {
    const known = [sameAs, lead, ...pieces].find(
      (t) => t !== null && t !== undefined && q.entries.has(t),
    );
    const group = known ? (q.entries.get(known)?.group ?? q.newGroup()) : q.newGroup();
    if (lead !== null) q.add(lead, group, "written", specific);
    for (const piece of pieces) q.add(piece, group, lead === null ? "written" : "piece", specific);
    // An everyday English word also matches its other inflections (names do not inflect).
    if (lead !== null && !specific && /^[a-z]+$/.test(lead)) {
      for (const lemma of lemmasOf(lead)) {
        for (const form of [lemma, ...inflectionsOf(lemma)]) {
          if (form !== lead && !ENGLISH_STOPWORDS.has(form)) q.add(form, group, "variant");
        }
      }
    }
  });
  if (options.expand ?? true) expandQuery(phrased, q);
  const out: QueryTerm[] = [];
  for (const [term, { group, kind, specific }] of q.entries) {
    out.push({ term, group, kind, weight: KIND_WEIGHT[kind], specific });
  }
  return out;
}

function expandQuery(text: string, q: QueryBuilder): void {
  glossary ??= buildGlossary();
  const g = glossary;
  const written = [...q.entries.keys()];
  // English → Japanese: longest phrase first over the stemmed word sequence.
  const words = englishWords(normalizeText(text));
  for (let i = 0; i < words.length; ) {
    let matched = 0;
    for (let len = Math.min(g.longestPhrase, words.length - i); len >= 1 && matched === 0; len--) {
      const phrase = words.slice(i, i + len);
      const keys = len === 1 ? lemmasOf(phrase[0] ?? "") : [phrase.join(" ")];
      for (const key of keys) {
        const ja = g.english.get(key);
        if (!ja) continue;
        // The phrase's own words become one concept with its translation.
        const groups = phrase.flatMap((w) => {
          const entry = q.entries.get(w);
          return entry ? [entry.group] : [];
        });
        const group = groups[0] ?? q.newGroup();
        for (const other of groups) q.merge(other, group);
        for (const t of ja) q.add(t, group, "translation");
        matched = len;
        break;
      }
    }
    i += Math.max(matched, 1);
  }
  // Japanese → English: a gloss whose terms the question all contains brings its English words.
  const asked = new Set(written);
  for (const t of written) {
    const group = q.entries.get(t)?.group;
    if (group === undefined) continue;
    for (const gloss of g.japanese.get(t) ?? []) {
      if (!gloss.required.every((r) => asked.has(r))) continue;
      for (const e of gloss.english) q.add(e, group, "translation");
      // The other Japanese words for the same English (置き換え → replace → 置換).
      for (const j of g.english.get(gloss.key) ?? []) q.add(j, group, "synonym");
    }
  }
}

/** 32-bit FNV-1a over UTF-16 code units with a murmur3 finalizer, so low bits mix well. */
export function hashString(text: string, seed = 0x811c9dc5, start = 0, end = text.length): number {
  let h = seed >>> 0;
  for (let i = start; i < end; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const TERM_SEED = 0x811c9dc5;
const LATIN_GRAM_SEED = 0x01234567;
const CJK_GRAM_SEED = 0x089abcde;

/** Receives one feature occurrence: its 32-bit hash and its weight. */
export type FeatureSink = (hash: number, weight: number) => void;

export interface FeatureOptions {
  /** Weight of one character n-gram relative to one term. */
  readonly ngramWeight: number;
  /** Analyze as a query: dedupe terms and add glossary translations. */
  readonly query: boolean;
}

/**
 * Feature extraction for the hashing embedder: every term, plus character n-grams that let
 * near-miss spellings meet (Latin trigrams with word boundaries: `replicaset` ~ `replica`;
 * bigrams over kanji/katakana: シークレット ~ シークレッツ, 名前空間 ~ 名前).
 */
export function extractFeatures(text: string, sink: FeatureSink, options: FeatureOptions): void {
  const normalized = normalizeText(text);
  if (options.query) {
    // Pieces weigh as in documents (where they are plain terms); translations weigh less.
    for (const q of analyzeQuery(normalized)) {
      // Inflection guesses are for exact keyword lookup; as vector features they are noise.
      if (q.kind === "variant") continue;
      sink(
        hashString(q.term, TERM_SEED),
        q.kind === "translation" || q.kind === "synonym" ? q.weight : 1,
      );
    }
  } else {
    for (const t of analyze(normalized)) sink(hashString(t, TERM_SEED), 1);
  }
  const w = options.ngramWeight;
  if (w <= 0) return;
  const lower = normalized.toLowerCase();
  const n = lower.length;
  let i = 0;
  while (i < n) {
    const script = scriptOf(lower.charCodeAt(i));
    let j = i + 1;
    if (script === Script.Latin) {
      while (j < n && scriptOf(lower.charCodeAt(j)) === Script.Latin) j++;
      if (j - i >= 3) {
        // Boundary grams (`^re`, `et$`) are hashed with the word edge folded into the seed.
        sink(hashString(lower, LATIN_GRAM_SEED ^ 0x5bd1e995, i, i + 2), w);
        for (let k = i; k + 3 <= j; k++) sink(hashString(lower, LATIN_GRAM_SEED, k, k + 3), w);
        sink(hashString(lower, LATIN_GRAM_SEED ^ 0x27d4eb2f, j - 2, j), w);
      }
    } else if (script === Script.Kanji || script === Script.Katakana) {
      while (j < n) {
        const s = scriptOf(lower.charCodeAt(j));
        if (s !== Script.Kanji && s !== Script.Katakana) break;
        j++;
      }
      for (let k = i; k + 2 <= j; k++) sink(hashString(lower, CJK_GRAM_SEED, k, k + 2), w);
    }
    i = j;
  }
}
