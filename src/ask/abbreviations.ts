/**
 * Abbreviations and their expansions, learned from the indexed texts themselves: people write
 * "Create React App" in a note and "CRAから乗り換えたい" in a question, "HPA" in one place and
 * "Horizontal Pod Autoscaler" in another, `i18n` for internationalization. A question naming
 * one form then also matches the other (as glossary translations do), and an abbreviation
 * whose expansion the notes contain is no name the notes never mention (ask/names.ts).
 *
 * Pairs come from, most trusted first:
 * - **definitions** written in the texts (items, and titles and headings: note-index.ts):
 *   `Long Form (LF)`, `LF (Long Form)`, `Long Form（以下LF）`, `LF = Long Form`, `LF: Long Form`,
 *   `LF stands for Long Form` (full-width parentheses too), whose words' initials spell the
 *   abbreviation. Used both ways, whether or not the notes also use the abbreviation.
 * - for an all-caps word of three to six letters that no text contains (`CRA`), a run of
 *   consecutive capitalized words inside running text whose initials spell it (`Create React
 *   App`), when one such run stands out. Runs in lines made only of capitalized words
 *   (headings, titles) do not count: Title Case makes junk runs of every heading. The other
 *   way, a question's run of capitalized words (`the Content Security Policy`) meets the word
 *   its initials make when the notes use it (`CSP`).
 * - numeronyms by form (`i18n`: first letter, number of letters between, last letter), a
 *   question's numeronym no text contains meeting the one long word of the texts it abbreviates,
 *   and a question's long word meeting a numeronym the texts use.
 * Two-letter initials (`PR`, `CI`) are matched only through definitions: too many runs spell
 * them. An abbreviation spelled by several runs equally often is left alone.
 *
 * Definitions are read as texts are added; runs and long words only when a question needs
 * them (an unseen all-caps word or numeronym), once per change of the texts.
 */
import {
  analyze,
  EXPANSION_WEIGHT,
  isEnglishStopword,
  normalizeText,
  type QueryTerm,
} from "../index/tokenize.js";

/** A phrase's analyzed terms joined by a space (a map key). */
type PhraseKey = string;

interface Definition {
  /** The abbreviation's analyzed term (`hpa`). */
  readonly abbreviation: string;
  readonly phrase: PhraseKey;
}

/** Counts of phrases (or words) per key: how often the texts say each. */
type Tally = Map<string, Map<string, number>>;

/**
 * An abbreviation as written: two to eight letters, a capital first and last (a plural `s`
 * after), at least two capitals (`HPA`, `SLOs`, `DoD`; not `ReplicaSet`, `GitHub`, `iOS`).
 */
