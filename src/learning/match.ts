/**
 * Which item a topic means (`michi learned TOPIC`): exact and substring matches on the item's
 * text, merged with the retrieval ranking for topics phrased differently from the note.
 *
 * A substring match scores by how much of the item's text the topic covers and whether the
 * item starts with it, so "Deployment" picks `Deploymentが何かは忘れた` over a long item that
 * merely lists Deployment among others; "Pod", the subject of several items, stays ambiguous.
 * A match is clear only when the best candidate is good enough and well ahead of the next one;
 * otherwise the user picks.
 */
import { type ItemRef, toItemRef } from "./item-ref.js";

/** The fields of an item matching needs. */
export type MatchableItem = ItemRef;

export interface Candidate extends MatchableItem {
  /** Match strength in [0, 1]. */
  readonly score: number;
}

export type MatchDecision =
  | { readonly kind: "clear"; readonly best: Candidate; readonly candidates: readonly Candidate[] }
  | { readonly kind: "ambiguous"; readonly candidates: readonly Candidate[] }
  | { readonly kind: "none"; readonly candidates: readonly [] };

export const MATCH_THRESHOLDS = {
  /** A clear match scores at least this… */
  minClearScore: 0.5,
  /** …and at least this much more than the runner-up. */
  minLead: 0.15,
  /** Weaker candidates are not offered at all. */
  minCandidateScore: 0.25,
  /** At most this many candidates are listed. */
  maxCandidates: 9,
  /** Retrieval scores count for less than literal matches. */
  retrievalWeight: 0.75,
  /** Found both literally and by retrieval. */
  agreementBonus: 0.05,
} as const;

/** NFKC, lower case, collapsed white space: full-width `Ｐｏｄ` matches `Pod`. */
export function normalizeForMatch(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

/** Literal match strength of a (normalized) topic in an item's text, or 0. */
export function scoreLiteralMatch(topic: string, text: string): number {
  const t = normalizeForMatch(topic);
  const x = normalizeForMatch(text);
  if (t === "" || x === "") return 0;
  if (x === t) return 1;
  const at = x.indexOf(t);
  if (at === -1) return 0;
  const coverage = t.length / x.length;
  return 0.55 + 0.3 * coverage + (at === 0 ? 0.15 : 0);
}

/**
 * Ranks candidates: literal matches from `literal` (scored here) and retrieval hits with their
 * relevance scores. Deterministic: ties go by note and line.
 */
export function rankCandidates(
  topic: string,
  literal: readonly MatchableItem[],
  retrieved: readonly (MatchableItem & { readonly score: number })[],
): Candidate[] {
  const byId = new Map<string, Candidate>();
  for (const item of literal) {
    const score = scoreLiteralMatch(topic, item.text);
    if (score > 0) byId.set(item.id, { ...toItemRef(item), score });
  }
  for (const hit of retrieved) {
    const fromRetrieval = MATCH_THRESHOLDS.retrievalWeight * clamp01(hit.score);
    const existing = byId.get(hit.id);
    const score = existing
      ? Math.min(1, Math.max(existing.score, fromRetrieval) + MATCH_THRESHOLDS.agreementBonus)
      : fromRetrieval;
    byId.set(hit.id, { ...toItemRef(existing ?? hit), score });
  }
  return [...byId.values()]
    .filter((c) => c.score >= MATCH_THRESHOLDS.minCandidateScore)
    .sort(
      (a, b) =>
        b.score - a.score ||
        compareStrings(a.file, b.file) ||
        a.line - b.line ||
        compareStrings(a.id, b.id),
    )
    .slice(0, MATCH_THRESHOLDS.maxCandidates);
}

/** Clear, ambiguous or no match, from ranked candidates. */
export function decideMatch(candidates: readonly Candidate[]): MatchDecision {
  const [best, second] = candidates;
  if (best === undefined) return { kind: "none", candidates: [] };
  const leads = second === undefined || best.score - second.score >= MATCH_THRESHOLDS.minLead;
  if (best.score >= MATCH_THRESHOLDS.minClearScore && leads) {
    return { kind: "clear", best, candidates };
  }
  return { kind: "ambiguous", candidates };
}

function clamp01(x: number): number {
  return Math.max(0, Math.min(x, 1));
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
