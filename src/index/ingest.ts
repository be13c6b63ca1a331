/**
 * Incremental ingest: notes on disk → chunks and vectors in the store.
 *
 * Unchanged files are not even read (size + mtime), unchanged chunks keep their vectors
 * (content hash), a chunk whose embedded text moved elsewhere reuses its vector, and removed
 * chunks leave the index. Everything an ingest changes is committed at once.
 */
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { Heading, NoteWarning, Status } from "../notes/index.js";
import { listNoteFiles, type NoteFile } from "../notes/scan.js";
import { removeStaleTempFiles } from "../notes/stale-temp.js";
import { type Chunk, embedTextOf } from "./chunk.js";
import { LocalEmbeddings } from "./local-embeddings.js";
import { chooseWorkers, type FileRead, readFiles } from "./parallel-read.js";
import type { FileRecord, ItemState, Store, StoredChunkRow } from "./store.js";

/** A chunk whose status changed, appeared or disappeared in this ingest (for history). */
export interface StatusChange {
  readonly id: string;
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly sectionPath: readonly string[];
  readonly from: Status | null;
  readonly to: Status | null;
}

export interface IngestSummary {
  readonly notes: number;
  readonly items: Record<Status, number>;
  readonly chunks: number;
  readonly embedded: number;
  readonly reused: number;
  readonly removed: number;
  readonly warnings: readonly NoteWarning[];
  /** The warnings of the notes this ingest read (new or changed): what is news to the user. */
  readonly freshWarnings: readonly NoteWarning[];
  readonly ms: number;
  /** Item status changes, for the learning history. */
  readonly changes: readonly StatusChange[];
  /** Why the index was emptied and rebuilt, if it was. */
  readonly rebuiltBecause: string | null;
  /** The notes this ingest read and parsed (changed ones only), for their headings. */
  readonly parsed: readonly ParsedNote[];
  /**
   * Item changes of the notes re-read or deleted, against the index as it was committed at
   * `since` (its `last_ingest`; null for an empty index). Notes that were unreadable before or
   * are now have none: their items are not what the history last saw.
   */
  readonly itemDeltas: { readonly since: string | null; readonly notes: readonly NoteItemsDelta[] };
  /**
   * The chunks whose embedded text is new (new ids, or an id whose text changed) and the ids
   * that left, taking the store from revision `from` to `to`: what an in-memory index kept
   * beside the store (the keyword index) needs to follow without reading every chunk again.
   */
  readonly textChanges: {
    readonly from: number;
    readonly to: number;
    readonly added: readonly Chunk[];
    readonly removed: readonly string[];
  };
}

/**
 * The items of one note that this ingest changed, for the learning history: the ones that left
 * or changed as the index had them, and the ones that are new or changed. Items that stayed
 * exactly as they were are in neither, so a small edit of a long note stays small.
 */
export interface NoteItemsDelta {
  readonly file: string;
  readonly before: readonly ItemState[];
  readonly after: readonly ItemState[];
}

export interface ParsedNote {
  readonly file: string;
  readonly hash: string;
  readonly title: string;
  readonly headings: readonly Heading[];
  /** The note's list items as indexed, so the history need not read them back. */
  readonly items: readonly ItemState[];
}

/**
 * Where an ingest is, for a progress display: `scan` (files listed), `read` (bytes of notes
 * read and parsed; `file` is the note being read), `embed` (chunks embedded), `index` (chunks
 * inserted into the vector graph), `commit` (the index being written; `total` chunks).
 */
export interface IngestProgress {
  readonly phase: "scan" | "read" | "embed" | "index" | "commit";
  readonly done: number;
  readonly total: number;
  readonly file?: string;
}

/** Chunks inserted between two `index` progress events. */
const INDEX_PROGRESS_EVERY = 512;

