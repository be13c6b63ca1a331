/**
 * Which item a topic means (`michi learned TOPIC`). A wrong write is the worst thing michi can
 * do, so a topic changes an item only when it *names* that item:
 *
 * - **exact**: the item's text is the topic;
 * - **strong**: the item's text starts with the topic (after leading question words such as
 *   "How", "What is", "なぜ"), at a word boundary, and the topic is not followed by a list
 *   separator ("DaemonSet, Deployment…"); or the topic covers at least half of the text;
 * - **weak**: the topic merely appears inside the text (one name in a list, a passing mention);
 * - **retrieval**: found by the same search `ask` uses, phrased differently.
 *
 * Vague topics (stop words, a single character) are never more than weak. The candidates of the
 * best tier decide: one candidate names the item (changed, or "already" when it is at the
 * target status); several of them, or only weak and retrieval ones, ask the user to choose.
 */
import { type ItemRef, toItemRef } from "./item-ref.js";

/** The fields of an item matching needs. */
export type MatchableItem = ItemRef;

export type MatchTier = "exact" | "strong" | "weak" | "retrieval";

export interface Candidate extends MatchableItem {
  /** How the topic matched: only "exact" and "strong" may lead to a write. */
  readonly tier: MatchTier;
  /** Strength within the tier, in [0, 1] (orders the list). */
  readonly score: number;
}

export type MatchDecision =
  /** One candidate names the item and it is not at the target status yet. */
  | { readonly kind: "clear"; readonly best: Candidate }
  /** The item(s) the topic names are all at the target status already. */
  | { readonly kind: "already"; readonly best: Candidate }
  | { readonly kind: "ambiguous"; readonly candidates: readonly Candidate[] }
  | { readonly kind: "none" };

export const MATCH_THRESHOLDS = {
  /** A topic covering this share of an item's text names it wherever it stands. */
  minStrongCoverage: 0.5,
  /** Retrieval hits below this relevance are not offered. */
  minRetrievalScore: 0.25,
  /** At most this many candidates are listed. */
  maxCandidates: 9,
} as const;

const TIER_RANK: Record<MatchTier, number> = { exact: 3, strong: 2, weak: 1, retrieval: 0 };

/**
 * NFKC, lower case, collapsed white space: full-width `Ｐｏｄ` matches `Pod`. Inline-code
 * backticks and bold marks are dropped, so "go generate" names "`go generate` をいつ…".
 */
