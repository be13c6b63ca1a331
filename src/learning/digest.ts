/**
 * The digest of a period: what was learned (and how: by command or by hand edit), unknowns
 * added, unknowns asked about, questions that matched nothing, progress per note and section
 * with the change since the previous period, sections with no items, and what to focus on.
 *
 * Past counts are reconstructed from the current snapshot by undoing the events after the
 * moment asked for, so no periodic snapshots are needed. Before the baseline there is no
 * history: a period reaching back before it has no "previous" numbers.
 */
import { detectLanguage, type Language } from "../ask/language.js";
import type { Status } from "../notes/index.js";
import type { WeekProgress } from "./chart.js";
import { type Feedback, openFeedback } from "./feedback.js";
import type {
  History,
  LearningEvent,
  QuestionEntry,
  SnapshotItem,
  StoredHeading,
} from "./history.js";
import {
  DAY_MS,
  formatLocalDate,
  formatShortDate,
  getStartOfLocalDay,
  getStartOfLocalWeek,
} from "./time.js";

export interface StatusCounts {
  known: number;
  partial: number;
  unknown: number;
  unmarked: number;
}

export interface Progress extends StatusCounts {
  /** known / (known + partial + unknown), in percent, one decimal; null with no marked items. */
  readonly percentKnown: number | null;
  /** The same at the start of the period; null when the history does not reach back that far. */
  readonly previousPercentKnown: number | null;
  /** Percentage points gained (negative: lost) during the period. */
  readonly change: number | null;
  /** Items that became known during the period (net). */
  readonly knownGained: number | null;
}

export interface SectionProgress extends Progress {
  readonly sectionPath: readonly string[];
}

export interface NoteProgress extends Progress {
  readonly file: string;
  readonly title: string;
  readonly sections: readonly SectionProgress[];
}

export interface DigestEvent {
  readonly at: string;
  readonly origin: LearningEvent["origin"];
  readonly file: string;
  readonly title: string;
  readonly sectionPath: readonly string[];
  readonly line: number;
  readonly text: string;
  readonly from: Status | null;
  readonly to: Status | null;
  /** The note written with `learned --note`, if any. */
  readonly learnedNote: string | null;
}

export interface AskedItem {
  readonly id: string;
  readonly file: string;
  readonly title: string;
  readonly sectionPath: readonly string[];
  readonly line: number;
  readonly text: string;
  /** Times it was the primary source of an "unknown" answer during the period. */
  readonly count: number;
  /** Its status now (it may have been learned since). */
  readonly status: Status | null;
}

export interface UnmatchedQuestion {
  readonly question: string;
  readonly count: number;
  readonly lastAskedAt: string;
}

export interface DislikedAnswer {
  readonly question: string;
  readonly flag: string;
  readonly down: number;
  readonly up: number;
  /** The answer's primary source, null for a "none" answer. */
  readonly file: string | null;
  readonly line: number | null;
  readonly text: string | null;
}

export interface EmptySection {
  readonly file: string;
  readonly title: string;
  readonly sectionPath: readonly string[];
  readonly line: number;
  /** Has prose paragraphs (an introduction, say): no items, but not blank either. */
  readonly hasProse: boolean;
}

export interface Digest {
  readonly since: string;
  readonly until: string;
  readonly timezone: string;
  /** `YYYY-MM-DD – YYYY-MM-DD` in the time zone (the last day inclusive). */
  readonly label: string;
  readonly baselineAt: string | null;
  readonly learned: readonly DigestEvent[];
  readonly regressed: readonly DigestEvent[];
  readonly unknownsAdded: readonly DigestEvent[];
  readonly askedUnknowns: readonly AskedItem[];
  readonly unmatchedQuestions: readonly UnmatchedQuestion[];
  /** Answers marked 👎 during the period (Discord), most recent first. */
  readonly disliked: readonly DislikedAnswer[];
  readonly questions: { readonly total: number; readonly byFlag: Readonly<Record<string, number>> };
  readonly progress: Progress;
  readonly notes: readonly NoteProgress[];
  readonly emptySections: readonly EmptySection[];
  /** The unknowns asked about most that are still not known, most asked first. */
  readonly focus: readonly AskedItem[];
  /** The language most items are written in: the one the bot posts the digest in. */
  readonly language: Language;
}

