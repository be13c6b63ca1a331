/**
 * The derived index: chunks and metadata in SQLite, vectors in an HNSW graph on disk.
 *
 * Crash safety: each committed ingest writes the graph to a new generation file first, then
 * commits the SQLite transaction that points at it. A crash before the commit leaves the old
 * generation and the old rows in force; a stray newer file is removed on the next open.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import hnswlib from "hnswlib-node";
import { MichiError } from "../errors.js";
import { withFsErrors } from "../fs-errors.js";
import type { NoteWarning, Status } from "../notes/index.js";
import { type Chunk, keywordTextOf, noteLinksOfItem } from "./chunk.js";
import type { NoteLink } from "./pointer.js";

/**
 * HNSW build and search parameters, tuned with `npm run bench` (docs/benchmarks.md) for
 * recall@10 ≥ 0.98 at 100k items: 0.994 at efSearch 800 once identical texts share a point.
 * Lower efConstruction caps recall on the hashed local vectors whatever efSearch is (64 topped
 * out near 0.97), while building dominates a cold ingest and a search costs ~1.5 ms at 100k:
 * hence a moderate efConstruction and a high efSearch.
 */
export const HNSW_DEFAULTS = {
  /**
   * Graph degree. With a short build list (efConstruction) a wider graph keeps recall: at 100k
   * chunks M 24 / efC 48 / ef 1600 builds 2.4× faster than M 16 / efC 100 / ef 800 at the same
   * recall@10 (0.99); see docs/benchmarks.md.
   */
  m: 24,
  /** Candidate list while building: the main cost of a cold ingest. */
  efConstruction: 48,
  /** Candidate list while searching (raised to k when k is larger): ~4 ms at 100k chunks. */
  efSearch: 1600,
  /** Fixed so the same notes build the same graph. */
  randomSeed: 42,
} as const;

const SCHEMA_VERSION = "2";

/** Steps that bring an index of an older schema forward, by the version they start from. */
const MIGRATIONS: Readonly<Record<string, { readonly to: string; readonly sql: string }>> = {
  // Chunks no longer keep file offsets (see StoredChunk).
  "1": {
    to: "2",
    sql: "ALTER TABLE chunks DROP COLUMN text_offset; ALTER TABLE chunks DROP COLUMN marker;",
  },
};

export interface EmbedderInfo {
  readonly name: string;
  readonly dimensions: number;
}

export interface FileRecord {
  readonly file: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly hash: string;
  /** False when the file was skipped (binary, not UTF-8, bad frontmatter). */
  readonly ok: boolean;
}

/**
 * A chunk as the index keeps it. Its offsets in the file (`textOffset`, the marker's span) are
 * not kept: they shift with every edit above the item, so keeping them would rewrite most rows
 * of an edited note, and the edits that need them re-parse the note first anyway.
 */
/** What the in-memory indexes need of a chunk. */
export interface IndexedText {
  readonly id: string;
  /** Keyword text: the item's words and sub-items; empty for a pointer line. */
  readonly text: string;
  readonly file: string;
  readonly title: string;
  readonly sectionPath: readonly string[];
  /** Links to other notes (a pointer line's only content): anchor text for their targets. */
  readonly links?: readonly NoteLink[];
}

/** A chunk as the in-memory indexes see it (read from the store, or just ingested). */
export function indexedTextOf(
  chunk: Pick<Chunk, "id" | "text" | "context" | "file" | "title" | "sectionPath">,
): IndexedText {
  const links = noteLinksOfItem(chunk);
  return {
    id: chunk.id,
    text: keywordTextOf(chunk),
    file: chunk.file,
    title: chunk.title,
    sectionPath: chunk.sectionPath,
    ...(links.length > 0 ? { links } : {}),
  };
}

export interface StoredChunk extends Omit<Chunk, "textOffset" | "marker"> {
  readonly label: number;
}

/**
 * A stored chunk as ingest compares it with a new read: without its text (the id stands for
 * it) and with its lists as the stored JSON, since most rows of an edited note are only
 * compared, never used.
 */
export interface StoredChunkRow
  extends Omit<StoredChunk, "file" | "text" | "sectionPath" | "context"> {
  readonly sectionPathJson: string;
  readonly contextJson: string;
}

