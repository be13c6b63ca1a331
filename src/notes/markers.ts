/**
 * The status-marker grammar (SPEC §2): which characters at the start of an item's text set its
 * status, and which marker to write when the status changes, staying in the note's own family.
 */
import type { Status } from "./index.js";

type MarkedStatus = Exclude<Status, "unmarked">;

/** Every marker, longest first so `[x]` wins over a bare letter. */
const MARKERS: ReadonlyArray<readonly [string, MarkedStatus]> = [
  ["[x]", "known"],
  ["[X]", "known"],
  ["[~]", "partial"],
  ["[ ]", "unknown"],
  ["O", "known"],
  ["o", "known"],
  ["○", "known"],
  ["◯", "known"],
  ["〇", "known"],
  ["✓", "known"],
  ["✔", "known"],
  ["△", "partial"],
  ["▲", "partial"],
  ["X", "unknown"],
  ["x", "unknown"],
  ["×", "unknown"],
  ["✕", "unknown"],
  ["✗", "unknown"],
  ["✘", "unknown"],
  // Full-width letters: what a Japanese IME in full-width mode types for O and X.
  ["Ｏ", "known"],
  ["ｏ", "known"],
  ["Ｘ", "unknown"],
  ["ｘ", "unknown"],
];

/** Letters that may begin a word: glued to Latin letters (full-width ones too), ambiguous. */
const LETTER_MARKERS = new Set(["O", "o", "X", "x", "Ｏ", "ｏ", "Ｘ", "ｘ"]);
const LATIN_OR_DIGIT = /^[\p{Script=Latin}\p{Nd}]/u;

export interface MarkerMatch {
  readonly marker: string;
  readonly status: MarkedStatus;
  /** Characters to skip after the marker: the marker plus one following space, if any. */
  readonly consumed: number;
  /** A letter marker glued to Latin letters or digits (`OCNI`, `Xcode`): may be a word. */
  readonly ambiguous: boolean;
}

/**
 * Reads the marker at the start of an item's text, or null when there is none.
 * A marker may be followed by white space, stand glued to the text, or be the whole text.
 */
export function matchMarker(text: string): MarkerMatch | null {
  for (const [marker, status] of MARKERS) {
    if (!text.startsWith(marker)) continue;
    const rest = text.slice(marker.length);
    const space = /^[ \t\u3000]/.test(rest) ? 1 : 0;
    const ambiguous = LETTER_MARKERS.has(marker) && LATIN_OR_DIGIT.test(rest);
    return { marker, status, consumed: marker.length + space, ambiguous };
  }
  return null;
}

/** Marker families: a rewrite keeps the note's own style (`X`→`O`, `×`→`○`, `[ ]`→`[x]`). */
const FAMILIES: ReadonlyArray<Readonly<Record<MarkedStatus, string>> & { members: string[] }> = [
  { members: ["[x]", "[X]", "[~]", "[ ]"], known: "[x]", partial: "[~]", unknown: "[ ]" },
  { members: ["O", "X"], known: "O", partial: "△", unknown: "X" },
  { members: ["o", "x"], known: "o", partial: "△", unknown: "x" },
  { members: ["Ｏ", "Ｘ"], known: "Ｏ", partial: "△", unknown: "Ｘ" },
  { members: ["ｏ", "ｘ"], known: "ｏ", partial: "△", unknown: "ｘ" },
  { members: ["○", "◯", "〇", "×"], known: "○", partial: "△", unknown: "×" },
  { members: ["✓", "✔", "✕", "✗", "✘"], known: "✓", partial: "△", unknown: "✗" },
];

/** Markers written for an item that had none, or whose family has no such status. */
export const DEFAULT_MARKERS: Readonly<Record<MarkedStatus, string>> = {
  known: "O",
  partial: "△",
  unknown: "X",
};

/**
 * The marker to write when an item marked `current` takes status `to`.
 * `current` null means the item is unmarked. Partial markers (`△`, `▲`) carry no family of
 * their own, so `style` (a marker used elsewhere in the same note) picks it when given.
 */
export function markerFor(current: string | null, to: MarkedStatus, style?: string): string {
  if (current !== null && statusOfMarker(current) === to) return current;
  const hint = current === null || current === "△" || current === "▲" ? style : current;
  const family = hint === undefined ? undefined : FAMILIES.find((f) => f.members.includes(hint));
  if (family) return family[to];
  return DEFAULT_MARKERS[to];
}

export function statusOfMarker(marker: string): MarkedStatus | null {
  return MARKERS.find(([m]) => m === marker)?.[1] ?? null;
}
