/**
 * The derived index: chunks and metadata in SQLite, vectors in an HNSW graph on disk.
 *
 * Crash safety: each committed ingest writes the graph to a new generation file first, then
 * commits the SQLite transaction that points at it. A crash before the commit leaves the old
 * generation and the old rows in force; a stray newer file is removed on the next open.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import hnswlib from "hnswlib-node";
import { MichiError } from "../errors.js";
import type { NoteWarning, Status } from "../notes/index.js";
import type { Chunk } from "./chunk.js";

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

const SCHEMA_VERSION = "1";

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

export interface StoredChunk extends Chunk {
  readonly label: number;
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
    textOffset: row.text_offset as number,
    title: row.title as string,
    sectionPath: JSON.parse(row.section_path as string) as string[],
    status: row.status as Status,
    marker: row.marker === null ? null : (JSON.parse(row.marker as string) as Chunk["marker"]),
    text: row.text as string,
    context: JSON.parse(row.context as string) as string[],
    depth: row.depth as number,
    embedHash: row.embed_hash as string,
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
    text_offset: chunk.textOffset,
    title: chunk.title,
    section_path: JSON.stringify(chunk.sectionPath),
    status: chunk.status,
    marker: chunk.marker === null ? null : JSON.stringify(chunk.marker),
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
  "text_offset",
  "title",
  "section_path",
  "status",
  "marker",
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
  chunksOfFile(file: string): StoredChunk[];
  /** A note's list items with just what the learning history keeps (a lean read). */
  itemsOfFile(file: string): ItemState[];
  allChunks(): StoredChunk[];
  getChunks(ids: readonly string[]): StoredChunk[];
  chunkCount(): number;
  /** Item counts by status (prose excluded). */
  statusCounts(): Record<Status, number>;
  warnings(): NoteWarning[];
  meta(key: string): string | undefined;
  /**
   * Adds a vector under a fresh label (not yet durable: call `commit`). With the hash of the
   * embedded text, a chunk embedding the same text as a live one shares its graph point.
   */
  addVector(vector: readonly number[], embedHash?: string): number;
  getVector(label: number): number[];
  removeVector(label: number): void;
  searchVectors(vector: readonly number[], k: number): VectorHit[];
  commit(changes: StoreChanges): void;
  indexBytes(): number;
  /** True when another process committed an ingest since this store was opened: reopen it. */
  isStale(): boolean;
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