const ABBREVIATION = /^[A-Z][A-Za-z]{0,6}[A-Z]s?$/;
/** A numeronym: a letter, the number of letters left out, a letter (`k8s`, `i18n`, `a11y`). */
const NUMERONYM = /^([A-Za-z])(\d{1,2})([A-Za-z])$/;
/** Numeronyms of shorter words are mostly names (`k3s`, `e2e`, `p2p`), not abbreviations. */
const NUMERONYM_MIN_GAP = 5;
/** Latin words of a normalized text, with their offsets. */
const LATIN_WORD = /(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:'[a-z]+)?(?![A-Za-z0-9])/g;
/** Where a definition may be: an abbreviation in parentheses, or followed by one of these. */
const DEFINITION_CUE = /[(=:（＝：]|stands for|short for/;
/** `(LF)`, and as Japanese and English writers announce a short form: `（以下LF）`, `(hereafter LF)`. */
const PARENTHESIZED =
  /\(\s*(?:(?:以下|以降|略して|略称|通称|hereafter|aka|a\.k\.a\.)\s*[:、,]?\s*)?([A-Za-z]{2,9})\s*\)/g;
/** `LF (Long Form)`, `LF = Long Form`, `LF: Long Form`, `LF stands for Long Form`. */
const BEFORE_PARENTHESES =
  /(?<![A-Za-z0-9])([A-Za-z]{2,9})\s*(?:\(\s*([^()\n]{3,80}?)\s*\)|(?:=|:|stands for|is short for|short for)\s*([A-Za-z][A-Za-z' -]{2,80}))/g;
/** A run of capitalized words in a question (`Horizontal Pod Autoscaler`). */
const QUESTION_RUN = /(?<![A-Za-z0-9])[A-Z][a-z]+(?:[ -][A-Z][a-z]+){2,}(?![A-Za-z0-9])/g;
/** Runs of capitalized words of this many words spell all-caps words of as many letters. */
const RUN_MIN = 3;
const RUN_MAX = 6;

export class Abbreviations {
  private readonly texts = new Map<string, string>();
  private readonly definitionsOf = new Map<string, readonly Definition[]>();
  /** Abbreviation term → phrase → texts defining it so. */
  private readonly defined: Tally = new Map();
  private version = 0;
  /**
   * What the texts spell an unseen all-caps word or numeronym with, looked for when a question
   * first needs it (one pass over the texts per word), until the texts change.
   */
  private readonly spelled = new Map<string, readonly string[] | undefined>();
  private spelledVersion = -1;
  /** Defined phrases by their first term, for finding them in a question. */
  private phrases: { version: number; byFirst: Map<string, Definition[]> } | undefined;
  private readonly cache = new Map<string, readonly QueryTerm[]>();
  private cacheVersion = -1;

  /** `frequency`: how many texts contain an analyzed term (the owning keyword index knows). */
  constructor(private readonly frequency: (term: string) => number) {}

  private seen(term: string): boolean {
    return this.frequency(term) > 0;
  }

  add(id: string, text: string): void {
    this.remove(id);
    this.texts.set(id, text);
    this.version++;
    const definitions = findDefinitions(text);
    if (definitions.length === 0) return;
    this.definitionsOf.set(id, definitions);
    for (const d of definitions) count(this.defined, d.abbreviation, d.phrase, 1);
  }

  remove(id: string): void {
    if (!this.texts.delete(id)) return;
    this.version++;
    for (const d of this.definitionsOf.get(id) ?? [])
      count(this.defined, d.abbreviation, d.phrase, -1);
    this.definitionsOf.delete(id);
  }

  /** The expansion the texts define for an abbreviation's term (`hpa`), if one stands out. */
  definedExpansion(term: string): readonly string[] | undefined {
    const phrase = pick(this.defined.get(term));
    return phrase === undefined ? undefined : phrase.split(" ");
  }

  /**
   * The query's terms with abbreviations and expansions as alternatives of each other. An
   * abbreviation with an expansion becomes one concept per word of the expansion, each matched
   * by that word or by the abbreviation (as if the question had said both: a note with the
   * abbreviation meets every word, a note with the words meets the abbreviation); the words of
   * an expansion in the question each gain the abbreviation as an alternative. `analyze`
   * gives the query's own terms; it runs only when `key` is not cached (the chunk and note
   * indexes ask for the same question several times per search).
   */
  expand(query: string, key: string, analyze: () => readonly QueryTerm[]): readonly QueryTerm[] {
    if (this.cacheVersion !== this.version) {
      this.cache.clear();
      this.cacheVersion = this.version;
    }
    const cached = this.cache.get(key);
    if (cached) return cached;
    const out = this.expandUncached(normalizeText(query), analyze());
    if (this.cache.size >= 32) this.cache.clear();
    this.cache.set(key, out);
    return out;
  }

  private expandUncached(query: string, terms: readonly QueryTerm[]): readonly QueryTerm[] {
    const forward: { term: string; words: readonly string[] }[] = [];
    const backward: { words: readonly string[]; abbreviation: string }[] = [];
    const written = new Set(terms.filter((t) => t.kind === "written").map((t) => t.term));
    for (const match of query.matchAll(LATIN_WORD)) {
      const raw = match[0];
      const term = analyze(raw)[0];
      if (term === undefined || !written.has(term) || forward.some((f) => f.term === term))
        continue;
      if (ABBREVIATION.test(raw)) {
        const words = this.definedExpansion(term) ?? this.spelledBy(raw, term);
        if (words) forward.push({ term, words });
        continue;
      }
      const numeronym = NUMERONYM.exec(raw);
      if (numeronym) {
        const words = this.numeronymOf(numeronym, term);
        if (words) forward.push({ term, words });
      } else if (raw.length >= NUMERONYM_MIN_GAP + 2 && /^[A-Za-z]+$/.test(raw)) {
        const short = numeronymKey(raw);
        // Twice at least: a lone `d7t` is more likely a hash's fragment than `different`.
        if (this.frequency(short) >= 2 && !written.has(short))
          backward.push({ words: [term], abbreviation: short });
      }
    }
    for (const d of this.definedPhrasesIn(query)) {
      if (!written.has(d.abbreviation))
        backward.push({ words: d.phrase.split(" "), abbreviation: d.abbreviation });
    }
    // A name the question spells out (`the Horizontal Pod Autoscaler`) whose initials the
    // notes use as a word (`hpa`), defined or not.
    for (const m of query.matchAll(QUESTION_RUN)) {
      const words = m[0].split(/[ -]/);
      if (words.length < RUN_MIN || words.length > RUN_MAX) continue;
      if (words.some((w) => isEnglishStopword(w.toLowerCase()))) continue;
      const short = words.map((w) => w[0]?.toLowerCase()).join("");
      const phrase = leadTerms(words);
      if (phrase.length !== words.length || written.has(short) || !this.seen(short)) continue;
      if (!backward.some((b) => b.abbreviation === short))
        backward.push({ words: phrase, abbreviation: short });
    }
    if (forward.length === 0 && backward.length === 0) return terms;
    return rewrite(terms, forward, backward);
  }

  /** An unseen all-caps word's expansion from the capitalized runs whose initials spell it. */
  private spelledBy(raw: string, term: string): readonly string[] | undefined {
    const letters = raw.replace(/s$/, "");
    if (!/^[A-Z]+$/.test(letters) || letters.length < RUN_MIN || letters.length > RUN_MAX)
      return undefined;
    if (this.seen(term)) return undefined;
    return this.lookUp(`run:${letters}`, () => {
      const phrase = pick(this.tally(runPattern(letters), runPhrase));
      return phrase === undefined ? undefined : phrase.split(" ");
    });
  }

  /** An unseen numeronym's expansion: the one long word of the texts of its form. */
  private numeronymOf(m: RegExpExecArray, term: string): readonly string[] | undefined {
    if (Number(m[2]) < NUMERONYM_MIN_GAP || this.seen(term)) return undefined;
    const [, first = "", gap = "", last = ""] = m;
    return this.lookUp(`numeronym:${term}`, () => {
      const pattern = new RegExp(
        `(?<![A-Za-z0-9])${first}[A-Za-z]{${gap}}${last}(?![A-Za-z0-9])`,
        "gi",
      );
      const word = pick(this.tally(pattern, (match) => match[0].toLowerCase()));
      const words = word === undefined ? [] : analyze(word);
      return words.length > 0 ? words : undefined;
    });
  }

  /** The defined phrases the question contains, word for word (analyzed). */
  private definedPhrasesIn(query: string): Definition[] {
    if (this.defined.size === 0) return [];
    if (this.phrases?.version !== this.version) {
      const byFirst = new Map<string, Definition[]>();
      for (const [abbreviation, phrases] of this.defined) {
        for (const phrase of phrases.keys()) {
          if (this.definedExpansion(abbreviation)?.join(" ") !== phrase) continue;
          const first = phrase.split(" ")[0] ?? "";
          byFirst.set(first, [...(byFirst.get(first) ?? []), { abbreviation, phrase }]);
        }
      }
      this.phrases = { version: this.version, byFirst };
    }
    const seq = [...query.matchAll(LATIN_WORD)].flatMap((m) => analyze(m[0]).slice(0, 1));
    const found: Definition[] = [];
    seq.forEach((t, i) => {
      for (const d of this.phrases?.byFirst.get(t) ?? []) {
        const words = d.phrase.split(" ");
        if (words.length < 2) continue;
        if (words.every((w, k) => seq[i + k] === w)) found.push(d);
      }
    });
    return found;
  }

  private lookUp(
    key: string,
    find: () => readonly string[] | undefined,
  ): readonly string[] | undefined {
    if (this.spelledVersion !== this.version) {
      this.spelled.clear();
      this.spelledVersion = this.version;
    }
    if (this.spelled.has(key)) return this.spelled.get(key);
    const found = find();
    if (this.spelled.size >= 1000) this.spelled.clear();
    this.spelled.set(key, found);
    return found;
  }

  /**
   * How often each value `read` makes of the pattern's matches occurs in the texts (texts
   * as written: a pass over every text, so no NFKC here; full-width Latin letters are rare).
   */
  private tally(
    pattern: RegExp,
    read: (match: RegExpExecArray, text: string) => string | undefined,
  ): Map<string, number> {
    const counts = new Map<string, number>();
    for (const text of this.texts.values()) {
      pattern.lastIndex = 0;
      for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
        const value = read(m, text);
        if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
      }
    }
    return counts;
  }
}

/**
 * Each word's analyzed term, its camelCase parts left out (`GitHub Flavored Markdown` →
 * github, flavor, markdown), function words dropped: a phrase as the words a question says.
 */
function leadTerms(words: readonly string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    const term = analyze(w)[0];
    if (term !== undefined && !out.includes(term)) out.push(term);
  }
  return out;
}

/** `internationalization` → `i18n`. */
function numeronymKey(word: string): string {
  const w = word.toLowerCase();
  return `${w[0]}${w.length - 2}${w.at(-1)}`;
}

function count(tally: Tally, key: string, value: string, by: number): void {
  let values = tally.get(key);
  if (!values) {
    if (by <= 0) return;
    values = new Map();
    tally.set(key, values);
  }
  const n = (values.get(value) ?? 0) + by;
  if (n > 0) values.set(value, n);
  else values.delete(value);
  if (values.size === 0) tally.delete(key);
}

/** The one candidate, or the one said at least twice and three times as often as any other. */
function pick(candidates: ReadonlyMap<string, number> | undefined): string | undefined {
  if (!candidates || candidates.size === 0) return undefined;
  const ranked = [...candidates].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const [best, second] = ranked;
  if (!best) return undefined;
  if (!second) return best[0];
  return best[1] >= 2 && best[1] >= 3 * second[1] ? best[0] : undefined;
}

/** The definitions a text writes (see the module comment), initials checked. */
export function findDefinitions(raw: string): Definition[] {
  if (!/[A-Z][A-Za-z]{0,6}[A-Z]/.test(raw) || !DEFINITION_CUE.test(raw)) return [];
  const text = normalizeText(raw);
  const out: Definition[] = [];
  const add = (abbreviation: string, words: readonly string[] | undefined): void => {
    if (!words) return;
    const term = analyze(abbreviation.replace(/(?<=[A-Z])s$/, ""))[0];
    const phrase = leadTerms(words);
    if (term === undefined || phrase.length === 0 || phrase.includes(term)) return;
    const key = phrase.join(" ");
    if (!out.some((d) => d.abbreviation === term && d.phrase === key))
      out.push({ abbreviation: term, phrase: key });
  };
  // Long Form (LF): the words just before the parentheses.
  for (const m of text.matchAll(PARENTHESIZED)) {
    const abbreviation = m[1] ?? "";
    if (!ABBREVIATION.test(abbreviation)) continue;
    const before = text.slice(Math.max(0, (m.index ?? 0) - 120), m.index ?? 0);
    const clause = /[A-Za-z][A-Za-z' -]*$/.exec(before.trimEnd())?.[0] ?? "";
    const words = clause.split(/[ -]+/).filter((w) => w !== "");
    const letters = lettersOf(abbreviation);
    for (let k = 1; k <= Math.min(words.length, letters.length + 3); k++) {
      const run = words.slice(words.length - k);
      if (spells(letters, run)) {
        add(abbreviation, run);
        break;
      }
    }
  }
  // LF (Long Form), LF = Long Form, LF: Long Form, LF stands for Long Form.
  for (const m of text.matchAll(BEFORE_PARENTHESES)) {
    const abbreviation = m[1] ?? "";
    if (!ABBREVIATION.test(abbreviation)) continue;
    const letters = lettersOf(abbreviation);
    if (m[2] !== undefined) {
      const words = m[2].split(/[ -]+/).filter((w) => w !== "");
      if (words.every((w) => /^[A-Za-z][A-Za-z']*$/.test(w)) && spells(letters, words))
        add(abbreviation, words);
      continue;
    }
    const words = (m[3] ?? "").split(/[ -]+/).filter((w) => w !== "");
    for (let k = 1; k <= Math.min(words.length, letters.length + 3); k++) {
      const run = words.slice(0, k);
      if (spells(letters, run)) {
        add(abbreviation, run);
        break;
      }
    }
  }
  return out;
}

/** The letters an abbreviation spells, lowercased, a plural `s` dropped (`SLOs` → `slo`). */
function lettersOf(abbreviation: string): string {
  return abbreviation.replace(/(?<=[A-Z])s$/, "").toLowerCase();
}

/**
 * Whether the words' initials spell the letters, every word used: a word gives its initial,
 * or the initials of its first camelCase parts (`JavaScript` → j or js); a function word
 * (`of`, `and`) may give nothing, but the first and last words must give theirs.
 */
export function spells(letters: string, words: readonly string[]): boolean {
  const n = words.length;
  if (n === 0 || n > letters.length + 3) return false;
  const first = words[0] ?? "";
  const last = words[n - 1] ?? "";
  if (isEnglishStopword(first.toLowerCase()) || isEnglishStopword(last.toLowerCase())) return false;
  const options = words.map((w, i) => {
    const parts = w.match(/[A-Z]?[a-z']+|[A-Z]+(?![a-z])/g) ?? [w];
    const opts = new Set<string>();
    for (let j = 1; j <= parts.length; j++)
      opts.add(
        parts
          .slice(0, j)
          .map((p) => p[0]?.toLowerCase())
          .join(""),
      );
    if (i > 0 && i < n - 1 && isEnglishStopword(w.toLowerCase())) opts.add("");
    return [...opts];
  });
  // reach[i] = letter positions reachable after the first i words.
  let reach = new Set([0]);
  for (const opts of options) {
    const next = new Set<number>();
    for (const at of reach) {
      for (const o of opts) if (letters.startsWith(o, at)) next.add(at + o.length);
    }
    if (next.size === 0) return false;
    reach = next;
  }
  return reach.has(letters.length);
}

/** A run of capitalized words with these initials (`CRA`: `Create React App`). */
function runPattern(letters: string): RegExp {
  const words = [...letters].map((c) => `${c}[a-z]+`).join("[ -]");
  return new RegExp(`(?<![A-Za-z0-9])${words}(?![A-Za-z0-9])`, "g");
}

/**
 * A run's phrase when it stands inside running text (`…をCreate React AppからViteに…`, `I
 * switched from Create React App`): a line with nothing but capitalized words is a heading or
 * a title, where Title Case spells junk initials. A run with a function word (`To The Latest`)
 * is no name either.
 */
function runPhrase(m: RegExpExecArray, text: string): string | undefined {
  const words = m[0].split(/[ -]/);
  if (words.some((w) => isEnglishStopword(w.toLowerCase()))) return undefined;
  const start = m.index;
  const lineStart = text.lastIndexOf("\n", start) + 1;
  const lineEnd = text.indexOf("\n", start + m[0].length);
  const rest =
    text.slice(lineStart, start) +
    text.slice(start + m[0].length, lineEnd < 0 ? undefined : lineEnd);
  if (!/[a-z]{2}|[\u3040-\u30ff\u4e00-\u9fff]/.test(rest)) return undefined;
  const phrase = leadTerms(words);
  return phrase.length === words.length ? phrase.join(" ") : undefined;
}

/**
 * Applies the pairs: an abbreviation `forward` to its expansion's words, expansion words
 * `backward` to their abbreviation (see Abbreviations.expand).
 */
function rewrite(
  terms: readonly QueryTerm[],
  forward: readonly { term: string; words: readonly string[] }[],
  backward: readonly { words: readonly string[]; abbreviation: string }[],
): QueryTerm[] {
  let out = [...terms];
  let nextGroup = Math.max(-1, ...terms.map((t) => t.group)) + 1;
  const has = (term: string, group: number) =>
    out.some((t) => t.term === term && t.group === group);
  for (const { term, words } of forward) {
    const own = out.find((t) => t.term === term && t.kind === "written");
    if (!own) continue;
    const members = out.filter((t) => t.group === own.group);
    out = out.filter((t) => t.group !== own.group);
    for (const word of new Set(words)) {
      const existing = out.find((t) => t.term === word && t.kind !== "piece");
      let group = existing?.group;
      if (group === undefined) {
        group = nextGroup++;
        out.push({
          term: word,
          group,
          kind: "translation",
          weight: EXPANSION_WEIGHT,
          specific: false,
        });
      }
      for (const m of members) if (!has(m.term, group)) out.push({ ...m, group });
    }
  }
  for (const { words, abbreviation } of backward) {
    for (const word of new Set(words)) {
      const groups = new Set(
        out.filter((t) => t.term === word && t.kind !== "piece").map((t) => t.group),
      );
      for (const group of groups) {
        if (!has(abbreviation, group)) {
          out.push({
            term: abbreviation,
            group,
            kind: "translation",
            weight: EXPANSION_WEIGHT,
            specific: false,
          });
        }
      }
    }
  }
  return out;
}
