/**
 * Learning history (SPEC §5): the last seen status of every item (the snapshot), the events
 * derived from it, the question log and digest posts.
 *
 * It lives in its own SQLite file, `history.db`, beside the index (`michi.db`): a damaged index
 * is rebuilt from the notes, which the history cannot be, so index damage and `ingest --rebuild`
 * must never take it along. Since the snapshot survives a rebuild, re-ingesting the same notes
 * finds nothing changed instead of "adding" every item again. Deleting `.michi/` loses history;
 * the first ingest afterwards records a new baseline. Older michis kept these tables in
 * `michi.db`: they are copied over once (`openHistoryFile`).
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { Answer } from "../ask/index.js";
import { MichiError } from "../errors.js";
import { withFsErrors } from "../fs-errors.js";
import { DB_FILE, rowToItemState } from "../index/store.js";
import type { Heading, Status } from "../notes/index.js";
import type { ItemRef } from "./item-ref.js";
import { perConnection } from "./per-connection.js";

/** What happened to an item between two ingests. */
export type EventKind = "learned" | "regressed" | "added" | "removed";
/**
 * `command`: michi changed the note (`learned`, `mark`, `unknown`); `edit`: a hand edit;
 * `undo`: `michi undo` put back the version before a command's change (the change is reverted).
 */
export type EventOrigin = "command" | "edit" | "undo";

/** An item as last seen by ingest: the snapshot row. */
export type SnapshotItem = ItemRef;

export interface LearningEvent {
  readonly seq: number;
  readonly at: Date;
  readonly kind: EventKind;
  readonly origin: EventOrigin;
  readonly itemId: string;
  readonly file: string;
  readonly title: string;
  readonly sectionPath: readonly string[];
  readonly line: number;
  readonly text: string;
  /** Status before; null for an item that was not there. */
  readonly from: Status | null;
  /** Status after; null for an item that is gone. */
  readonly to: Status | null;
  /** The `--note` written with `learned`, if any. */
  readonly note: string | null;
}

export type NewEvent = Omit<LearningEvent, "seq">;

/** A note's heading as the history keeps it, with the note it is in. */
export interface StoredHeading extends Heading {
  readonly file: string;
  readonly title: string;
}

export interface QuestionEntry {
  readonly at: Date;
  readonly question: string;
  readonly flag: string;
  /** The primary source (the one the flag comes from); null when nothing matched. */
  readonly itemId: string | null;
  readonly file: string | null;
  readonly line: number | null;
  readonly text: string | null;
  readonly status: Status | null;
}

/** The log entry of an answer: its question, flag and primary source (none for a "none" answer). */
export function questionEntryOf(answer: Answer, at: Date): QuestionEntry {
  const primary = answer.flag === "none" ? undefined : answer.sources[0];
  return {
    at,
    // A follow-up with its topic: "What is it used for?" alone says nothing in a digest.
    question: answer.standalone ?? answer.question,
    flag: answer.flag,
    itemId: primary?.id ?? null,
    file: primary?.file ?? null,
    line: primary?.line ?? null,
    text: primary?.text ?? null,
    status: primary?.status ?? null,
  };
}

export interface DigestPost {
  readonly at: Date;
  readonly since: Date;
  readonly until: Date;
  /** Where it was posted (a Discord channel id), or null for a local run. */
  readonly channel: string | null;
  readonly messageId: string | null;
}

/** The snapshot edits and events one ingest produces for one note. */
export interface FileSync {
  readonly file: string;
  /** Hash of the note as indexed; null when the note is gone. */
  readonly hash: string | null;
  readonly upserts: readonly SnapshotItem[];
  readonly removeIds: readonly string[];
}

