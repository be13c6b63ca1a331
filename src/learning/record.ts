/**
 * After every ingest: compare the items' statuses with the snapshot and record what changed as
 * learning events, so flipping a marker in an editor counts as learning just like `learned`.
 *
 * Rules (to be described for users in the docs):
 * - The first ingest into an empty history records the snapshot as the baseline and no events,
 *   so a new install does not report every item as "added" this week.
 * - An item keeps its identity (its chunk id) when its marker changes or it moves within its
 *   note. An item whose text is edited gets a new id; when an item disappears and another
 *   appears on the same line of the same note in one ingest, it is taken to be the same item
 *   edited, so only a status change (if any) is recorded.
 * - Transitions: rising to known, or unknown → partial, is `learned`; falling (known → partial
 *   or unknown, partial → unknown) is `regressed`; a new item, or an unmarked one that gets an
 *   unknown/partial marker, is `added`; an item that is deleted or loses its marker is `removed`.
 *   An unmarked item that gets a known marker is `learned`. Unmarked items appearing or
 *   disappearing (a note written under an item, a list of links) are no events.
 * - A note that cannot be read (bad frontmatter, not UTF-8) keeps its old snapshot, so fixing it
 *   later does not produce a burst of removals and additions.
 * - Only notes whose indexed content changed are compared, and nothing at all when the index
 *   did not change, so a no-op re-ingest of 100k items costs one meta lookup.
 */
import path from "node:path";
import type { IngestSummary } from "../index/ingest.js";
import type { FileRecord, Store } from "../index/store.js";
import type { Heading, Status } from "../notes/index.js";
import { readNote } from "../notes/scan.js";
import type {
  EventKind,
  FileSync,
  History,
  LearningEvent,
  NewEvent,
  SnapshotItem,
  StoredHeading,
} from "./history.js";

const RANK: Readonly<Record<Exclude<Status, "unmarked">, number>> = {
  unknown: 0,
  partial: 1,
  known: 2,
};

/** The event a status transition is, or null when it is none. See the rules above. */
export function classifyTransition(from: Status | null, to: Status | null): EventKind | null {
  if (from === to) return null;
  // Plain bullets coming and going (sub-item notes, lists of links) are not learning.
  if ((from === null || from === "unmarked") && (to === null || to === "unmarked")) return null;
  if (from === null) return "added";
  if (to === null || to === "unmarked") return "removed";
  if (from === "unmarked") return to === "known" ? "learned" : "added";
  return RANK[to] > RANK[from] ? "learned" : "regressed";
}

export interface SnapshotChange {
  readonly kind: EventKind;
  /** The item as it is now (as it was, for a removal). */
  readonly item: SnapshotItem;
  readonly from: Status | null;
  readonly to: Status | null;
}

export interface SnapshotDiff {
  readonly upserts: SnapshotItem[];
  readonly removeIds: string[];
  readonly changes: SnapshotChange[];
}

/** Compares one note's snapshot with its current items. Pure. */
export function diffSnapshot(
  previous: readonly SnapshotItem[],
  current: readonly SnapshotItem[],
): SnapshotDiff {
  const before = new Map(previous.map((item) => [item.id, item]));
  const now = new Set(current.map((item) => item.id));
  const upserts: SnapshotItem[] = [];
  const changes: SnapshotChange[] = [];
  const added: SnapshotItem[] = [];
  for (const item of current) {
    const old = before.get(item.id);
    if (old === undefined) {
      added.push(item);
      continue;
    }
    if (!isSameRow(old, item)) upserts.push(item);
    const kind = classifyTransition(old.status, item.status);
    if (kind !== null) changes.push({ kind, item, from: old.status, to: item.status });
  }
  const gone = previous.filter((item) => !now.has(item.id));
  const goneByLine = new Map<number, SnapshotItem>();
  for (const item of gone) if (!goneByLine.has(item.line)) goneByLine.set(item.line, item);
  const paired = new Set<string>();
  for (const item of added) {
    upserts.push(item);
    // Same note, same line, one gone and one new: the item's text was edited.
    const old = goneByLine.get(item.line);
    if (old !== undefined && !paired.has(old.id)) {
      paired.add(old.id);
      const kind = classifyTransition(old.status, item.status);
      if (kind !== null) changes.push({ kind, item, from: old.status, to: item.status });
      continue;
    }
    const kind = classifyTransition(null, item.status);
    if (kind !== null) changes.push({ kind, item, from: null, to: item.status });
  }
  for (const item of gone) {
    if (paired.has(item.id)) continue;
    const kind = classifyTransition(item.status, null);
    if (kind !== null) changes.push({ kind, item, from: item.status, to: null });
  }
  return { upserts, removeIds: gone.map((item) => item.id), changes };
}