export interface IngestOptions {
  readonly notesDir: string;
  readonly store: Store;
  readonly embedder: EmbeddingsInterface;
  /** Texts per embedding call. */
  readonly batchSize?: number;
  readonly onProgress?: (progress: IngestProgress) => void;
  /** Only look at these files (relative paths), e.g. the one note an edit just changed. */
  readonly only?: readonly string[];
  readonly now?: () => number;
  /** Worker threads reading (and embedding) notes; default: by volume and cores, 0 = inline. */
  readonly workers?: number;
  /**
   * Stops the ingest between steps (reading a note, an embedding batch, before the commit),
   * throwing `signal.reason`; nothing is committed, so the last committed index stays in force.
   */
  readonly signal?: AbortSignal;
}

interface ChangedFile {
  readonly noteFile: NoteFile;
  readonly record: FileRecord;
  readonly chunks: readonly Chunk[];
  readonly warnings: readonly NoteWarning[];
  readonly parsed: ParsedNote | null;
}

const DEFAULT_BATCH_SIZE = 256;

/**
 * A point where an ingest may stop. Awaiting resolved promises never lets the event loop run a
 * signal handler, so every ~50 ms of work it yields a full turn (setImmediate) first.
 */
function stopPoints(signal: AbortSignal | undefined): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (signal === undefined) return;
    if (performance.now() - last > 50) {
      await new Promise((resolve) => setImmediate(resolve));
      last = performance.now();
    }
    signal.throwIfAborted();
  };
}

