/**
 * Name-like words of a question: the products, tools and APIs it is about (`Kafka`,
 * `WordPress`, `BGP`), told from everyday words by how they are written. The none decision
 * asks more of a question naming something no note contains (KeywordIndex.unseen).
 *
 * - In a Japanese sentence, a word in Latin letters is a name: Japanese writers switch to
 *   Latin letters for names and terms of art (`Arduinoで温度を測る`).
 * - In English, a word is a name when it has a capital letter inside (`WordPress`, `CRA`), or
 *   starts with one away from the start of a sentence (`a Kafka topic`): a sentence's first
 *   word (`Tips for …`) is capitalized by grammar, not because it is a name.
 * - Words with digits (`502`, `k8s`, dates) and lowercase compounds (`fine-tuning`) are not.
 */
import { analyze } from "../index/tokenize.js";
import { detectLanguage } from "./language.js";

const LATIN_WORD = /[A-Za-z\u00c0-\u024f]+(?:[-_.][A-Za-z\u00c0-\u024f0-9]+)*[0-9]*/g;
/** What ends a sentence, so that the next word's capital is grammar. */
const SENTENCE_END = /(?:^|[.!?。！？:]\s*|\n\s*)["'“‘(]*$/;

/** The analyzed lead terms (as `analyze` writes them) of the name-like words of `text`. */
export function nameTerms(text: string): Set<string> {
  const normalized = text.normalize("NFKC");
  const japanese = detectLanguage(normalized) === "ja";
  const names = new Set<string>();
  for (const match of normalized.matchAll(LATIN_WORD)) {
    const word = match[0];
    if (/\d/.test(word)) continue;
    const start = match.index ?? 0;
    if (!japanese && !looksLikeEnglishName(word, normalized.slice(0, start))) continue;
    const lead = analyze(word)[0];
    if (lead !== undefined) names.add(lead);
  }
  return names;
}

function looksLikeEnglishName(word: string, before: string): boolean {
  if (/[A-Z]/.test(word.slice(1))) return true;
  return /^[A-Z]/.test(word) && !SENTENCE_END.test(before);
}