function isSameRow(a: SnapshotItem, b: SnapshotItem): boolean {
  return (
    a.line === b.line &&
    a.text === b.text &&
    a.status === b.status &&
    a.title === b.title &&
    a.file === b.file &&
    sameStrings(a.sectionPath, b.sectionPath)
  );
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export interface RecordOptions {
  readonly notesDir: string;
  readonly now: Date;
  /**
   * Items a michi command just changed, each with the note written with it (or null). Their
   * events get origin `command`; every other change was made by hand (`edit`).
   */
  readonly commandItems?: ReadonlyMap<string, string | null>;
  /** Items `michi undo` just put back: their events get origin `undo`. */
  readonly undoItems?: ReadonlySet<string>;
}

const SYNCED_KEY = "synced_ingest";

/** Records the events of an ingest that just ran against `store`; returns them. */
export async function recordIngest(
  history: History,
  store: Store,
  summary: Pick<IngestSummary, "changes"> &
    Partial<Pick<IngestSummary, "parsed" | "itemDeltas" | "rebuiltBecause">>,
  options: RecordOptions,
): Promise<LearningEvent[]> {
  const lastIngest = store.meta("last_ingest") ?? "";
  const baseline = history.baselineAt() === null;
  // Fast path: the index did not change since the history was last synced with it.
  if (!baseline && summary.changes.length === 0 && history.readMeta(SYNCED_KEY) === lastIngest) {
    return [];
  }

  const indexed = store.files();
  const changedFiles = filesToSync(indexed, history.fileHashes());

  // The items ingest just indexed, straight from its parse; any other note's from the index.
  const parsed = new Map((summary.parsed ?? []).map((note) => [note.file, note]));
  const itemsOf = (file: string, hash: string) => {
    const note = parsed.get(file);
    return note?.hash === hash ? note.items : store.itemsOfFile(file);
  };
  // When the history last synced with the index state this ingest started from (the usual
  // case), a note's snapshot is that state, so the ingest's own item deltas are the diff's
  // input: unchanged items are in neither list and cannot affect the outcome.
  const deltas = new Map(
    isSyncedWith(history, summary)
      ? (summary.itemDeltas?.notes ?? []).map((delta) => [delta.file, delta])
      : [],
  );
  const syncs: FileSync[] = [];
  const events: NewEvent[] = [];
  for (const file of changedFiles) {
    const record = indexed.get(file);
    const delta = deltas.get(file);
    const diff = delta
      ? diffSnapshot(delta.before, delta.after)
      : diffSnapshot(history.snapshotOfFile(file), record ? itemsOf(file, record.hash) : []);
    syncs.push({
      file,
      hash: record?.hash ?? null,
      upserts: diff.upserts,
      removeIds: diff.removeIds,
    });
    if (baseline) continue;
    for (const change of diff.changes) events.push(eventOf(change, options));
  }
  const inserted = history.applySync(syncs, events, options.now);
  // The notes ingest just parsed: store their headings now rather than re-reading them later.
  history.db.transaction(() => {
    for (const note of parsed.values()) {
      history.replaceHeadings(
        note.file,
        note.hash,
        toStoredHeadings(note.file, note.title, note.headings),
      );
    }
  })();
  history.writeMeta(SYNCED_KEY, lastIngest);
  return inserted;
}

/**
 * The notes whose snapshot is behind the index: indexed with another hash, or no longer
 * indexed. An unreadable note keeps its old snapshot until it can be read again.
 */
function filesToSync(
  indexed: ReadonlyMap<string, FileRecord>,
  recorded: ReadonlyMap<string, string>,
): string[] {
  const files: string[] = [];
  for (const [file, record] of indexed) {
    if (record.ok && recorded.get(file) !== record.hash) files.push(file);
  }
  for (const file of recorded.keys()) if (!indexed.has(file)) files.push(file);
  return files;
}

/** A change as the event it is, attributed to an undo, a michi command or a hand edit. */
function eventOf(change: SnapshotChange, options: RecordOptions): NewEvent {
  const id = change.item.id;
  const undo = options.undoItems?.has(id) === true;
  const command = !undo && options.commandItems?.has(id) === true;
  return {
    at: options.now,
    kind: change.kind,
    origin: undo ? "undo" : command ? "command" : "edit",
    itemId: id,
    file: change.item.file,
    title: change.item.title,
    sectionPath: change.item.sectionPath,
    line: change.item.line,
    text: change.item.text,
    from: change.from,
    to: change.to,
    note: command ? (options.commandItems?.get(id) ?? null) : null,
  };
}

function isSyncedWith(
  history: History,
  summary: Partial<Pick<IngestSummary, "itemDeltas" | "rebuiltBecause">>,
): boolean {
  const since = summary.itemDeltas?.since ?? null;
  // A rebuild emptied the index first, so its deltas start from nothing, not from the snapshot.
  return since !== null && !summary.rebuiltBecause && history.readMeta(SYNCED_KEY) === since;
}

/**
 * Reads the headings of the notes that changed since their headings were last read, for
 * "sections with no items" in the digest. Done when a digest needs them rather than at every
 * ingest, so ingest never parses a note twice.
 */
export async function refreshHeadings(history: History, notesDir: string): Promise<void> {
  for (const { file, hash } of history.staleHeadingFiles()) {
    history.replaceHeadings(file, hash, await readHeadings(notesDir, file));
  }
}

/** The note's headings with their item and prose counts. */
async function readHeadings(notesDir: string, file: string): Promise<StoredHeading[]> {
  const absolute = path.join(notesDir, ...file.split("/"));
  const result = await readNote({ file, absolute, size: 0, mtimeMs: 0 });
  if (!result.ok) return [];
  return toStoredHeadings(file, result.note.title, result.note.headings);
}

function toStoredHeadings(
  file: string,
  title: string,
  headings: readonly Heading[],
): StoredHeading[] {
  return headings.map((h) => ({ ...h, file, title }));
}