export async function ingest(options: IngestOptions): Promise<IngestSummary> {
  const { store, embedder } = options;
  const stopPoint = stopPoints(options.signal);
  options.signal?.throwIfAborted();
  const now = options.now ?? (() => performance.now());
  const started = now();
  const since = store.meta("last_ingest") ?? null;
  const revision = store.revision();
  const stored = store.files();
  const onDisk = await listNoteFiles(options.notesDir);
  // A full ingest (every command starts with one, edits included) sweeps killed writers' temps.
  if (!options.only) await removeStaleTempFiles(options.notesDir);
  const scope = options.only ? new Set(options.only) : null;
  const inScope = (file: string) => scope === null || scope.has(file);

  const present = new Set(onDisk.map((f) => f.file));
  const deletedFiles = [...stored.keys()].filter((f) => !present.has(f) && inScope(f));

  // 1. Read what changed since the last ingest.
  const candidates = notesToRead(onDisk, stored, inScope, options.onProgress);
  // Only new notes (a first ingest, a rebuild, notes added): nothing can be reused, so every
  // chunk is embedded and inserted as its note arrives, overlapping reading with inserting.
  const streaming = deletedFiles.length === 0 && candidates.every((f) => !stored.has(f.file));
  const local = streaming && embedder instanceof LocalEmbeddings ? embedder : null;
  const bytes = candidates.reduce((sum, f) => sum + f.size, 0);
  const reads = announceReads(
    candidates,
    bytes,
    readFiles(candidates, {
      workers: options.workers ?? chooseWorkers(bytes, streaming),
      embedder: local,
    }),
    options.onProgress,
  );
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const upserts: { chunk: Chunk; label: number }[] = [];
  const changes: StatusChange[] = [];
  const textAdded: Chunk[] = [];
  let streamed = 0;
  let pending: Chunk[] = [];
  let bytesRead = 0;
  const embedAndInsert = async (batch: readonly Chunk[]) => {
    await stopPoint();
    const vectors = await embedder.embedDocuments(batch.map(embedTextOf));
    batch.forEach((chunk, j) => {
      upserts.push({ chunk, label: store.addVector(checked(vectors, j, batch), chunk.embedHash) });
    });
  };
  const insertPending = () => {
    const batch = pending;
    pending = [];
    return embedAndInsert(batch);
  };
  const changed: ChangedFile[] = [];
  const touched: FileRecord[] = [];
  let index = 0;
  for await (const result of reads) {
    await stopPoint();
    const noteFile = candidates[index++] as NoteFile;
    const previous = stored.get(noteFile.file);
    const base = { file: noteFile.file, size: noteFile.size, mtimeMs: noteFile.mtimeMs };
    if (previous && result.hash !== null && previous.hash === result.hash) {
      touched.push({ ...previous, ...base });
      continue;
    }
    changed.push({
      noteFile,
      record: { ...base, hash: result.hash ?? "", ok: result.ok },
      chunks: result.chunks,
      warnings: result.warnings,
      parsed: parsedNoteOf(noteFile.file, result),
    });
    if (!streaming) continue;
    const dims = result.vectors ? result.vectors.length / Math.max(1, result.chunks.length) : 0;
    // Chunks are only known once read: extrapolate from the bytes read so far.
    const expected = (chunks: number, read: number) =>
      Math.max(chunks, Math.round((chunks * bytes) / Math.max(1, read)));
    const indexTotal = expected(streamed + result.chunks.length, bytesRead + noteFile.size);
    for (const [i, chunk] of result.chunks.entries()) {
      if (i % 1024 === 1023) await stopPoint(); // one large note's graph inserts
      textAdded.push(chunk);
      if (chunk.kind === "item") changes.push(changeOf(chunk, null, chunk.status));
      if (result.vectors) {
        const vector = vectorAt(result.vectors, i, dims);
        upserts.push({ chunk, label: store.addVector(vector, chunk.embedHash) });
        // Inserting a large note's chunks into the graph takes a while: say how far it is.
        if ((i + 1) % INDEX_PROGRESS_EVERY === 0)
          options.onProgress?.({ phase: "index", done: streamed + i + 1, total: indexTotal });
      } else {
        pending.push(chunk);
      }
    }
    streamed += result.chunks.length;
    if (pending.length >= batchSize) await insertPending();
    bytesRead += noteFile.size;
    options.onProgress?.({
      phase: result.vectors ? "index" : "embed",
      done: streamed,
      total: expected(streamed, bytesRead),
    });
  }
  if (pending.length > 0) await insertPending();

  // 2. Decide, chunk by chunk, what keeps its vector, what is reused, what is embedded.
  const oldByFile = new Map<string, StoredChunkRow[]>();
  const oldChunks = new Map<string, StoredChunkRow>();
  for (const file of [...changed.map((c) => c.noteFile.file), ...deletedFiles]) {
    const rows = store.chunkRowsOfFile(file);
    oldByFile.set(file, rows);
    for (const row of rows) oldChunks.set(row.id, row);
  }
  const newIds = new Set(changed.flatMap((c) => c.chunks.map((chunk) => chunk.id)));
  // Vectors of chunks that leave, by what they embedded: a moved chunk takes its vector along.
  const pool = new Map<string, number[]>();
  for (const old of oldChunks.values()) {
    if (!newIds.has(old.id)) {
      const labels = pool.get(old.embedHash) ?? [];
      labels.push(old.label);
      pool.set(old.embedHash, labels);
    }
  }
  const toEmbed: Chunk[] = [];
  // Labels leaving the index, with the text they embedded.
  const freedLabels = new Map<number, string>();
  // Chunks whose stored row is exactly what this read would write.
  const unchanged = new Set<string>();
  const sameStoredFields = storedFieldsComparer();
  for (const { chunks } of streaming ? [] : changed) {
    for (const chunk of chunks) {
      const old = oldChunks.get(chunk.id);
      if (chunk.kind === "item" && old?.status !== chunk.status) {
        changes.push(changeOf(chunk, old?.status ?? null, chunk.status));
      }
      if (old && old.embedHash === chunk.embedHash) {
        // Most chunks of an edited note are untouched: rewriting their rows is wasted work.
        if (sameStoredFields(old, chunk)) unchanged.add(chunk.id);
        else upserts.push({ chunk, label: old.label });
        continue;
      }
      if (old) freedLabels.set(old.label, old.embedHash);
      textAdded.push(chunk);
      const label = pool.get(chunk.embedHash)?.pop();
      if (label !== undefined) {
        upserts.push({ chunk, label: reuseVector(store, label, chunk.embedHash) });
        freedLabels.set(label, chunk.embedHash);
      } else {
        toEmbed.push(chunk);
      }
    }
  }
  // The full state of the items that changed or leave, read now, before the commit drops them.
  const oldStates = new Map(
    store
      .itemStatesOf(
        [...oldChunks.values()]
          .filter((old) => old.kind === "item" && !unchanged.has(old.id))
          .map((old) => old.id),
      )
      .map((state) => [state.id, state]),
  );
  const removedIds: string[] = [];
  for (const old of oldChunks.values()) {
    if (newIds.has(old.id)) continue;
    removedIds.push(old.id);
    freedLabels.set(old.label, old.embedHash);
    const state = oldStates.get(old.id);
    if (state) changes.push(changeOf(state, old.status, null));
  }

  // 3. Embed what is new, in batches.
  for (let i = 0; i < toEmbed.length; i += batchSize) {
    await embedAndInsert(toEmbed.slice(i, i + batchSize));
    options.onProgress?.({
      phase: "embed",
      done: Math.min(i + batchSize, toEmbed.length),
      total: toEmbed.length,
    });
  }
  for (const [label, embedHash] of freedLabels) store.removeVector(label, embedHash);

  // 4. Commit everything at once: the last point where the ingest may stop.
  await stopPoint();
  options.signal?.throwIfAborted();
  if (changed.length > 0 || deletedFiles.length > 0 || touched.length > 0 || store.rebuiltBecause) {
    options.onProgress?.({ phase: "commit", done: 0, total: upserts.length });
    store.commit({
      upsertChunks: upserts,
      removeChunkIds: removedIds,
      upsertFiles: [...changed.map((c) => c.record), ...touched],
      removeFiles: deletedFiles,
      fileWarnings: new Map(changed.map((c) => [c.noteFile.file, c.warnings])),
    });
  }

  const chunks = store.chunkCount();
  const files = store.files();
  return {
    notes: [...files.values()].filter((f) => f.ok).length,
    items: store.statusCounts(),
    chunks,
    embedded: toEmbed.length + streamed,
    reused: chunks - toEmbed.length - streamed,
    removed: removedIds.length,
    warnings: store.warnings(),
    freshWarnings: changed.flatMap((c) => c.warnings),
    ms: Math.round(now() - started),
    changes,
    rebuiltBecause: store.rebuiltBecause,
    parsed: changed.flatMap((c) => (c.parsed ? [c.parsed] : [])),
    textChanges: { from: revision, to: store.revision(), added: textAdded, removed: removedIds },
    itemDeltas: {
      since,
      notes: itemDeltasOf(changed, deletedFiles, stored, oldByFile, oldStates, unchanged),
    },
  };
}