export interface ItemState {
  readonly id: string;
  readonly file: string;
  readonly title: string;
  readonly sectionPath: readonly string[];
  readonly line: number;
  readonly text: string;
  readonly status: Status;
}

export interface VectorHit {
  readonly id: string;
  /** Cosine similarity in [-1, 1]. */
  readonly similarity: number;
}

type Row = Record<string, unknown>;

/** The columns `rowToItemState` reads. */
const ITEM_STATE_COLUMNS = "id, file, title, section_path, line, text, status";

/** A row of `ITEM_STATE_COLUMNS`, its text readable before the row is converted. */
export type ItemStateRow = Row & { readonly text: string };

/** An `ItemState` from a row with columns id, file, title, section_path, line, text, status. */
export function rowToItemState(row: Record<string, unknown>): ItemState {
  return {
    id: row.id as string,
    file: row.file as string,
    title: row.title as string,
    sectionPath: JSON.parse(row.section_path as string) as string[],
    line: row.line as number,
    text: row.text as string,
    status: row.status as Status,
  };
}

function rowToChunk(row: Row): StoredChunk {
  return {
    id: row.id as string,
    label: row.label as number,
    kind: row.kind as Chunk["kind"],
    file: row.file as string,
    line: row.line as number,
    endLine: row.end_line as number,
    title: row.title as string,
    sectionPath: JSON.parse(row.section_path as string) as string[],
    status: row.status as Status,
    text: row.text as string,
    context: JSON.parse(row.context as string) as string[],
    depth: row.depth as number,
    embedHash: row.embed_hash as string,
  };
}

/** The columns of `StoredChunkRow`, in the order `rawToChunkRow` reads them. */
const CHUNK_ROW_COLUMNS =
  "id, label, kind, line, end_line, title, section_path, status, context, depth, embed_hash";

/** Reads rows as arrays (half the cost of better-sqlite3's objects for a large re-ingest). */
function rawToChunkRow(row: unknown[]): StoredChunkRow {
  return {
    id: row[0] as string,
    label: row[1] as number,
    kind: row[2] as Chunk["kind"],
    line: row[3] as number,
    endLine: row[4] as number,
    title: row[5] as string,
    sectionPathJson: row[6] as string,
    status: row[7] as Status,
    contextJson: row[8] as string,
    depth: row[9] as number,
    embedHash: row[10] as string,
  };
}

function chunkToRow(chunk: Chunk, label: number): Row {
  return {
    id: chunk.id,
    label,
    kind: chunk.kind,
    file: chunk.file,
    line: chunk.line,
    end_line: chunk.endLine,
    title: chunk.title,
    section_path: JSON.stringify(chunk.sectionPath),
    status: chunk.status,
    text: chunk.text,
    context: JSON.stringify(chunk.context),
    depth: chunk.depth,
    embed_hash: chunk.embedHash,
  };
}

const CHUNK_COLUMNS = [
  "id",
  "label",
  "kind",
  "file",
  "line",
  "end_line",
  "title",
  "section_path",
  "status",
  "text",
  "context",
  "depth",
  "embed_hash",
] as const;

/** Changes one ingest applies, all at once, in `Store.commit`. */
export interface StoreChanges {
  readonly upsertChunks: readonly { chunk: Chunk; label: number }[];
  readonly removeChunkIds: readonly string[];
  readonly upsertFiles: readonly FileRecord[];
  readonly removeFiles: readonly string[];
  /** Warnings per re-read file (replacing that file's previous ones). */
  readonly fileWarnings: ReadonlyMap<string, readonly NoteWarning[]>;
}

