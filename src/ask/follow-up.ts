/**
 * Vague follow-ups without a model. "What is it used for?" or "それはどういう時に使う?" have no
 * word that names a topic: searched as they stand they match some item through "use" / "使" and
 * get a confident flag for something unrelated. Offline, such a question is searched together
 * with the last question that did name a topic; with nothing to go on, it needs more context.
 * (With an LLM, condense.ts rewrites follow-ups; it still needs a conversation to rewrite from.)
 */
import { analyzeQuery } from "../index/tokenize.js";
import type { Answer } from "./index.js";
import { detectLanguage } from "./language.js";
import type { Turn } from "./turns.js";

/** Words that point back at something said earlier. */
const ENGLISH_REFERENCE = /\b(?:it|its|that|this|these|those|they|them|their|one)\b/i;
const JAPANESE_REFERENCE = /(?:それ|これ|あれ|その|この|あの|そいつ|そっち|こっち|そこ|ここ)/;

/** A question pointing back with at most this many topic words is still a follow-up. */
const MAX_TERMS_WITH_REFERENCE = 2;

/**
 * How many topic words the question has: written words (with their compound pieces and
 * inflections) that are a name or term of art, or at least longer than one character (a lone
 * kanji like 使 or 時 is the stem of a verb or noun used everywhere).
 */
function countTopicWords(question: string): { topics: number; specific: boolean } {
  const groups = new Set<number>();
  let specific = false;
  for (const term of analyzeQuery(question, { expand: false })) {
    if (term.specific) specific = true;
    if (term.specific || [...term.term].length > 1) groups.add(term.group);
  }
  return { topics: groups.size, specific };
}

/** A question that cannot be searched on its own: no name, and a pronoun or no topic at all. */
export function isVague(question: string): boolean {
  const { topics, specific } = countTopicWords(question);
  if (specific) return false;
  const refers = ENGLISH_REFERENCE.test(question) || JAPANESE_REFERENCE.test(question);
  return refers ? topics <= MAX_TERMS_WITH_REFERENCE : topics === 0;
}

/**
 * What to search for `question`: the question itself; offline, a vague follow-up joined to the
 * last question of the conversation that named a topic; null when a vague question has nothing
 * to lean on (then `needsContextAnswer`). `rewrites`: an LLM will condense the follow-up.
 */
export function followUpQuery(
  question: string,
  history: readonly Turn[],
  options: { readonly rewrites: boolean },
): string | null {
  if (!isVague(question)) return question;
  if (options.rewrites) return history.length > 0 ? question : null;
  const context = history.findLast((turn) => !isVague(turn.question));
  return context ? `${context.question} ${question}` : null;
}

/** The reply to a vague question with no conversation to read it in: ask for the topic. */
export function needsContextAnswer(question: string, notices: readonly string[] = []): Answer {
  const answer =
    detectLanguage(question) === "ja"
      ? `「${question}」だけでは何についての質問か分かりません。話題の名前を入れて、もう一度聞いてください(例:「DaemonSetは何に使う?」)。`
      : `"${question}" needs more context: it names no topic to look up in your notes. Ask again with the topic's name (e.g. "What is a DaemonSet used for?").`;
  return {
    question,
    flag: "none",
    mode: "extractive",
    answer,
    sources: [],
    notices,
    needsContext: true,
  };
}