/** The notes in scope whose size or mtime differ from the index's record, new ones included. */
function notesToRead(
  onDisk: readonly NoteFile[],
  stored: ReadonlyMap<string, FileRecord>,
  inScope: (file: string) => boolean,
  onProgress: ((progress: IngestProgress) => void) | undefined,
): NoteFile[] {
  const candidates: NoteFile[] = [];
  let scanned = 0;
  for (const noteFile of onDisk) {
    scanned++;
    if (scanned % 500 === 0) onProgress?.({ phase: "scan", done: scanned, total: onDisk.length });
    if (!inScope(noteFile.file)) continue;
    const previous = stored.get(noteFile.file);
    if (previous && previous.size === noteFile.size && previous.mtimeMs === noteFile.mtimeMs)
      continue;
    candidates.push(noteFile);
  }
  return candidates;
}

/** A note read whole (not skipped, its hash known), as the learning history takes it. */
function parsedNoteOf(file: string, read: FileRead): ParsedNote | null {
  if (!read.ok || read.hash === null) return null;
  return {
    file,
    hash: read.hash,
    title: read.title,
    headings: read.headings,
    items: read.chunks.filter((chunk) => chunk.kind === "item"),
  };
}

/**
 * `reads`, with a `read` progress event before each note is awaited: a large note takes seconds
 * to read and parse, and the display should say so from the start, not after it.
 */
