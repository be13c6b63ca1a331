/**
 * The learning loop as a service the App exposes to every front end: mark items learned (or any
 * status), add unknowns to the inbox, keep the status history and the question log, and build
 * digests and status reports.
 */
import { existsSync, lstatSync } from "node:fs";
import { readFile, unlink } from "node:fs/promises";
import path from "node:path";
import type { Answer, Source } from "../ask/index.js";
import type { Language } from "../ask/language.js";
import type { Config } from "../config.js";
import { MichiError } from "../errors.js";
import type { IngestSummary } from "../index/ingest.js";
import { rowToItemState, type Store } from "../index/store.js";
import { type EditText, editFileExactly } from "../notes/atomic-write.js";
import { flattenLines, type MarkedStatus } from "../notes/edit.js";
import type { NoteWarning, Status } from "../notes/index.js";
import { renderProgressChart } from "./chart.js";
import { buildDigest, type Digest, getDefaultPeriod, getWeeklyProgress } from "./digest.js";
import { type DigestPost, type History, type LearningEvent, questionEntryOf } from "./history.js";
import { type ItemRef, toItemRef } from "./item-ref.js";
import {
  type Candidate,
  decideMatch,
  type MatchableItem,
  normalizeForMatch,
  rankCandidates,
} from "./match.js";
import { applyInboxAddition, applyStatusEdit, formatLearnedLine } from "./note-edits.js";
import { recordIngest, refreshHeadings } from "./record.js";
import { STATUS_NAMES } from "./render.js";
import { formatLocalDate, formatLocalDateTime } from "./time.js";
import { type ChangeRecord, openVersions, sha256 } from "./versions.js";

/** The inbox note `unknown` adds to, relative to the notes directory. */
export const INBOX_NOTE = "inbox.md";
/** Retrieval depth when looking for the item a topic means. */
const SEARCH_DEPTH = 30;

export interface LearningDeps {
  readonly config: Pick<Config, "notesDir" | "dataDir" | "questionLog" | "digest">;
  store(): Promise<Store>;
  /** The learning history (its own file, see history.ts). */
  history(): Promise<History>;
  search(topic: string, k: number): Promise<Source[]>;
  /** The app's ingest (which calls `recordIngest` of this service when done). */
  ingest(options: { only?: readonly string[] }): Promise<IngestSummary>;
  now(): Date;
}

/**
 * What `learned` / `mark` / `setStatus` did, as data: each front end words it itself (the CLI
 * names `--pick`, Discord offers a select menu). Notes are named by `file`, relative to the
 * notes folder.
 */
export type StatusChangeOutcome =
  | {
      readonly kind: "changed";
      readonly item: ItemRef;
      readonly from: Status;
      readonly to: MarkedStatus;
      /** The sub-item line written under the item, if any. */
      readonly noteLine: string | null;
      readonly events: readonly LearningEvent[];
      /** The journaled change, for `undo(changeId)`. */
      readonly changeId: string;
    }
  /** The item meant is already at the target status (`item.status === to`): nothing written. */
  | { readonly kind: "already"; readonly item: ItemRef; readonly to: MarkedStatus }
  /** No single strong match: the ranked candidates to choose from (`pick` is 1-based). */
  | {
      readonly kind: "ambiguous";
      readonly topic: string;
      readonly to: MarkedStatus;
      readonly candidates: readonly Candidate[];
    }
  /** Nothing matches the topic, or no item has the id. */
  | { readonly kind: "none"; readonly topic: string | null; readonly id: string | null }
  /** The item was in the index but is no longer in its note (edited meanwhile): nothing written. */
  | { readonly kind: "stale"; readonly item: ItemRef }
  /**
   * `pick` is not a position in the candidate list (1 to `count`), or the topic names one item
   * clearly (`names`), so no list was shown to pick from and only 1 (that item) is a valid pick.
   */
  | {
      readonly kind: "invalid-pick";
      readonly topic: string;
      readonly pick: number;
      readonly count: number;
      readonly names?: ItemRef;
    }
  | { readonly kind: "empty-topic" }
  /** A learned note was given but is blank. */
  | { readonly kind: "empty-note" };

export interface SetStatusOptions {
  /** Written as the sub-item `learned YYYY-MM-DD: TEXT` (when the status changes). */
  readonly note?: string | undefined;
}