export interface DigestPeriod {
  /** Start of the period (inclusive). */
  readonly since: Date;
  /** End of the period (inclusive). */
  readonly until: Date;
  readonly timeZone: string;
}

/** The default period: the last 7 days, from local midnight 7 days ago until `now`. */
export function getDefaultPeriod(now: Date, timeZone: string): DigestPeriod {
  return { since: getStartOfLocalDay(now, timeZone, 7), until: now, timeZone };
}

const FOCUS_SIZE = 3;

/**
 * Builds the digest of `period` from the history; the 👍 / 👎 are read from `feedback`
 * (default: the history's own database, where the bot records them).
 */
export function buildDigest(
  history: History,
  period: DigestPeriod,
  feedback: Feedback = openFeedback(history.db),
): Digest {
  const { since, until, timeZone } = period;
  const baseline = history.baselineAt();
  const snapshot = history.snapshot();
  const current = new Map(snapshot.map((item) => [item.id, item]));
  const events = history.eventsSince(since);
  // The period includes its last instant: a digest until "now" sees what happened just now.
  const end = new Date(+until + 1);
  const inPeriod = withoutUndonePairs(events.filter((e) => e.at < end).reverse());

  const atUntil = countAt(snapshot, events, end);
  const hasPrevious = baseline !== null && baseline <= since;
  const atSince = hasPrevious ? countAt(snapshot, events, since) : null;

  const questions = history.questionsBetween(since, end);
  const japanese = snapshot.filter((item) => detectLanguage(item.text) === "ja").length;
  const askedUnknowns = countAskedUnknowns(questions, current);
  return {
    since: since.toISOString(),
    until: until.toISOString(),
    timezone: timeZone,
    label: `${formatLocalDate(since, timeZone)} – ${formatLocalDate(until, timeZone)}`,
    baselineAt: baseline?.toISOString() ?? null,
    learned: inPeriod.filter((e) => e.kind === "learned").map(toDigestEvent),
    regressed: inPeriod.filter((e) => e.kind === "regressed").map(toDigestEvent),
    unknownsAdded: inPeriod
      .filter((e) => e.kind === "added" && (e.to === "unknown" || e.to === "partial"))
      .map(toDigestEvent),
    askedUnknowns,
    unmatchedQuestions: countUnmatched(questions),
    disliked: feedback
      .votedBetween(since, end)
      .filter((a) => a.down > 0)
      .map((a) => ({
        question: a.question,
        flag: a.flag,
        down: a.down,
        up: a.up,
        file: a.file,
        line: a.line,
        text: a.text,
      })),
    questions: { total: questions.length, byFlag: countByFlag(questions) },
    progress: makeProgress(
      sumCounts(atUntil.values()),
      atSince ? sumCounts(atSince.values()) : null,
    ),
    notes: makeNoteProgress(atUntil, atSince, snapshot),
    emptySections: findEmptySections(history.headings()),
    focus: askedUnknowns
      .filter((a) => a.status === "unknown" || a.status === "partial")
      .slice(0, FOCUS_SIZE),
    language: japanese * 2 > snapshot.length ? "ja" : "en",
  };
}

/**
 * The events of a period (oldest first) without the changes undone within it: an undo event and
 * the change it reverses (same item, statuses swapped) both go, so a mis-click that was undone
 * is not reported as learned or added. An undo of a change from an earlier period stays.
 */
function withoutUndonePairs(events: readonly LearningEvent[]): LearningEvent[] {
  const dropped = new Set<LearningEvent>();
  events.forEach((undo, i) => {
    if (undo.origin !== "undo") return;
    for (let j = i - 1; j >= 0; j--) {
      const change = events[j] as LearningEvent;
      if (change.itemId !== undo.itemId || dropped.has(change)) continue;
      if (change.origin !== "undo" && change.from === undo.to && change.to === undo.from) {
        dropped.add(change).add(undo);
      }
      // Only the item's latest change is what the undo can have reversed.
      break;
    }
  });
  return events.filter((e) => !dropped.has(e));
}