/** Opens (creating if needed) the store under `dataDir` for vectors made by `embedder`. */
export function openStore(
  dataDir: string,
  embedder: EmbedderInfo,
  options: OpenStoreOptions = {},
): Store {
  const params = { ...HNSW_DEFAULTS, ...options.hnsw };
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, DB_FILE));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  migrate(db);

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
  if (rebuiltBecause !== null) {
    db.exec(
      "DELETE FROM chunks; DELETE FROM files; DELETE FROM warnings; DELETE FROM vector_aliases; DELETE FROM meta WHERE key IN ('generation', 'next_label', 'points')",
    );
  }
  setMeta.run("embedder", embedder.name);
  setMeta.run("dimensions", String(embedder.dimensions));
  setMeta.run("schema", SCHEMA_VERSION);

  const indexPath = (gen: number) => path.join(dataDir, `index-${gen}.hnsw`);
  const index = new hnswlib.HierarchicalNSW("cosine", embedder.dimensions);
  let dirty = false;
  let generation = Number(meta("generation") ?? 0);
  let loaded = false;
  // Another process may commit a newer generation (and delete this one) while we read it:
  // a missing file only counts as missing when the committed generation stays the same.
  for (let attempt = 0; generation > 0 && !loaded && attempt < 5; attempt++) {
    loaded = tryReadIndex(index, indexPath(generation));
    const latest = Number(meta("generation") ?? 0);
    if (!loaded && latest === generation) break;
    if (!loaded) generation = latest;
  }
  let nextLabel = Number(meta("next_label") ?? 0);
  if (!loaded) {
    if (generation > 0 && countChunks(db) > 0) {
      // The rows point at a graph that is gone: start over rather than answer from nothing.
      db.exec(
        "DELETE FROM chunks; DELETE FROM files; DELETE FROM warnings; DELETE FROM vector_aliases; DELETE FROM meta WHERE key = 'points'",
      );
      rebuiltBecause = `the vector index file ${indexPath(generation)} is missing; rebuilding it`;
    }
    index.initIndex(1024, params.m, params.efConstruction, params.randomSeed);
    generation = 0;
    nextLabel = 0;
  }
  index.setEf(params.efSearch);

  const statements = {
    files: db.prepare("SELECT file, size, mtime_ms, hash, ok FROM files"),
    chunksOfFile: db.prepare("SELECT * FROM chunks WHERE file = ?"),
    itemsOfFile: db.prepare(
      "SELECT id, file, title, section_path, line, text, status FROM chunks WHERE file = ? AND kind = 'item'",
    ),
    allChunks: db.prepare("SELECT * FROM chunks ORDER BY file, line"),
    chunkById: db.prepare("SELECT * FROM chunks WHERE id = ?"),
    chunkByLabel: db.prepare<[number], { id: string }>("SELECT id FROM chunks WHERE label = ?"),
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
  /** Live chunk labels per point, and the point of each embedded text; built on first write. */
  let refs: Map<number, number> | null = null;
  const pointByHash = new Map<string, number>();
  const hashOfPoint = new Map<number, string>();
  const loadRefs = (): Map<number, number> => {
    if (refs) return refs;
    refs = new Map();
    for (const row of db.prepare("SELECT label, embed_hash FROM chunks").all() as {
      label: number;
      embed_hash: string;
    }[]) {
      const point = pointOf(row.label);
      refs.set(point, (refs.get(point) ?? 0) + 1);
      if (!pointByHash.has(row.embed_hash)) pointByHash.set(row.embed_hash, point);
      hashOfPoint.set(point, row.embed_hash);
    }
    return refs;
  };
  const storedPoints = meta("points");
  let livePoints: number | null = storedPoints === undefined ? null : Number(storedPoints);
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
    chunksOfFile: (file) => (statements.chunksOfFile.all(file) as Row[]).map(rowToChunk),
    itemsOfFile: (file) => (statements.itemsOfFile.all(file) as Row[]).map(rowToItemState),
    allChunks: () => (statements.allChunks.all() as Row[]).map(rowToChunk),
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
      const rows = db
        .prepare("SELECT status, count(*) AS n FROM chunks WHERE kind = 'item' GROUP BY status")
        .all() as { status: Status; n: number }[];
      for (const row of rows) counts[row.status] = row.n;
      return counts;
    },
    meta,
    warnings: () => statements.warnings.all() as NoteWarning[],
    addVector(vector, embedHash) {
      const live = loadRefs();
      const shared = embedHash === undefined ? undefined : pointByHash.get(embedHash);
      if (shared !== undefined && (live.get(shared) ?? 0) > 0) {
        const label = nextLabel++;
        aliases.set(label, shared);
        pushTo(aliasesOfPoint, shared, label);
        aliasWrites.set(label, shared);
        live.set(shared, (live.get(shared) ?? 0) + 1);
        return label;
      }
      const label = nextLabel++;
      if (index.getCurrentCount() >= index.getMaxElements()) {
        index.resizeIndex(Math.max(1024, index.getMaxElements() * 2));
      }
      index.addPoint(vector as number[], label);
      live.set(label, 1);
      if (embedHash !== undefined) {
        pointByHash.set(embedHash, label);
        hashOfPoint.set(label, embedHash);
      }
      dirty = true;
      return label;
    },
    getVector: (label) => index.getPoint(pointOf(label)),
    removeVector(label) {
      const live = loadRefs();
      const point = pointOf(label);
      labelToId.delete(label);
      if (point !== label) {
        aliases.delete(label);
        const rest = (aliasesOfPoint.get(point) ?? []).filter((l) => l !== label);
        if (rest.length > 0) aliasesOfPoint.set(point, rest);
        else aliasesOfPoint.delete(point);
        aliasWrites.set(label, null);
      }
      const remaining = (live.get(point) ?? 1) - 1;
      if (remaining > 0) {
        live.set(point, remaining);
        return;
      }
      live.delete(point);
      index.markDelete(point);
      const hash = hashOfPoint.get(point);
      if (hash !== undefined && pointByHash.get(hash) === point) pointByHash.delete(hash);
      hashOfPoint.delete(point);
      dirty = true;
    },
    searchVectors(vector, k) {
      // Stores written before points were shared have one point per chunk; count(*) walks an
      // index, so it is counted once, not per query.
      livePoints ??= countChunks(db);
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
      if (dirty) {
        nextGeneration = generation + 1;
        const tmp = `${indexPath(nextGeneration)}.tmp`;
        index.writeIndexSync(tmp);
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
        if (refs) setMeta.run("points", String(refs.size));
        setMeta.run("generation", String(nextGeneration));
        setMeta.run("next_label", String(nextLabel));
        setMeta.run("last_ingest", new Date().toISOString());
      })();
      aliasWrites.clear();
      livePoints = refs ? refs.size : null;
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
    isStale: () => Number(meta("generation") ?? 0) !== generation,
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

function tryReadIndex(index: InstanceType<typeof hnswlib.HierarchicalNSW>, file: string): boolean {
  if (!existsSync(file)) return false;
  try {
    index.readIndexSync(file, false);
    return true;
  } catch (error) {
    if (existsSync(file)) throw error; // a real read error, not a file deleted under us
    return false;
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
      line INTEGER NOT NULL, end_line INTEGER NOT NULL, text_offset INTEGER NOT NULL,
      title TEXT NOT NULL, section_path TEXT NOT NULL, status TEXT NOT NULL, marker TEXT,
      text TEXT NOT NULL, context TEXT NOT NULL, depth INTEGER NOT NULL, embed_hash TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS chunks_file ON chunks(file);
    CREATE TABLE IF NOT EXISTS warnings (file TEXT NOT NULL, line INTEGER NOT NULL, message TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS warnings_file ON warnings(file);
    CREATE TABLE IF NOT EXISTS vector_aliases (label INTEGER PRIMARY KEY, point INTEGER NOT NULL);
  `);
  const version = (
    db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined
  )?.value;
  if (version !== undefined && version !== SCHEMA_VERSION) {
    throw new MichiError(
      `the index in ${db.name} has schema ${version}, expected ${SCHEMA_VERSION}: delete it and run ingest`,
    );
  }
}