export interface StatusChangeOptions extends SetStatusOptions {
  /** 1-based index into the candidate list, to settle an ambiguous topic. */
  readonly pick?: number | undefined;
}

export interface UnknownOptions {
  /** Add the unknown even though an item with that topic is marked known. */
  readonly force?: boolean | undefined;
}

export type UnknownOutcome =
  | {
      readonly kind: "added";
      readonly item: ItemRef;
      readonly events: readonly LearningEvent[];
      /** The journaled change, for `undo(changeId)`. */
      readonly changeId: string;
    }
  /** An unknown or partial item with that text is already in the notes. */
  | { readonly kind: "exists"; readonly item: ItemRef }
  /** An item with that topic is marked known: adding it needs `force`. */
  | { readonly kind: "contradicts"; readonly item: ItemRef }
  | { readonly kind: "empty-topic" };

/** An unknown or partial item offered while typing a topic (Discord autocomplete). */
export type ItemSuggestion = ItemRef;

export interface StatusReport {
  readonly notes: number;
  readonly items: Record<Status, number>;
  readonly chunks: number;
  readonly lastIngest: string | null;
  readonly indexBytes: number;
  readonly warnings: readonly NoteWarning[];
  readonly history: {
    readonly baselineAt: string | null;
    readonly events: number;
    readonly questions: number;
    readonly questionLog: boolean;
  };
  /** The configured time zone (MICHI_TIMEZONE) the times above are shown in. */
  readonly timeZone: string;
}

export interface DigestOptions {
  readonly since?: Date | undefined;
  readonly until?: Date | undefined;
  /** Ingest first so hand edits since the last run are in (default true). */
  readonly ingest?: boolean;
}

export interface ChartOptions {
  readonly until?: Date;
  readonly weeks?: number;
  readonly title?: string;
  readonly width?: number;
  readonly height?: number;
  /** Of the legend, axes and default title: the digest's language (Digest.language). */
  readonly language?: Language;
}

export type UndoOutcome =
  | {
      readonly kind: "undone";
      readonly change: ChangeRecord;
      /** The status changes the undo caused (origin `undo`). */
      readonly events: readonly LearningEvent[];
    }
  /** The note changed since michi's change: nothing was written. */
  | {
      readonly kind: "refused";
      readonly change: ChangeRecord;
      /** Where the version before the change is kept (absolute); null when michi created the note. */
      readonly kept: string | null;
    }
  /** michi has made no change that is not undone yet. */
  | { readonly kind: "nothing" };

/** What `undoChange` did: as `undo`, or why that change is not the one to undo. */
export type UndoChangeOutcome =
  | Exclude<UndoOutcome, { readonly kind: "nothing" }>
  /** A later change is not undone yet, so this one is not undone: nothing was written. */
  | { readonly kind: "not-last"; readonly change: ChangeRecord; readonly newest: ChangeRecord }
  /** That change was undone already: nothing was written. */
  | { readonly kind: "already-undone"; readonly change: ChangeRecord }
  /** The journal has no change with that id: nothing was written. */
  | { readonly kind: "unknown-change"; readonly id: string };

export interface Learning {
  /** Called by the app after every ingest: records status events. */
  recordIngest(summary: IngestSummary): Promise<LearningEvent[]>;
  /**
   * Unknown and partial items whose text starts with or contains `prefix` (or all its words),
   * NFKC and case-insensitive; at most `limit`, in a stable order (empty prefix: the first
   * items by note and line). Reads the index as it is: no ingest, no write.
   */
  suggest(prefix: string, limit: number): Promise<ItemSuggestion[]>;
  /** Sets the status of the item with this chunk id (an id from `suggest` or a candidate). */
  setStatus(id: string, to: MarkedStatus, options?: SetStatusOptions): Promise<StatusChangeOutcome>;
  /** Marks the item `topic` means known: matching, then `setStatus`. */
  learned(topic: string, options?: StatusChangeOptions): Promise<StatusChangeOutcome>;
  mark(
    topic: string,
    to: MarkedStatus,
    options?: StatusChangeOptions,
  ): Promise<StatusChangeOutcome>;
  unknown(topic: string, options?: UnknownOptions): Promise<UnknownOutcome>;
  /**
   * Puts back the note michi changed last (the newest change not undone yet) if the note still
   * has exactly the bytes michi wrote; otherwise refuses and changes nothing.
   */
  undo(): Promise<UndoOutcome>;
  /**
   * `undo` of exactly one change (the `changeId` of a `changed` / `added` outcome), and only
   * while it is the newest change not undone: after any later change it refuses (`not-last`),
   * because the bytes alone cannot tell it from a later change that wrote the same text.
   */
  undoChange(changeId: string): Promise<UndoChangeOutcome>;
  /** Called by the app after every answer (no-op when the question log is off). */
  logQuestion(answer: Answer): Promise<void>;
  digest(options?: DigestOptions): Promise<Digest>;
  /** PNG of known / partial / unknown at the end of each of the last weeks. */
  progressChart(options?: ChartOptions): Promise<Buffer>;
  status(): Promise<StatusReport>;
  recordDigestPost(post: DigestPost): Promise<void>;
  lastDigestPost(channel?: string | null): Promise<DigestPost | undefined>;
}