export interface Store {
  readonly db: Database.Database;
  readonly dataDir: string;
  readonly embedder: EmbedderInfo;
  /** Set when the index on disk was built by another embedder and has been emptied. */
  readonly rebuiltBecause: string | null;
  files(): Map<string, FileRecord>;
  chunkRowsOfFile(file: string): StoredChunkRow[];
  /** The items with these ids, with just what the learning history keeps (a lean read). */
  itemStatesOf(ids: readonly string[]): ItemState[];
  /** A note's list items with just what the learning history keeps (a lean read). */
  itemsOfFile(file: string): ItemState[];
  /**
   * The list items of these statuses by note and line, as rows for `rowToItemState`: a caller
   * matching on the text converts only the rows it keeps.
   */
  itemRowsWithStatus(statuses: readonly Status[]): IterableIterator<ItemStateRow>;
  /**
   * Every chunk's id, keyword text (empty for a pointer line), note and section, streamed
   * (for building the keyword and note indexes).
   */
  embeddedTexts(): IterableIterator<IndexedText>;
  getChunks(ids: readonly string[]): StoredChunk[];
  chunkCount(): number;
  /** Item counts by status (prose excluded). */
  statusCounts(): Record<Status, number>;
  warnings(): NoteWarning[];
  meta(key: string): string | undefined;
  /**
   * Adds a vector under a fresh label (not yet durable: call `commit`). A chunk embedding the
   * same text (`embedHash`) as a live one shares its graph point.
   */
  addVector(vector: readonly number[], embedHash: string): number;
  getVector(label: number): number[];
  /** Drops a chunk's label; its point leaves the graph with the last label sharing it. */
  removeVector(label: number, embedHash: string): void;
  searchVectors(vector: readonly number[], k: number): VectorHit[];
  commit(changes: StoreChanges): void;
  indexBytes(): number;
  /** True when another process committed an ingest since this store was opened: reopen it. */
  isStale(): boolean;
  /** Counts the commits to this index (any process's); changes with every committed ingest. */
  revision(): number;
  /** Removes graph files a crashed ingest left behind. Only while holding the ingest lock. */
  removeStrayFiles(): void;
  close(): void;
}

export interface OpenStoreOptions {
  readonly hnsw?: Partial<typeof HNSW_DEFAULTS>;
  /** Discard everything and start empty (`ingest --rebuild`). */
  readonly rebuild?: boolean;
}

export const DB_FILE = "michi.db";

/**
 * The index on disk is damaged (truncated, garbled, a table missing, parts that disagree). The
 * index is derived from the notes: `ingest --rebuild` replaces it without reading it.
 */
export class StoreDamagedError extends MichiError {
  constructor(file: string, detail: string, options?: ErrorOptions) {
    super(
      `the index ${file} is damaged (${detail}); run \`michi ingest --rebuild\` to rebuild it from your notes (the learning history is kept)`,
      options,
    );
  }
}

/** Turns SQLite's damage and resource errors about the index into one-line MichiErrors. */
export function asStoreError(error: unknown, dataDir: string): unknown {
  if (error instanceof MichiError) return error;
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== "string" || !code.startsWith("SQLITE_")) return error;
  const file = path.join(dataDir, DB_FILE);
  const detail = (error as Error).message;
  if (/^SQLITE_(CORRUPT|NOTADB)/.test(code)) {
    return new StoreDamagedError(file, detail, { cause: error });
  }
  if (code === "SQLITE_FULL") {
    return new MichiError(
      `cannot write the index in ${dataDir}: no space left on its disk; free some space and run again`,
      { cause: error },
    );
  }
  if (/^SQLITE_(READONLY|CANTOPEN|PERM|AUTH)/.test(code)) {
    return new MichiError(
      `cannot open or write the index ${file} (${detail}); make ${dataDir} a folder this user can write, or point --data elsewhere`,
      { cause: error },
    );
  }
  return error;
}

/** Removes the index files (not the history) of a data directory, for a rebuild of a damaged one. */
export function removeStoreFiles(dataDir: string): void {
  for (const name of readdirSync(dataDir)) {
    if (/^michi\.db(-wal|-shm|-journal)?$/.test(name) || /^index-\d+\.hnsw(\.tmp)?$/.test(name)) {
      rmSync(path.join(dataDir, name), { force: true });
    }
  }
}

/**
 * Whether the database file is visibly damaged before SQLite reads it: not an SQLite file, or
 * shorter than its header says (truncated). Returns what is wrong, or null.
 */