export function normalizeForMatch(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/`+|\*\*|__/g, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/** Words too common to name an item on their own (English and Japanese). */
const STOP_WORDS = new Set(
  (
    "a an the and or of to in on at for with by from as is are was were be been it its this that " +
    "these those how what why when where which who whom whose do does did can could should would " +
    "will i you we my your our not no yes about into than then there here use using used " +
    "こと もの これ それ あれ この その あの 何 なに なぜ どう どの どんな とは について の は が を に で と " +
    "知らない 知っている 知ってる わからない 分からない わかっていない 認識 仕組み 役割 方法 違い " +
    "上記 もちろん 全体 その他"
  ).split(" "),
);

/** Leading words that ask about what follows: "How closures capture…" is about closures. */
const LEADING_FILLERS =
  /^(?:(?:how|what|why|when|where|which|who)(?: (?:is|are|was|were|do|does|did|to|can|could|should))?|the|a|an|なぜ|どうして|どうやって|どう|どの|どんな)(?: |(?=[^a-z0-9 ]))/;

/** What follows a name in a list: "DaemonSet, Deployment", "ReplicaSetとStatefulSet". */
const LIST_CONTINUATION =
  /^\s*(?:[,、・/&＆]|(?:and|or) (?!why|how|what|when|where|which)|vs\.? |と(?!は|いう|して|なる)|や)/;
const LIST_LEAD = /(?:[,、・/&＆]|\band|\bor|\bvs\.?|と|や)\s*$/;

const LATIN_WORD_CHAR = /[a-z0-9_]/;

/** A topic too vague to name an item by itself: stop words only, or one character. */
export function isVagueTopic(topic: string): boolean {
  const t = normalizeForMatch(topic);
  if ([...t.replace(/[\s\p{P}\p{S}]/gu, "")].length < 2) return true;
  const words = t.split(/[\s\p{P}]+/u).filter((w) => w !== "");
  return words.every((w) => STOP_WORDS.has(w));
}

/** A term rather than a phrase: no kana particles, no stop words. */
function isNameLike(topic: string): boolean {
  if (/[\u3040-\u309f]/.test(topic)) return false;
  return topic.split(/[\s\p{P}]+/u).every((w) => w === "" || !STOP_WORDS.has(w));
}

/** The item's text without leading question words, so its subject comes first. */
function stripLeadingFillers(text: string): string {
  let out = text;
  for (let i = 0; i < 3; i++) {
    const next = out.replace(LEADING_FILLERS, "").trimStart();
    if (next === out) break;
    out = next;
  }
  return out;
}

/** True when `text[at]` starts a word for the topic, and `text[end]` ends it. */
function atWordBoundaries(topic: string, text: string, at: number): boolean {
  const end = at + topic.length;
  const before = text[at - 1];
  const after = text[end];
  // Latin words must not run on ("Pod" in "Podman"); CJK text has no spaces to check.
  const startsLatin = LATIN_WORD_CHAR.test(topic[0] ?? "");
  const endsLatin = LATIN_WORD_CHAR.test(topic.at(-1) ?? "");
  if (startsLatin && before !== undefined && LATIN_WORD_CHAR.test(before)) return false;
  if (endsLatin && after !== undefined && LATIN_WORD_CHAR.test(after)) return false;
  return true;
}

/** How the topic matches one item's text literally, or null. */
export function matchLiteral(
  topic: string,
  text: string,
): { tier: Exclude<MatchTier, "retrieval">; score: number } | null {
  const t = normalizeForMatch(topic);
  const x = normalizeForMatch(text);
  if (t === "" || x === "") return null;
  const vague = isVagueTopic(t);
  if (x === t) return { tier: vague ? "weak" : "exact", score: 1 };
  const at = x.indexOf(t);
  if (at === -1) return null;
  const coverage = t.length / x.length;
  const score = Math.min(1, 0.5 + 0.5 * coverage);
  if (vague) return { tier: "weak", score };
  // A name ("DaemonSet", "Docker Swarm") may be one of a list; a phrase ("シークレットの仕組み",
  // "Send and Sync") says more than a list member would.
  const name = isNameLike(t);
  const inList = (before: string, after: string) =>
    name && (LIST_LEAD.test(before) || LIST_CONTINUATION.test(after));
  const subject = stripLeadingFillers(x);
  const namesSubject =
    subject.startsWith(t) &&
    atWordBoundaries(t, subject, 0) &&
    !inList("", subject.slice(t.length));
  const covers =
    coverage >= MATCH_THRESHOLDS.minStrongCoverage &&
    atWordBoundaries(t, x, at) &&
    !inList(x.slice(0, at), x.slice(at + t.length));
  return { tier: namesSubject || covers ? "strong" : "weak", score };
}

/**
 * Ranks candidates: literal matches from `literal` (matched here) and retrieval hits with their
 * relevance scores, best tier first, then by score; ties go by note and line. Statuses play no
 * part: `--pick N` after a listed topic must find the list the user saw, also when an earlier
 * `--pick` from it has just changed an item's status.
 */
export function rankCandidates(
  topic: string,
  literal: readonly MatchableItem[],
  retrieved: readonly (MatchableItem & { readonly score: number })[],
): Candidate[] {
  const byId = new Map<string, Candidate>();
  for (const item of literal) {
    const match = matchLiteral(topic, item.text);
    if (match !== null) byId.set(item.id, { ...toItemRef(item), ...match });
  }
  for (const hit of retrieved) {
    if (byId.has(hit.id) || hit.score < MATCH_THRESHOLDS.minRetrievalScore) continue;
    byId.set(hit.id, { ...toItemRef(hit), tier: "retrieval", score: clamp01(hit.score) });
  }
  return [...byId.values()]
    .sort(
      (a, b) =>
        TIER_RANK[b.tier] - TIER_RANK[a.tier] ||
        b.score - a.score ||
        compareStrings(a.file, b.file) ||
        a.line - b.line ||
        compareStrings(a.id, b.id),
    )
    .slice(0, MATCH_THRESHOLDS.maxCandidates);
}

/**
 * Whether ranked candidates name one item for a change to `to`. Only an exact or strong
 * candidate alone in its tier is clear; when every candidate of that tier is at `to` already,
 * the answer is "already"; anything else is the user's choice.
 */
export function decideMatch(candidates: readonly Candidate[], to: string): MatchDecision {
  const [best] = candidates;
  if (best === undefined) return { kind: "none" };
  if (best.tier !== "exact" && best.tier !== "strong") return { kind: "ambiguous", candidates };
  const top = candidates.filter((c) => c.tier === best.tier);
  const open = top.filter((c) => c.status !== to);
  if (open.length === 0) return { kind: "already", best };
  if (top.length === 1) return { kind: "clear", best };
  return { kind: "ambiguous", candidates };
}

function clamp01(x: number): number {
  return Math.max(0, Math.min(x, 1));
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