export function createLearning(deps: LearningDeps): Learning {
  const { config } = deps;
  const timeZone = config.digest.timezone;
  /** Items a command is changing right now → the note written with each (see recordIngest). */
  const pending = new Map<string, string | null>();
  /** The event recorded for each pending item (by whichever ingest noticed it first). */
  const recorded = new Map<string, LearningEvent>();
  /** Items an undo is putting back: their events get origin `undo`. */
  const undoing = new Set<string>();
  const versions = openVersions(config.dataDir, deps.now);
  /**
   * Journaled edits and undos run one at a time in this process, so "is this the newest
   * change?" still holds when the undo writes.
   */
  let changeQueue: Promise<unknown> = Promise.resolve();
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const run = changeQueue.then(task);
    changeQueue = run.catch(() => undefined);
    return run;
  };

  const history = (): Promise<History> => deps.history();
  const absolute = (file: string) => path.join(config.notesDir, ...file.split("/"));

  /** Ranked candidates among items of the given statuses (the target status included). */
  const findCandidates = async (
    topic: string,
    statuses: ReadonlySet<Status>,
  ): Promise<Candidate[]> => {
    const store = await deps.store();
    const literal = findLiteralMatches(store, topic, statuses);
    const retrieved = (await deps.search(topic, SEARCH_DEPTH)).filter(
      (s) => s.kind === "item" && statuses.has(s.status),
    );
    return rankCandidates(topic, literal, retrieved);
  };

  /**
   * Edits a note, keeping what it replaces (versions store) and journaling the change for undo.
   */
  const editNote = async (
    file: string,
    command: string,
    edit: EditText,
    itemIds: () => readonly string[],
    options: { create?: boolean; journal?: boolean } = {},
  ) => {
    let kept: string | null = null;
    const result = await editFileExactly(absolute(file), edit, {
      create: options.create === true,
      keepReplaced: async (bytes) => {
        kept = await versions.keep(file, bytes);
      },
    });
    // An undo is not journaled: the next undo goes one change further back.
    let change: ChangeRecord | null = null;
    if (result.changed && options.journal !== false) {
      change = await versions.record({
        file,
        command,
        before: kept,
        afterSha256: sha256(Buffer.from(result.after, "utf8")),
        itemIds: itemIds(),
      });
    }
    return { ...result, change };
  };

  /**
   * Sets one item's status: re-parses its note, finds the item by id, edits exactly its marker
   * (and appends the learned line), then re-indexes that note with the item attributed to the
   * command.
   */
  const editItem = async (
    ref: ItemRef,
    to: MarkedStatus,
    note: string | null,
  ): Promise<StatusChangeOutcome> => {
    if (ref.status === to) return { kind: "already", item: toItemRef(ref), to };
    if (!existsSync(absolute(ref.file))) return { kind: "stale", item: toItemRef(ref) };
    const subItem =
      note === null ? null : formatLearnedLine(formatLocalDate(deps.now(), timeZone), note);
    pending.set(ref.id, note);
    try {
      let found = null as ItemRef | null;
      const command = `${to === "known" ? "learned" : `mark ${to}`}: ${ref.text}`;
      const result = await serially(() =>
        editNote(
          ref.file,
          command,
          (current) => {
            const edit = applyStatusEdit(ref.file, current, { itemId: ref.id, to, subItem });
            found = edit.item === null ? null : toItemRef(edit.item);
            return edit.text;
          },
          () => [ref.id],
        ),
      );
      if (found === null) return { kind: "stale", item: toItemRef(ref) };
      if (!result.changed || result.change === null) return { kind: "already", item: found, to };
      await deps.ingest({ only: [ref.file] });
      const event = recorded.get(ref.id);
      return {
        kind: "changed",
        item: { ...found, status: to },
        from: found.status,
        to,
        noteLine: subItem,
        events: event ? [event] : [],
        changeId: result.change.id,
      };
    } finally {
      pending.delete(ref.id);
      recorded.delete(ref.id);
    }
  };

  /**
   * `learned` / `mark`: the item the topic names, among items of `statuses`. Writes only on a
   * clear match or an explicit pick from the very list an ambiguous outcome shows.
   */
  const changeStatus = async (
    topic: string,
    to: MarkedStatus,
    statuses: ReadonlySet<Status>,
    options: StatusChangeOptions,
  ): Promise<StatusChangeOutcome> => {
    const clean = topic.trim();
    if (clean === "") return { kind: "empty-topic" };
    const note = cleanNote(options.note);
    if (note === "") return { kind: "empty-note" };
    // Fresh index first: hand edits made since the last run are recorded as edits, not ours.
    await deps.ingest({});
    const candidates = await findCandidates(clean, statuses);
    if (candidates.length === 0) return { kind: "none", topic: clean, id: null };
    const decision = decideMatch(candidates, to);
    if (options.pick !== undefined) {
      const picked = candidates[options.pick - 1];
      if (!Number.isInteger(options.pick) || picked === undefined) {
        return { kind: "invalid-pick", topic: clean, pick: options.pick, count: candidates.length };
      }
      // A topic that names one item shows no list: a pick of another item comes from an older
      // list (the notes changed since) or from none, so it is refused rather than guessed.
      if (
        (decision.kind === "clear" || decision.kind === "already") &&
        picked.id !== decision.best.id
      ) {
        return {
          kind: "invalid-pick",
          topic: clean,
          pick: options.pick,
          count: candidates.length,
          names: toItemRef(decision.best),
        };
      }
      return editItem(picked, to, note);
    }
    switch (decision.kind) {
      case "clear":
        return editItem(decision.best, to, note);
      case "already":
        return { kind: "already", item: toItemRef(decision.best), to };
      default:
        return { kind: "ambiguous", topic: clean, to, candidates };
    }
  };

  /** Puts back the version before `change` if the note still holds exactly michi's bytes. */
  const revert = async (
    change: ChangeRecord,
  ): Promise<Extract<UndoOutcome, { kind: "undone" | "refused" }>> => {
    const before = await versions.readBefore(change);
    const refused = {
      kind: "refused",
      change,
      kept: change.before === null ? null : versions.pathOf(change.before),
    } as const;
    const isMichis = (bytes: Buffer) => sha256(bytes) === change.afterSha256;
    for (const id of change.itemIds) undoing.add(id);
    try {
      if (before === null) {
        if (!(await removeIfSame(absolute(change.file), isMichis))) return refused;
      } else {
        let same = true;
        await editNote(
          change.file,
          `undo of ${change.command}`,
          (current) => {
            same = isMichis(Buffer.from(current, "utf8"));
            return same ? before.toString("utf8") : null;
          },
          () => change.itemIds,
          { journal: false },
        );
        if (!same) return refused;
      }
      await versions.markReverted(change);
      await deps.ingest({ only: [change.file] });
      const events = change.itemIds.flatMap((id) => {
        const event = recorded.get(id);
        return event ? [event] : [];
      });
      return { kind: "undone", change, events };
    } finally {
      for (const id of change.itemIds) {
        undoing.delete(id);
        recorded.delete(id);
      }
    }
  };

  return {
    async recordIngest(summary) {
      const events = await recordIngest(await history(), await deps.store(), summary, {
        notesDir: config.notesDir,
        now: deps.now(),
        commandItems: pending,
        undoItems: undoing,
      });
      for (const event of events) {
        if (pending.has(event.itemId) || undoing.has(event.itemId))
          recorded.set(event.itemId, event);
      }
      return events;
    },
    async suggest(prefix, limit) {
      return suggestItems(await deps.store(), prefix, limit);
    },
    async setStatus(id, to, options = {}) {
      const note = cleanNote(options.note);
      if (note === "") return { kind: "empty-note" };
      await deps.ingest({});
      const [ref] = (await deps.store()).itemStatesOf([id]);
      if (ref === undefined) return { kind: "none", topic: null, id };
      return editItem(ref, to, note);
    },
    // Known items are candidates too, so a topic naming a known item says "already known"
    // instead of falling through to a weaker match; unmarked ones only for `mark`.
    learned: (topic, options = {}) =>
      changeStatus(topic, "known", new Set<Status>(["unknown", "partial", "known"]), options),
    mark: (topic, to, options = {}) =>
      changeStatus(
        topic,
        to,
        new Set<Status>(["known", "partial", "unknown", "unmarked"]),
        options,
      ),
    async unknown(topic, options = {}) {
      const clean = topic.trim();
      if (clean === "") return { kind: "empty-topic" };
      refuseLinkedInbox(absolute(INBOX_NOTE));
      await deps.ingest({});
      const store = await deps.store();
      const existing = findExistingItem(store, clean, ["unknown", "partial"]);
      if (existing !== undefined) return { kind: "exists", item: toItemRef(existing) };
      if (options.force !== true) {
        const known = knownItemNamed(store, clean);
        if (known !== undefined) return { kind: "contradicts", item: toItemRef(known) };
      }
      const date = formatLocalDate(deps.now(), timeZone);
      let added: ItemRef | undefined;
      const result = await serially(() =>
        editNote(
          INBOX_NOTE,
          `unknown: ${clean}`,
          (current) => {
            const addition = applyInboxAddition(INBOX_NOTE, current, date, clean);
            // A retry on changed text may give the new item another id.
            if (added !== undefined) pending.delete(added.id);
            added = toItemRef(addition.item);
            pending.set(addition.item.id, null);
            return addition.text;
          },
          () => (added ? [added.id] : []),
          { create: true },
        ),
      );
      if (!result.changed || result.change === null || added === undefined) {
        throw new MichiError(`${INBOX_NOTE}: could not add "${clean}".`);
      }
      const item = added;
      try {
        await deps.ingest({ only: [INBOX_NOTE] });
        const event = recorded.get(item.id);
        return { kind: "added", item, events: event ? [event] : [], changeId: result.change.id };
      } finally {
        pending.delete(item.id);
        recorded.delete(item.id);
      }
    },
    async undo() {
      // Fresh index first: hand edits made since the last run are recorded as edits, not ours.
      await deps.ingest({});
      return serially(async () => {
        const change = await versions.lastChange();
        return change === undefined ? { kind: "nothing" } : revert(change);
      });
    },
    async undoChange(changeId) {
      await deps.ingest({});
      return serially(async () => {
        const found = await versions.lookup(changeId);
        if (found.change === undefined) return { kind: "unknown-change", id: changeId };
        if (found.reverted) return { kind: "already-undone", change: found.change };
        if (found.newest !== undefined && found.newest.id !== changeId) {
          return { kind: "not-last", change: found.change, newest: found.newest };
        }
        return revert(found.change);
      });
    },
    async logQuestion(answer) {
      if (!config.questionLog) return;
      (await history()).logQuestion(questionEntryOf(answer, deps.now()));
    },
    async digest(options = {}) {
      if (options.ingest !== false) await deps.ingest({});
      const period = getDefaultPeriod(options.until ?? deps.now(), timeZone);
      const since = options.since ?? period.since;
      const until = options.until ?? period.until;
      if (since >= until) {
        const local = (at: Date) => formatLocalDateTime(at, timeZone);
        throw new MichiError(
          `--since ${local(since)} (${timeZone}) is not before the period's end, ${local(until)}: the digest would be empty.`,
        );
      }
      const h = await history();
      await refreshHeadings(h, config.notesDir);
      return buildDigest(h, { since, until, timeZone });
    },
    async progressChart(options = {}) {
      const weeks = getWeeklyProgress(
        await history(),
        options.until ?? deps.now(),
        timeZone,
        options.weeks,
      );
      const names = STATUS_NAMES[options.language ?? "en"];
      return renderProgressChart({
        title: options.title ?? `${names.known} / ${names.partial} / ${names.unknown}`,
        weeks,
        ...(options.language !== undefined ? { language: options.language } : {}),
        ...(options.width !== undefined ? { width: options.width } : {}),
        ...(options.height !== undefined ? { height: options.height } : {}),
      });
    },
    async status() {
      const store = await deps.store();
      const h = await history();
      const lastIngest = store.meta("last_ingest");
      return {
        notes: [...store.files().values()].filter((f) => f.ok).length,
        items: store.statusCounts(),
        chunks: store.chunkCount(),
        lastIngest: lastIngest ?? null,
        indexBytes: store.indexBytes(),
        warnings: store.warnings(),
        history: {
          baselineAt: h.baselineAt()?.toISOString() ?? null,
          events: h.eventCount(),
          questions: h.questionCount(),
          questionLog: config.questionLog,
        },
        timeZone,
      };
    },
    async recordDigestPost(post) {
      (await history()).recordDigestPost(post);
    },
    async lastDigestPost(channel = null) {
      return (await history()).lastDigestPost(channel);
    },
  };
}