/** A week's counts as the chart draws them (`label`: `M/D` of its Monday), with its start. */
export interface WeekCounts extends WeekProgress {
  /** Monday 00:00 (local) starting the week. */
  readonly start: Date;
}

/**
 * Counts at the end of each of the last `weeks` weeks (the current week: at `until`), oldest
 * first, never starting before the week of the baseline.
 */
export function getWeeklyProgress(
  history: History,
  until: Date,
  timeZone: string,
  weeks = 8,
): WeekCounts[] {
  const baseline = history.baselineAt();
  const thisWeek = getStartOfLocalWeek(until, timeZone);
  const starts: Date[] = [thisWeek];
  for (let i = 1; i < weeks; i++) {
    // Step back from the middle of the previous week, so a DST shift cannot skip a week.
    const previous = getStartOfLocalWeek(new Date(+(starts[0] as Date) - 3 * DAY_MS), timeZone);
    if (baseline !== null && +previous + 7 * DAY_MS <= +baseline) break;
    starts.unshift(previous);
  }
  const snapshot = history.snapshot();
  const events = history.eventsSince(starts[0] as Date);
  return starts.map((start, i) => {
    const next = starts[i + 1];
    const end = next === undefined ? new Date(+until + 1) : next;
    const counts = sumCounts(countAt(snapshot, events, end).values());
    return {
      start,
      label: formatShortDate(start, timeZone),
      known: counts.known,
      partial: counts.partial,
      unknown: counts.unknown,
    };
  });
}

/** Key of a note's section in the count maps. */
function sectionKey(file: string, sectionPath: readonly string[]): string {
  return JSON.stringify([file, ...sectionPath]);
}

function emptyCounts(): StatusCounts {
  return { known: 0, partial: 0, unknown: 0, unmarked: 0 };
}

/**
 * Counts per section at instant `at`: the snapshot, with every event at or after `at` undone.
 * `events` must hold (at least) all events at or after `at`.
 */
function countAt(
  snapshot: readonly SnapshotItem[],
  events: readonly LearningEvent[],
  at: Date,
): Map<string, StatusCounts> {
  const counts = new Map<string, StatusCounts>();
  const get = (key: string) => {
    let c = counts.get(key);
    if (c === undefined) {
      c = emptyCounts();
      counts.set(key, c);
    }
    return c;
  };
  for (const item of snapshot) get(sectionKey(item.file, item.sectionPath))[item.status]++;
  for (const event of events) {
    if (event.at < at) continue;
    const c = get(sectionKey(event.file, event.sectionPath));
    if (event.to !== null) c[event.to] = Math.max(0, c[event.to] - 1);
    if (event.from !== null) c[event.from]++;
  }
  return counts;
}

function sumCounts(all: Iterable<StatusCounts>): StatusCounts {
  const sum = emptyCounts();
  for (const c of all) {
    sum.known += c.known;
    sum.partial += c.partial;
    sum.unknown += c.unknown;
    sum.unmarked += c.unmarked;
  }
  return sum;
}

function percentKnown(c: StatusCounts): number | null {
  const marked = c.known + c.partial + c.unknown;
  return marked === 0 ? null : Math.round((c.known / marked) * 1000) / 10;
}

function makeProgress(now: StatusCounts, before: StatusCounts | null): Progress {
  const percent = percentKnown(now);
  const previous = before === null ? null : percentKnown(before);
  return {
    ...now,
    percentKnown: percent,
    previousPercentKnown: previous,
    change: before === null ? null : Math.round(((percent ?? 0) - (previous ?? 0)) * 10) / 10,
    knownGained: before === null ? null : now.known - before.known,
  };
}