function damageOfDbFile(file: string): string | null {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return null; // SQLite starts an empty file afresh
    const header = Buffer.alloc(100);
    const read = readSync(fd, header, 0, 100, 0);
    if (read < 100 || header.toString("latin1", 0, 16) !== "SQLite format 3\0") {
      return "not an SQLite database";
    }
    const raw = header.readUInt16BE(16);
    const pageSize = raw === 1 ? 65536 : raw;
    const pages = header.readUInt32BE(28);
    // A checkpoint in progress (another process) may have written page 1 before the others.
    if (existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0) return null;
    const valid = header.readUInt32BE(92) === header.readUInt32BE(24);
    if (size % pageSize !== 0 || (valid && size < pages * pageSize)) {
      return `truncated: ${size} of ${valid ? pages * pageSize : "?"} bytes`;
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

/** The tables of a store; any missing from one that has the others is damage. */
const STORE_TABLES = ["meta", "files", "chunks", "warnings", "vector_aliases"] as const;

/** Opens (creating if needed) the store under `dataDir` for vectors made by `embedder`. */
export function openStore(
  dataDir: string,
  embedder: EmbedderInfo,
  options: OpenStoreOptions = {},
): Store {
  withFsErrors(dataDir, "create the data folder", () => mkdirSync(dataDir, { recursive: true }));
  const file = path.join(dataDir, DB_FILE);
  const damage = withFsErrors(file, "read the index", () => damageOfDbFile(file));
  if (damage !== null) throw new StoreDamagedError(file, damage);
  let db: Database.Database | null = null;
  try {
    db = new Database(file);
    return openStoreOn(db, dataDir, embedder, options);
  } catch (error) {
    db?.close();
    throw asStoreError(error, dataDir);
  }
}

function openStoreOn(
  db: Database.Database,
  dataDir: string,
  embedder: EmbedderInfo,
  options: OpenStoreOptions,
): Store {
  const params = { ...HNSW_DEFAULTS, ...options.hnsw };
  const file = path.join(dataDir, DB_FILE);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  // CREATE TABLE IF NOT EXISTS would quietly replace a lost table with an empty one.
  const tables = new Set(
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[],
  );
  const missing = STORE_TABLES.filter((t) => !tables.has(t));
  if (missing.length > 0 && missing.length < STORE_TABLES.length) {
    throw new StoreDamagedError(file, `table ${missing.join(", ")} is missing`);
  }
  migrate(db);
  const dbInode = statSync(file).ino;

  const getMeta = db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?");
  const setMeta = db.prepare(
    "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
  );
  const meta = (key: string) => getMeta.get(key)?.value;

  let rebuiltBecause: string | null = null;
  const builtBy = meta("embedder");
  const builtDims = Number(meta("dimensions") ?? 0);
  if (options.rebuild) {
    rebuiltBecause = "rebuild requested";
  } else if (
    builtBy !== undefined &&
    (builtBy !== embedder.name || builtDims !== embedder.dimensions)
  ) {
    rebuiltBecause = `the index was built with ${builtBy} (${builtDims} dimensions) and is now read with ${embedder.name} (${embedder.dimensions} dimensions); rebuilding it`;
  }
  /** Empties the index as one new revision, so other processes and caches see it happen. */
  const emptyIndex = (metaKeys: string) =>
    db.transaction(() => {
      db.exec(
        `DELETE FROM chunks; DELETE FROM files; DELETE FROM warnings; DELETE FROM vector_aliases; DELETE FROM meta WHERE key IN (${metaKeys})`,
      );
      setMeta.run("revision", String(Number(meta("revision") ?? 0) + 1));
    })();
  if (rebuiltBecause !== null) emptyIndex("'generation', 'next_label', 'points', 'graph_bytes'");
  setMeta.run("embedder", embedder.name);
  setMeta.run("dimensions", String(embedder.dimensions));
  setMeta.run("schema", SCHEMA_VERSION);

  const indexPath = (gen: number) => path.join(dataDir, `index-${gen}.hnsw`);
  const index = new hnswlib.HierarchicalNSW("cosine", embedder.dimensions);
  let dirty = false;
  // Read before the graph: a commit landing meanwhile then makes this store stale, not newer.
  let revision = Number(meta("revision") ?? 0);
  let generation = Number(meta("generation") ?? 0);
  let loaded = false;
  // Another process may commit a newer generation (and delete this one) while we read it:
  // a missing file only counts as missing when the committed generation stays the same.
  let broken: string | null = null;
  for (let attempt = 0; generation > 0 && !loaded && attempt < 5; attempt++) {
    const read = tryReadIndex(index, indexPath(generation), meta("graph_bytes"));
    loaded = read === "ok";
    broken = read === "ok" || read === "missing" ? null : read.broken;
    const latest = Number(meta("generation") ?? 0);
    if (!loaded && latest === generation) break;
    if (!loaded) generation = latest;
  }
  let nextLabel = Number(meta("next_label") ?? 0);
  if (!loaded) {
    if (generation > 0 && countChunks(db) > 0) {
      // The rows point at a graph that is gone or broken: start over rather than answer from
      // nothing (the graph holds the only copy of the vectors; the notes hold the texts).
      emptyIndex("'points', 'graph_bytes'");
      revision = Number(meta("revision"));
      rebuiltBecause =
        broken === null
          ? `the vector index file ${indexPath(generation)} is missing; rebuilding it`
          : `the vector index file ${indexPath(generation)} is damaged (${broken}); rebuilding it from the notes`;
    }
    index.initIndex(1024, params.m, params.efConstruction, params.randomSeed);
    generation = 0;
    nextLabel = 0;
  }
  index.setEf(params.efSearch);
  const points = Number(meta("points") ?? 0);
  if (loaded && points > 0 && countChunks(db) === 0) {
    throw new StoreDamagedError(file, `the index has ${points} vectors but table chunks is empty`);
  }

  const statements = {
    files: db.prepare("SELECT file, size, mtime_ms, hash, ok FROM files"),
    chunkRowsOfFile: db.prepare(`SELECT ${CHUNK_ROW_COLUMNS} FROM chunks WHERE file = ?`).raw(),
    itemState: db.prepare(
      `SELECT ${ITEM_STATE_COLUMNS} FROM chunks WHERE id = ? AND kind = 'item'`,
    ),
    itemsOfFile: db.prepare(
      `SELECT ${ITEM_STATE_COLUMNS} FROM chunks WHERE file = ? AND kind = 'item'`,
    ),
    embeddedTexts: db
      .prepare("SELECT id, text, context, file, title, section_path FROM chunks")
      .raw(),
    chunkById: db.prepare("SELECT * FROM chunks WHERE id = ?"),
    chunkByLabel: db.prepare<[number], { id: string }>("SELECT id FROM chunks WHERE label = ?"),
    // Counted on the (kind, status) index rather than by reading every row.
    statusCounts: db.prepare(
      "SELECT status, count(*) AS n FROM chunks WHERE kind = 'item' GROUP BY status",
    ),
    labelsByHash: db.prepare("SELECT label FROM chunks WHERE embed_hash = ?").raw(),
    upsertChunk: db.prepare(
      `INSERT INTO chunks(${CHUNK_COLUMNS.join(", ")}) VALUES (${CHUNK_COLUMNS.map((c) => `@${c}`).join(", ")})
       ON CONFLICT(id) DO UPDATE SET ${CHUNK_COLUMNS.filter((c) => c !== "id")
         .map((c) => `${c} = excluded.${c}`)
         .join(", ")}`,
    ),
    removeChunk: db.prepare("DELETE FROM chunks WHERE id = ?"),
    upsertFile: db.prepare(
      "INSERT INTO files(file, size, mtime_ms, hash, ok) VALUES (@file, @size, @mtimeMs, @hash, @ok) ON CONFLICT(file) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, hash = excluded.hash, ok = excluded.ok",
    ),
    removeFile: db.prepare("DELETE FROM files WHERE file = ?"),
    clearWarnings: db.prepare("DELETE FROM warnings WHERE file = ?"),
    addWarning: db.prepare("INSERT INTO warnings(file, line, message) VALUES (?, ?, ?)"),
    warnings: db.prepare("SELECT file, line, message FROM warnings ORDER BY file, line"),
    addAlias: db.prepare("INSERT OR REPLACE INTO vector_aliases(label, point) VALUES (?, ?)"),
    removeAlias: db.prepare("DELETE FROM vector_aliases WHERE label = ?"),
  };

  const labelToId = new Map<number, string>();

  // Chunks that embed the same text share one graph point: identical vectors in an HNSW graph
  // form cliques that neighbours prune down to one incoming link, so whole groups of
  // duplicates became unreachable (recall@10 plateaued at ~0.978 on the generated 100k notes,
  // where a fifth of the chunks repeat another's text), and each copy cost a full insert.
  // A chunk label is either a point itself or an alias of one (table vector_aliases).
  const aliases = new Map<number, number>();
  const aliasesOfPoint = new Map<number, number[]>();
  for (const row of db.prepare("SELECT label, point FROM vector_aliases").all() as {
    label: number;
    point: number;
  }[]) {
    aliases.set(row.label, row.point);
    pushTo(aliasesOfPoint, row.point, row.label);
  }
  const aliasWrites = new Map<number, number | null>();
  const pointOf = (label: number) => aliases.get(label) ?? label;
  // Live chunk labels per point and the live point of each embedded text, loaded one text at a
  // time when an ingest first touches it: loading all of them cost a large re-ingest ~0.3 s.
  const refs = new Map<number, number>();
  const pointByHash = new Map<string, number>();
  const loadedHashes = new Set<string>();
  // A store opened empty has seen every row it holds: its counts are complete without loading.
  const knowsAll = countChunks(db) === 0;
  const loadHash = (hash: string) => {
    if (knowsAll || loadedHashes.has(hash)) return;
    loadedHashes.add(hash);
    for (const [label] of statements.labelsByHash.all(hash) as [number][]) {
      const point = pointOf(label);
      refs.set(point, (refs.get(point) ?? 0) + 1);
      if (!pointByHash.has(hash)) pointByHash.set(hash, point);
    }
  };
  /** Live graph points (chunks sharing a vector count once), for clamping k in a search. */
  let livePoints = Number(meta("points") ?? countPoints(db));
  const idOfLabel = (label: number): string | undefined => {
    let id = labelToId.get(label);
    if (id === undefined) {
      id = statements.chunkByLabel.get(label)?.id;
      if (id !== undefined) labelToId.set(label, id);
    }
    return id;
  };

  return {
    db,
    dataDir,
    embedder,
    rebuiltBecause,
    files() {
      const out = new Map<string, FileRecord>();
      for (const row of statements.files.all() as Row[]) {
        out.set(row.file as string, {
          file: row.file as string,
          size: row.size as number,
          mtimeMs: row.mtime_ms as number,
          hash: row.hash as string,
          ok: row.ok === 1,
        });
      }
      return out;
    },
    chunkRowsOfFile: (file) =>
      (statements.chunkRowsOfFile.all(file) as unknown[][]).map(rawToChunkRow),
    itemStatesOf: (ids) =>
      ids.flatMap((id) => {
        const row = statements.itemState.get(id) as Row | undefined;
        return row ? [rowToItemState(row)] : [];
      }),
    itemsOfFile: (file) => (statements.itemsOfFile.all(file) as Row[]).map(rowToItemState),
    itemRowsWithStatus: (statuses) =>
      db
        .prepare(
          `SELECT ${ITEM_STATE_COLUMNS} FROM chunks
           WHERE kind = 'item' AND status IN (${statuses.map(() => "?").join(", ")})
           ORDER BY file, line, id`,
        )
        .iterate(...statuses) as IterableIterator<ItemStateRow>,
    *embeddedTexts() {
      for (const [
        id,
        text,
        context,
        file,
        title,
        sectionPath,
      ] of statements.embeddedTexts.iterate() as IterableIterator<
        [string, string, string, string, string, string]
      >) {
        yield indexedTextOf({
          id,
          text,
          context: context === "[]" ? [] : (JSON.parse(context) as string[]),
          file,
          title,
          sectionPath: sectionPath === "[]" ? [] : (JSON.parse(sectionPath) as string[]),
        });
      }
    },
    getChunks(ids) {
      const out: StoredChunk[] = [];
      for (const id of ids) {
        const row = statements.chunkById.get(id) as Row | undefined;
        if (row) out.push(rowToChunk(row));
      }
      return out;
    },
    chunkCount: () => countChunks(db),
    statusCounts() {
      const counts: Record<Status, number> = { known: 0, partial: 0, unknown: 0, unmarked: 0 };
      const rows = statements.statusCounts.all() as { status: Status; n: number }[];
      for (const row of rows) counts[row.status] = row.n;
      return counts;
    },
    meta,
    warnings: () => statements.warnings.all() as NoteWarning[],
    addVector(vector, embedHash) {
      loadHash(embedHash);
      const shared = pointByHash.get(embedHash);
      const label = nextLabel++;
      if (shared !== undefined && (refs.get(shared) ?? 0) > 0) {
        aliases.set(label, shared);
        pushTo(aliasesOfPoint, shared, label);
        aliasWrites.set(label, shared);
        refs.set(shared, (refs.get(shared) ?? 0) + 1);
        return label;
      }
      if (index.getCurrentCount() >= index.getMaxElements()) {
        index.resizeIndex(Math.max(1024, index.getMaxElements() * 2));
      }
      index.addPoint(vector as number[], label);
      refs.set(label, 1);
      pointByHash.set(embedHash, label);
      livePoints++;
      dirty = true;
      return label;
    },
    getVector: (label) => index.getPoint(pointOf(label)),
    removeVector(label, embedHash) {
      loadHash(embedHash);
      const point = pointOf(label);
      labelToId.delete(label);
      if (point !== label) {
        aliases.delete(label);
        const rest = (aliasesOfPoint.get(point) ?? []).filter((l) => l !== label);
        if (rest.length > 0) aliasesOfPoint.set(point, rest);
        else aliasesOfPoint.delete(point);
        aliasWrites.set(label, null);
      }
      const remaining = (refs.get(point) ?? 1) - 1;
      if (remaining > 0) {
        refs.set(point, remaining);
        return;
      }
      refs.delete(point);
      index.markDelete(point);
      if (pointByHash.get(embedHash) === point) pointByHash.delete(embedHash);
      livePoints--;
      dirty = true;
    },
    searchVectors(vector, k) {
      const n = Math.min(k, livePoints);
      if (n <= 0) return [];
      index.setEf(Math.max(params.efSearch, n));
      const result = index.searchKnn(vector as number[], n);
      const hits: VectorHit[] = [];
      result.neighbors.forEach((point, i) => {
        const similarity = 1 - (result.distances[i] ?? 1);
        for (const label of [point, ...(aliasesOfPoint.get(point) ?? [])].sort((a, b) => a - b)) {
          const id = idOfLabel(label);
          if (id !== undefined && hits.length < k) hits.push({ id, similarity });
        }
      });
      return hits;
    },
    commit(changes) {
      let nextGeneration = generation;
      let graphBytes: number | null = null;
      if (dirty) {
        nextGeneration = generation + 1;
        const tmp = `${indexPath(nextGeneration)}.tmp`;
        index.writeIndexSync(tmp);
        graphBytes = statSync(tmp).size;
        renameSync(tmp, indexPath(nextGeneration));
      }
      db.transaction(() => {
        for (const id of changes.removeChunkIds) statements.removeChunk.run(id);
        for (const { chunk, label } of changes.upsertChunks) {
          statements.upsertChunk.run(chunkToRow(chunk, label));
          labelToId.set(label, chunk.id);
        }
        for (const file of changes.removeFiles) {
          statements.removeFile.run(file);
          statements.clearWarnings.run(file);
        }
        for (const record of changes.upsertFiles) {
          statements.upsertFile.run({ ...record, ok: record.ok ? 1 : 0 });
        }
        for (const [file, warnings] of changes.fileWarnings) {
          statements.clearWarnings.run(file);
          for (const w of warnings) statements.addWarning.run(file, w.line, w.message);
        }
        for (const [label, point] of aliasWrites) {
          if (point === null) statements.removeAlias.run(label);
          else statements.addAlias.run(label, point);
        }
        setMeta.run("points", String(livePoints));
        setMeta.run("generation", String(nextGeneration));
        // So a truncated graph file is told from a whole one on open.
        if (graphBytes !== null) setMeta.run("graph_bytes", String(graphBytes));
        setMeta.run("next_label", String(nextLabel));
        setMeta.run("last_ingest", new Date().toISOString());
        setMeta.run("revision", String(revision + 1));
      })();
      revision++;
      aliasWrites.clear();
      if (nextGeneration !== generation) {
        rmSync(indexPath(generation), { force: true });
        generation = nextGeneration;
      }
      dirty = false;
    },
    indexBytes() {
      return readdirSync(dataDir)
        .filter((f) => f.startsWith("index-") || f.startsWith(DB_FILE))
        .reduce((sum, f) => sum + sizeOf(path.join(dataDir, f)), 0);
    },
    // Any commit, not just a new graph file: a rename only moves rows and aliases.
    // A rebuild of a damaged index replaces the database file itself.
    isStale: () => Number(meta("revision") ?? 0) !== revision || inodeOf(file) !== dbInode,
    revision: () => revision,
    removeStrayFiles: () => removeStrayIndexFiles(dataDir, generation),
    close() {
      db.close();
    },
  };
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0; // removed by a concurrent commit while we were summing
  }
}

function countChunks(db: Database.Database): number {
  return (db.prepare("SELECT count(*) AS n FROM chunks").get() as { n: number }).n;
}

/** Distinct graph points the chunks use (for stores that did not record it yet). */
function countPoints(db: Database.Database): number {
  return (
    db
      .prepare(
        "SELECT count(DISTINCT coalesce(a.point, c.label)) AS n FROM chunks c LEFT JOIN vector_aliases a ON a.label = c.label",
      )
      .get() as { n: number }
  ).n;
}

function inodeOf(file: string): number | null {
  try {
    return statSync(file).ino;
  } catch {
    return null;
  }
}

/** Reads a graph file, telling a missing one from a broken one (truncated, unreadable). */
function tryReadIndex(
  index: InstanceType<typeof hnswlib.HierarchicalNSW>,
  file: string,
  expectedBytes: string | undefined,
): "ok" | "missing" | { broken: string } {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return "missing";
  }
  if (expectedBytes !== undefined && size !== Number(expectedBytes)) {
    return { broken: `${size} bytes where ${expectedBytes} were written` };
  }
  try {
    index.readIndexSync(file, false);
    return "ok";
  } catch (error) {
    if (!existsSync(file)) return "missing"; // deleted under us by another process's commit
    return { broken: (error as Error).message };
  }
}