/** Items of the allowed statuses whose text contains the topic (NFKC, case-insensitive). */
function findLiteralMatches(
  store: Store,
  topic: string,
  allowed: ReadonlySet<Status>,
): MatchableItem[] {
  const needle = normalizeForMatch(topic);
  const out: MatchableItem[] = [];
  for (const row of store.itemRowsWithStatus([...allowed])) {
    if (normalizeForMatch(row.text).includes(needle)) out.push(rowToItemState(row));
  }
  return out;
}

/** An item of one of the statuses whose text is the topic, if the notes already have one. */
function findExistingItem(
  store: Store,
  topic: string,
  statuses: readonly Status[],
): MatchableItem | undefined {
  const wanted = normalizeForMatch(topic);
  for (const row of store.itemRowsWithStatus(statuses)) {
    if (normalizeForMatch(row.text) === wanted) return rowToItemState(row);
  }
  return undefined;
}

/**
 * The known item a topic names when it names known items and no open one: adding the topic as
 * an unknown would contradict the notes.
 */
function knownItemNamed(store: Store, topic: string): Candidate | undefined {
  const marked = new Set<Status>(["known", "partial", "unknown"]);
  const decision = decideMatch(
    rankCandidates(topic, findLiteralMatches(store, topic, marked), []),
    "known",
  );
  return decision.kind === "already" ? decision.best : undefined;
}