function makeNoteProgress(
  atUntil: Map<string, StatusCounts>,
  atSince: Map<string, StatusCounts> | null,
  snapshot: readonly SnapshotItem[],
): NoteProgress[] {
  const titles = new Map(snapshot.map((item) => [item.file, item.title]));
  const byFile = new Map<string, { sectionPath: string[]; key: string }[]>();
  for (const key of new Set([...atUntil.keys(), ...(atSince?.keys() ?? [])])) {
    const [file = "", ...sectionPath] = JSON.parse(key) as string[];
    const list = byFile.get(file) ?? [];
    list.push({ sectionPath, key });
    byFile.set(file, list);
  }
  const notes: NoteProgress[] = [];
  for (const [file, keys] of [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const sections = keys
      .map(({ sectionPath, key }) => ({
        sectionPath,
        ...makeProgress(
          atUntil.get(key) ?? emptyCounts(),
          atSince ? (atSince.get(key) ?? emptyCounts()) : null,
        ),
      }))
      .filter(
        (s) => s.known + s.partial + s.unknown + s.unmarked > 0 || (s.knownGained ?? 0) !== 0,
      );
    if (sections.length === 0) continue;
    sections.sort((a, b) => (a.sectionPath.join("\u0000") < b.sectionPath.join("\u0000") ? -1 : 1));
    const now = sumCounts(keys.map(({ key }) => atUntil.get(key) ?? emptyCounts()));
    const before = atSince
      ? sumCounts(keys.map(({ key }) => atSince.get(key) ?? emptyCounts()))
      : null;
    notes.push({ file, title: titles.get(file) ?? file, ...makeProgress(now, before), sections });
  }
  return notes;
}

function findEmptySections(headings: readonly StoredHeading[]): EmptySection[] {
  return headings
    .filter((h) => h.itemCount === 0)
    .map((h) => ({
      file: h.file,
      title: h.title,
      sectionPath: h.path,
      line: h.line,
      hasProse: h.proseCount > 0,
    }));
}

function countAskedUnknowns(
  questions: readonly QuestionEntry[],
  current: ReadonlyMap<string, SnapshotItem>,
): AskedItem[] {
  const byId = new Map<string, { entry: QuestionEntry; count: number }>();
  for (const q of questions) {
    if (q.flag !== "unknown" || q.itemId === null) continue;
    const seen = byId.get(q.itemId);
    byId.set(q.itemId, { entry: q, count: (seen?.count ?? 0) + 1 });
  }
  return [...byId.entries()]
    .map(([id, { entry, count }]) => {
      const item = current.get(id);
      return {
        id,
        file: item?.file ?? entry.file ?? "",
        title: item?.title ?? "",
        sectionPath: item?.sectionPath ?? [],
        line: item?.line ?? entry.line ?? 0,
        text: item?.text ?? entry.text ?? "",
        count,
        status: item?.status ?? null,
      };
    })
    .sort(
      (a, b) => b.count - a.count || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line),
    );
}

function countUnmatched(questions: readonly QuestionEntry[]): UnmatchedQuestion[] {
  const byText = new Map<string, { question: string; count: number; last: Date }>();
  for (const q of questions) {
    if (q.flag !== "none") continue;
    const key = q.question.normalize("NFKC").trim().toLowerCase();
    const seen = byText.get(key);
    byText.set(key, { question: q.question, count: (seen?.count ?? 0) + 1, last: q.at });
  }
  return [...byText.values()]
    .sort((a, b) => b.count - a.count || +b.last - +a.last)
    .map((q) => ({ question: q.question, count: q.count, lastAskedAt: q.last.toISOString() }));
}

function countByFlag(questions: readonly QuestionEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const q of questions) counts[q.flag] = (counts[q.flag] ?? 0) + 1;
  return counts;
}

function toDigestEvent(event: LearningEvent): DigestEvent {
  return {
    at: event.at.toISOString(),
    origin: event.origin,
    file: event.file,
    title: event.title,
    sectionPath: event.sectionPath,
    line: event.line,
    text: event.text,
    from: event.from,
    to: event.to,
    learnedNote: event.note,
  };
}