async function* announceReads<T>(
  files: readonly NoteFile[],
  bytes: number,
  reads: AsyncGenerator<T>,
  onProgress: ((progress: IngestProgress) => void) | undefined,
): AsyncGenerator<T> {
  let done = 0;
  try {
    for (const file of files) {
      onProgress?.({ phase: "read", done, total: bytes, file: file.file });
      const next = await reads.next();
      if (next.done) return;
      done += file.size;
      yield next.value;
    }
  } finally {
    // Finishes `reads` (its workers stop) however the consumer leaves.
    await reads.return(undefined);
  }
}

/** See `NoteItemsDelta`; notes that were or are unreadable get none. */
function itemDeltasOf(
  changed: readonly ChangedFile[],
  deletedFiles: readonly string[],
  stored: ReadonlyMap<string, FileRecord>,
  oldByFile: ReadonlyMap<string, readonly StoredChunkRow[]>,
  oldStates: ReadonlyMap<string, ItemState>,
  unchanged: ReadonlySet<string>,
): NoteItemsDelta[] {
  const deltas: NoteItemsDelta[] = [];
  const wasReadable = (file: string) => stored.get(file)?.ok !== false;
  const before = (file: string) =>
    (oldByFile.get(file) ?? []).flatMap((row) => {
      const state = oldStates.get(row.id);
      return state ? [state] : [];
    });
  for (const { noteFile, record, chunks } of changed) {
    if (!record.ok || !wasReadable(noteFile.file)) continue;
    const after = chunks.filter((chunk) => chunk.kind === "item" && !unchanged.has(chunk.id));
    deltas.push({ file: noteFile.file, before: before(noteFile.file), after });
  }
  for (const file of deletedFiles) {
    if (wasReadable(file)) deltas.push({ file, before: before(file), after: [] });
  }
  return deltas;
}

/** The `i`th vector of a packed array, as the plain array hnswlib takes. */
function vectorAt(packed: Float64Array, i: number, dims: number): number[] {
  // A loop, not Array.from: the iterator protocol made this a second of a 100k cold ingest.
  const vector = new Array<number>(dims);
  for (let j = 0, at = i * dims; j < dims; j++, at++) vector[j] = packed[at] as number;
  return vector;
}

function checked(vectors: readonly number[][], j: number, batch: readonly Chunk[]): number[] {
  const vector = vectors[j];
  if (!vector)
    throw new Error(`embedder returned ${vectors.length} vectors for ${batch.length} texts`);
  return vector;
}

/** Gives a leaving chunk's vector a fresh label (sharing its point), so the old label can go. */
function reuseVector(store: Store, label: number, embedHash: string): number {
  return store.addVector(store.getVector(label), embedHash);
}

function changeOf(
  chunk: Pick<Chunk, "id" | "file" | "line" | "text" | "sectionPath">,
  from: Status | null,
  to: Status | null,
): StatusChange {
  return {
    id: chunk.id,
    file: chunk.file,
    line: chunk.line,
    text: chunk.text,
    sectionPath: chunk.sectionPath,
    from,
    to,
  };
}

/**
 * Whether a stored chunk already holds everything `chunk` would write (same id and vector).
 * The lists are compared as the JSON they are stored as; items of one section share their
 * section path, so its JSON is made once per section.
 */
function storedFieldsComparer(): (old: StoredChunkRow, chunk: Chunk) => boolean {
  const pathJson = new WeakMap<readonly string[], string>();
  const jsonOf = (list: readonly string[]) => {
    if (list.length === 0) return "[]";
    let json = pathJson.get(list);
    if (json === undefined) {
      json = JSON.stringify(list);
      pathJson.set(list, json);
    }
    return json;
  };
  return (old, chunk) =>
    old.line === chunk.line &&
    old.endLine === chunk.endLine &&
    old.status === chunk.status &&
    old.depth === chunk.depth &&
    old.title === chunk.title &&
    old.sectionPathJson === jsonOf(chunk.sectionPath) &&
    old.contextJson === (chunk.context.length === 0 ? "[]" : JSON.stringify(chunk.context));
}