/** Removes graph files of generations other than the committed one (left by a crash). */
function removeStrayIndexFiles(dataDir: string, generation: number): void {
  for (const name of readdirSync(dataDir)) {
    const match = /^index-(\d+)\.hnsw(\.tmp)?$/.exec(name);
    if (match && (match[2] !== undefined || Number(match[1]) !== generation)) {
      rmSync(path.join(dataDir, name), { force: true });
    }
  }
}

function migrate(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS files (
      file TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ms REAL NOT NULL, hash TEXT NOT NULL,
      ok INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS chunks (
      id TEXT PRIMARY KEY, label INTEGER NOT NULL UNIQUE, kind TEXT NOT NULL, file TEXT NOT NULL,
      line INTEGER NOT NULL, end_line INTEGER NOT NULL, title TEXT NOT NULL,
      section_path TEXT NOT NULL, status TEXT NOT NULL, text TEXT NOT NULL,
      context TEXT NOT NULL, depth INTEGER NOT NULL, embed_hash TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS chunks_file ON chunks(file);
    CREATE INDEX IF NOT EXISTS chunks_embed_hash ON chunks(embed_hash);
    CREATE INDEX IF NOT EXISTS chunks_kind_status ON chunks(kind, status);
    CREATE TABLE IF NOT EXISTS warnings (file TEXT NOT NULL, line INTEGER NOT NULL, message TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS warnings_file ON warnings(file);
    CREATE TABLE IF NOT EXISTS vector_aliases (label INTEGER PRIMARY KEY, point INTEGER NOT NULL);
  `);
  let version = (
    db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined
  )?.value;
  while (version !== undefined && version !== SCHEMA_VERSION) {
    const step = MIGRATIONS[version];
    if (step === undefined) {
      throw new MichiError(
        `the index in ${db.name} has schema ${version}, which this michi does not know (it reads ${SCHEMA_VERSION}): it was written by a newer michi, so upgrade michi`,
      );
    }
    db.transaction(() => {
      db.exec(step.sql);
      db.prepare("UPDATE meta SET value = ? WHERE key = 'schema'").run(step.to);
    })();
    version = step.to;
  }
}

/**
 * The embedder the committed index was built with, read without opening the store; undefined
 * when there is no readable index. Lets a remote embedder skip its dimension probe, so a dead
 * embedding server does not stop michi from answering from the index it already has.
 */
export function readBuiltEmbedder(dataDir: string): EmbedderInfo | undefined {
  const file = path.join(dataDir, DB_FILE);
  if (!existsSync(file)) return undefined;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db
      .prepare("SELECT key, value FROM meta WHERE key IN ('embedder', 'dimensions')")
      .all() as { key: string; value: string }[];
    const meta = new Map(rows.map((r) => [r.key, r.value]));
    const name = meta.get("embedder");
    const dimensions = Number(meta.get("dimensions"));
    return name !== undefined && Number.isInteger(dimensions) && dimensions > 0
      ? { name, dimensions }
      : undefined;
  } catch {
    return undefined; // damaged or locked: opening the store proper reports it
  } finally {
    db?.close();
  }
}