/** Ingest skips linked notes, so an item written through a linked inbox would never be found. */
function refuseLinkedInbox(inbox: string): void {
  if (lstatSync(inbox, { throwIfNoEntry: false })?.isSymbolicLink()) {
    throw new MichiError(
      `${INBOX_NOTE} is a symbolic link: michi neither reads nor writes linked notes (ingest skips them); replace it with the file itself`,
    );
  }
}

/**
 * Open items for a typed prefix: first those whose text starts with it, then those containing
 * it, then those containing all its words; by note and line within each group.
 */
function suggestItems(store: Store, prefix: string, limit: number): ItemSuggestion[] {
  const max = Math.max(0, Math.floor(limit));
  if (max === 0) return [];
  const needle = normalizeForMatch(prefix);
  const words = needle.split(" ").filter((w) => w !== "");
  const groups: ItemSuggestion[][] = [[], [], []];
  for (const row of store.itemRowsWithStatus(["unknown", "partial"])) {
    const text = normalizeForMatch(row.text);
    const group = text.startsWith(needle)
      ? 0
      : text.includes(needle)
        ? 1
        : words.every((w) => text.includes(w))
          ? 2
          : -1;
    // Rows come in order, so a full first group ends the scan early.
    if (group === -1 || (groups[group]?.length ?? 0) >= max) continue;
    groups[group]?.push(rowToItemState(row));
    if (group === 0 && groups[0]?.length === max) break;
  }
  return groups.flat().slice(0, max);
}

/**
 * A learned note as written: undefined (none), "" (blank: an error) or the text on one line, so
 * the reply and the history show exactly the line the note gets.
 */
function cleanNote(note: string | undefined): string | null {
  return note === undefined ? null : flattenLines(note);
}

/** Undoes michi creating a note (the inbox): removes it only if it still holds michi's bytes. */
async function removeIfSame(file: string, isMichis: (bytes: Buffer) => boolean): Promise<boolean> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
  if (!isMichis(bytes)) return false;
  await unlink(file);
  return true;
}