export interface History {
  readonly db: Database.Database;
  /** When the first snapshot was taken; null before the first ingest. */
  baselineAt(): Date | null;
  readMeta(key: string): string | undefined;
  writeMeta(key: string, value: string): void;
  fileHashes(): Map<string, string>;
  snapshotOfFile(file: string): SnapshotItem[];
  snapshot(): SnapshotItem[];
  headings(): StoredHeading[];
  /** Notes whose headings were last read from other content than the indexed one. */
  staleHeadingFiles(): { file: string; hash: string }[];
  /** Stores a note's headings as read from the content with `hash`. */
  replaceHeadings(file: string, hash: string, headings: readonly StoredHeading[]): void;
  /** Applies one ingest's snapshot changes and events at once; sets the baseline if unset. */
  applySync(syncs: readonly FileSync[], events: readonly NewEvent[], at: Date): LearningEvent[];
  /** Events with `since <= at < until`, oldest first. */
  eventsBetween(since: Date, until: Date): LearningEvent[];
  /** Events at or after `since`, newest first (for replaying history backwards). */
  eventsSince(since: Date): LearningEvent[];
  eventCount(): number;
  logQuestion(entry: QuestionEntry): void;
  questionsBetween(since: Date, until: Date): QuestionEntry[];
  questionCount(): number;
  recordDigestPost(post: DigestPost): void;
  lastDigestPost(channel?: string | null): DigestPost | undefined;
}

export const HISTORY_FILE = "history.db";

/** The history's tables, as older michis kept them in the index database. */
const HISTORY_TABLES = [
  "learning_meta",
  "learning_files",
  "learning_snapshot",
  "learning_headings",
  "learning_events",
  "learning_questions",
  "learning_digest_posts",
] as const;

/**
 * Opens (creating if needed) the history file of a data directory, bringing over the history an
 * older michi kept in the index database, once. A damaged history file is reported, never
 * replaced: unlike the index, it cannot be rebuilt.
 */
export function openHistoryFile(dataDir: string): History {
  const file = path.join(dataDir, HISTORY_FILE);
  withFsErrors(dataDir, "create the data folder", () => mkdirSync(dataDir, { recursive: true }));
  let db: Database.Database | null = null;
  try {
    db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    const history = openHistory(db);
    importLegacyHistory(db, path.join(dataDir, DB_FILE));
    return history;
  } catch (error) {
    db?.close();
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && /^SQLITE_(CORRUPT|NOTADB)/.test(code)) {
      throw new MichiError(
        `the learning history ${file} is damaged (${(error as Error).message}); move it aside to start a new history (the notes are unaffected)`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** Copies the history tables of an older michi's index database, once, then drops them there. */
function importLegacyHistory(db: Database.Database, legacyFile: string): void {
  const imported = () =>
    (
      db.prepare("SELECT value FROM learning_meta WHERE key = 'imported_index_history'").get() as
        | { value: string }
        | undefined
    )?.value;
  const mark = (value: string) =>
    db
      .prepare(
        "INSERT INTO learning_meta(key, value) VALUES ('imported_index_history', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      )
      .run(value);
  if (imported() !== undefined) return;
  if (!existsSync(legacyFile)) {
    mark("none");
    return;
  }
  try {
    db.prepare("ATTACH DATABASE ? AS legacy").run(legacyFile);
  } catch {
    mark("unreadable");
    return;
  }
  try {
    let copied = false;
    // IMMEDIATE: two processes opening the history for the first time copy it only once.
    db.transaction(() => {
      if (imported() !== undefined) return;
      const present = new Set(
        db
          .prepare("SELECT name FROM legacy.sqlite_master WHERE type = 'table'")
          .pluck()
          .all() as string[],
      );
      for (const table of HISTORY_TABLES) {
        if (!present.has(table)) continue;
        const columns = (
          db
            .prepare(`SELECT name FROM pragma_table_info('${table}', 'legacy')`)
            .pluck()
            .all() as string[]
        ).join(", ");
        db.exec(`INSERT INTO main.${table} (${columns}) SELECT ${columns} FROM legacy.${table}`);
        copied = true;
      }
      mark(copied ? new Date().toISOString() : "none");
    }).immediate();
    if (copied) {
      for (const table of HISTORY_TABLES) db.exec(`DROP TABLE IF EXISTS legacy.${table}`);
    }
  } catch (error) {
    // A damaged index database: whatever history it held cannot be read any more.
    const code = (error as { code?: unknown }).code;
    if (typeof code !== "string" || !/^SQLITE_(CORRUPT|NOTADB|IOERR)/.test(code)) throw error;
    mark("unreadable");
  } finally {
    db.exec("DETACH DATABASE legacy");
  }
}

/** Opens the history tables in a database (see `openHistoryFile`), creating them on first use. */
export const openHistory = perConnection((db): History => {
  migrateHistory(db);
  return createHistory(db);
});

function createHistory(db: Database.Database): History {
  const s = {
    getMeta: db.prepare<[string], { value: string }>(
      "SELECT value FROM learning_meta WHERE key = ?",
    ),
    setMeta: db.prepare(
      "INSERT INTO learning_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ),
    fileHashes: db.prepare("SELECT file, hash FROM learning_files"),
    setFileHash: db.prepare(
      "INSERT INTO learning_files(file, hash) VALUES (?, ?) ON CONFLICT(file) DO UPDATE SET hash = excluded.hash",
    ),
    removeFile: db.prepare("DELETE FROM learning_files WHERE file = ?"),
    staleHeadingFiles: db.prepare(
      "SELECT file, hash FROM learning_files WHERE headings_hash IS NULL OR headings_hash != hash ORDER BY file",
    ),
    setHeadingsHash: db.prepare("UPDATE learning_files SET headings_hash = ? WHERE file = ?"),
    snapshotOfFile: db.prepare("SELECT * FROM learning_snapshot WHERE file = ?"),
    snapshot: db.prepare("SELECT * FROM learning_snapshot ORDER BY file, line"),
    upsertItem: db.prepare(
      `INSERT INTO learning_snapshot(id, file, title, section_path, line, text, status)
       VALUES (@id, @file, @title, @section_path, @line, @text, @status)
       ON CONFLICT(id) DO UPDATE SET file = excluded.file, title = excluded.title,
         section_path = excluded.section_path, line = excluded.line, text = excluded.text,
         status = excluded.status`,
    ),
    removeItem: db.prepare("DELETE FROM learning_snapshot WHERE id = ?"),
    headings: db.prepare("SELECT * FROM learning_headings ORDER BY file, line"),
    clearHeadings: db.prepare("DELETE FROM learning_headings WHERE file = ?"),
    headingsOfFile: db
      .prepare(
        "SELECT title, depth, text, line, path, item_count, prose_count FROM learning_headings WHERE file = ? ORDER BY rowid",
      )
      .raw(),
    addHeading: db.prepare(
      `INSERT INTO learning_headings(file, title, depth, text, line, path, item_count, prose_count)
       VALUES (@file, @title, @depth, @text, @line, @path, @item_count, @prose_count)`,
    ),
    addEvent: db.prepare(
      `INSERT INTO learning_events(at, kind, origin, item_id, file, title, section_path, line,
         text, from_status, to_status, note)
       VALUES (@at, @kind, @origin, @item_id, @file, @title, @section_path, @line, @text,
         @from_status, @to_status, @note)`,
    ),
    eventsBetween: db.prepare(
      "SELECT * FROM learning_events WHERE at >= ? AND at < ? ORDER BY at, seq",
    ),
    eventsSince: db.prepare(
      "SELECT * FROM learning_events WHERE at >= ? ORDER BY at DESC, seq DESC",
    ),
    eventCount: db.prepare("SELECT count(*) AS n FROM learning_events"),
    addQuestion: db.prepare(
      `INSERT INTO learning_questions(at, question, flag, item_id, file, line, text, status)
       VALUES (@at, @question, @flag, @item_id, @file, @line, @text, @status)`,
    ),
    questionsBetween: db.prepare(
      "SELECT * FROM learning_questions WHERE at >= ? AND at < ? ORDER BY at, seq",
    ),
    questionCount: db.prepare("SELECT count(*) AS n FROM learning_questions"),
    addDigestPost: db.prepare(
      `INSERT INTO learning_digest_posts(at, since, until, channel, message_id)
       VALUES (?, ?, ?, ?, ?)`,
    ),
    lastDigestPost: db.prepare(
      "SELECT * FROM learning_digest_posts WHERE channel IS ? ORDER BY at DESC, seq DESC LIMIT 1",
    ),
  };
  const readMeta = (key: string) => s.getMeta.get(key)?.value;

  return {
    db,
    baselineAt() {
      const value = readMeta("baseline_at");
      return value === undefined ? null : new Date(Number(value));
    },
    readMeta,
    writeMeta: (key, value) => void s.setMeta.run(key, value),
    fileHashes() {
      const rows = s.fileHashes.all() as { file: string; hash: string }[];
      return new Map(rows.map((r) => [r.file, r.hash]));
    },
    snapshotOfFile: (file) => (s.snapshotOfFile.all(file) as Row[]).map(rowToItemState),
    snapshot: () => (s.snapshot.all() as Row[]).map(rowToItemState),
    headings: () => (s.headings.all() as Row[]).map(rowToHeading),
    staleHeadingFiles: () => s.staleHeadingFiles.all() as { file: string; hash: string }[],
    replaceHeadings(file, hash, headings) {
      db.transaction(() => {
        // Most re-read notes keep their headings: comparing is cheaper than rewriting them.
        const stored = s.headingsOfFile.all(file) as unknown[][];
        if (!sameHeadings(stored, headings)) {
          s.clearHeadings.run(file);
          for (const h of headings) {
            s.addHeading.run({
              file,
              title: h.title,
              depth: h.depth,
              text: h.text,
              line: h.line,
              path: JSON.stringify(h.path),
              item_count: h.itemCount,
              prose_count: h.proseCount,
            });
          }
        }
        s.setHeadingsHash.run(hash, file);
      })();
    },
    applySync(syncs, events, at) {
      const inserted: LearningEvent[] = [];
      db.transaction(() => {
        for (const sync of syncs) {
          for (const id of sync.removeIds) s.removeItem.run(id);
          for (const item of sync.upserts) s.upsertItem.run(snapshotItemToRow(item));
          if (sync.hash === null) {
            s.removeFile.run(sync.file);
            s.clearHeadings.run(sync.file);
          } else {
            s.setFileHash.run(sync.file, sync.hash);
          }
        }
        for (const event of events) {
          const result = s.addEvent.run(eventToRow(event));
          inserted.push({ ...event, seq: Number(result.lastInsertRowid) });
        }
        if (readMeta("baseline_at") === undefined) s.setMeta.run("baseline_at", String(+at));
      })();
      return inserted;
    },
    eventsBetween: (since, until) => (s.eventsBetween.all(+since, +until) as Row[]).map(rowToEvent),
    eventsSince: (since) => (s.eventsSince.all(+since) as Row[]).map(rowToEvent),
    eventCount: () => (s.eventCount.get() as { n: number }).n,
    logQuestion(entry) {
      s.addQuestion.run({
        at: +entry.at,
        question: entry.question,
        flag: entry.flag,
        item_id: entry.itemId,
        file: entry.file,
        line: entry.line,
        text: entry.text,
        status: entry.status,
      });
    },
    questionsBetween: (since, until) =>
      (s.questionsBetween.all(+since, +until) as Row[]).map(rowToQuestion),
    questionCount: () => (s.questionCount.get() as { n: number }).n,
    recordDigestPost(post) {
      s.addDigestPost.run(+post.at, +post.since, +post.until, post.channel, post.messageId);
    },
    lastDigestPost(channel = null) {
      const row = s.lastDigestPost.get(channel) as Row | undefined;
      if (!row) return undefined;
      return {
        at: new Date(row.at as number),
        since: new Date(row.since as number),
        until: new Date(row.until as number),
        channel: row.channel as string | null,
        messageId: row.message_id as string | null,
      };
    },
  };
}

type Row = Record<string, unknown>;

/** Whether stored heading rows (title, depth, text, line, path, item_count, prose_count) match. */
function sameHeadings(stored: readonly unknown[][], headings: readonly StoredHeading[]): boolean {
  return (
    stored.length === headings.length &&
    headings.every((h, i) => {
      const row = stored[i] ?? [];
      return (
        row[0] === h.title &&
        row[1] === h.depth &&
        row[2] === h.text &&
        row[3] === h.line &&
        row[5] === h.itemCount &&
        row[6] === h.proseCount &&
        row[4] === JSON.stringify(h.path)
      );
    })
  );
}

function snapshotItemToRow(item: SnapshotItem): Row {
  return {
    id: item.id,
    file: item.file,
    title: item.title,
    section_path: JSON.stringify(item.sectionPath),
    line: item.line,
    text: item.text,
    status: item.status,
  };
}

function rowToHeading(row: Row): StoredHeading {
  return {
    file: row.file as string,
    title: row.title as string,
    depth: row.depth as number,
    text: row.text as string,
    line: row.line as number,
    path: JSON.parse(row.path as string) as string[],
    itemCount: row.item_count as number,
    proseCount: row.prose_count as number,
  };
}

function eventToRow(event: NewEvent): Row {
  return {
    at: +event.at,
    kind: event.kind,
    origin: event.origin,
    item_id: event.itemId,
    file: event.file,
    title: event.title,
    section_path: JSON.stringify(event.sectionPath),
    line: event.line,
    text: event.text,
    from_status: event.from,
    to_status: event.to,
    note: event.note,
  };
}

function rowToEvent(row: Row): LearningEvent {
  return {
    seq: row.seq as number,
    at: new Date(row.at as number),
    kind: row.kind as EventKind,
    origin: row.origin as EventOrigin,
    itemId: row.item_id as string,
    file: row.file as string,
    title: row.title as string,
    sectionPath: JSON.parse(row.section_path as string) as string[],
    line: row.line as number,
    text: row.text as string,
    from: row.from_status as Status | null,
    to: row.to_status as Status | null,
    note: row.note as string | null,
  };
}

/** A row of the question log's columns (also the shown-answers table's) as an entry. */
export function rowToQuestion(row: Record<string, unknown>): QuestionEntry {
  return {
    at: new Date(row.at as number),
    question: row.question as string,
    flag: row.flag as string,
    itemId: row.item_id as string | null,
    file: row.file as string | null,
    line: row.line as number | null,
    text: row.text as string | null,
    status: row.status as Status | null,
  };
}

function migrateHistory(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS learning_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS learning_files (
      file TEXT PRIMARY KEY, hash TEXT NOT NULL, headings_hash TEXT
    );
    CREATE TABLE IF NOT EXISTS learning_snapshot (
      id TEXT PRIMARY KEY, file TEXT NOT NULL, title TEXT NOT NULL, section_path TEXT NOT NULL,
      line INTEGER NOT NULL, text TEXT NOT NULL, status TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS learning_snapshot_file ON learning_snapshot(file);
    CREATE TABLE IF NOT EXISTS learning_headings (
      file TEXT NOT NULL, title TEXT NOT NULL, depth INTEGER NOT NULL, text TEXT NOT NULL,
      line INTEGER NOT NULL, path TEXT NOT NULL, item_count INTEGER NOT NULL,
      prose_count INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS learning_headings_file ON learning_headings(file);
    CREATE TABLE IF NOT EXISTS learning_events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, kind TEXT NOT NULL,
      origin TEXT NOT NULL, item_id TEXT NOT NULL, file TEXT NOT NULL, title TEXT NOT NULL,
      section_path TEXT NOT NULL, line INTEGER NOT NULL, text TEXT NOT NULL,
      from_status TEXT, to_status TEXT, note TEXT
    );
    CREATE INDEX IF NOT EXISTS learning_events_at ON learning_events(at);
    CREATE TABLE IF NOT EXISTS learning_questions (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, question TEXT NOT NULL,
      flag TEXT NOT NULL, item_id TEXT, file TEXT, line INTEGER, text TEXT, status TEXT
    );
    CREATE INDEX IF NOT EXISTS learning_questions_at ON learning_questions(at);
    CREATE TABLE IF NOT EXISTS learning_digest_posts (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, since INTEGER NOT NULL,
      until INTEGER NOT NULL, channel TEXT, message_id TEXT
    );
  `);
}
