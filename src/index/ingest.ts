/**
 * Incremental ingest: notes on disk → chunks and vectors in the store.
 *
 * Unchanged files are not even read (size + mtime), unchanged chunks keep their vectors
 * (content hash), a chunk whose embedded text moved elsewhere reuses its vector, and removed
 * chunks leave the index. Everything an ingest changes is committed at once.
 */
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { Heading, NoteWarning, Status } from "../notes/index.js";
import { listNoteFiles, type NoteFile, readNote } from "../notes/scan.js";
import { type Chunk, chunkItems, embedTextOf } from "./chunk.js";
import type { FileRecord, Store, StoredChunk } from "./store.js";

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
  readonly ms: number;
  /** Item status changes, for the learning history. */
  readonly changes: readonly StatusChange[];
  /** Why the index was emptied and rebuilt, if it was. */
  readonly rebuiltBecause: string | null;
  /** The notes this ingest read and parsed (changed ones only), for their headings. */
  readonly parsed: readonly ParsedNote[];
}

export interface ParsedNote {
  readonly file: string;
  readonly hash: string;
  readonly title: string;
  readonly headings: readonly Heading[];
}

export interface IngestProgress {
  readonly phase: "scan" | "embed";
  readonly done: number;
  readonly total: number;
}

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
}

interface ChangedFile {
  readonly noteFile: NoteFile;
  readonly record: FileRecord;
  readonly chunks: readonly Chunk[];
  readonly warnings: readonly NoteWarning[];
  readonly parsed: ParsedNote | null;
}

const DEFAULT_BATCH_SIZE = 256;

export async function ingest(options: IngestOptions): Promise<IngestSummary> {
  const { store, embedder } = options;
  const now = options.now ?? (() => performance.now());
  const started = now();
  const stored = store.files();
  const onDisk = await listNoteFiles(options.notesDir);
  const scope = options.only ? new Set(options.only) : null;
  const inScope = (file: string) => scope === null || scope.has(file);

  // 1. Read what changed since the last ingest.
  const changed: ChangedFile[] = [];
  const touched: FileRecord[] = [];
  let scanned = 0;
  for (const noteFile of onDisk) {
    scanned++;
    if (scanned % 500 === 0)
      options.onProgress?.({ phase: "scan", done: scanned, total: onDisk.length });
    if (!inScope(noteFile.file)) continue;
    const previous = stored.get(noteFile.file);
    if (previous && previous.size === noteFile.size && previous.mtimeMs === noteFile.mtimeMs)
      continue;
    const result = await readNote(noteFile);
    const base = { file: noteFile.file, size: noteFile.size, mtimeMs: noteFile.mtimeMs };
    if (previous && result.hash !== null && previous.hash === result.hash) {
      touched.push({ ...previous, ...base });
      continue;
    }
    if (result.ok) {
      changed.push({
        noteFile,
        record: { ...base, hash: result.hash, ok: true },
        chunks: chunkItems(result.note.items),
        warnings: result.note.warnings,
        parsed: {
          file: noteFile.file,
          hash: result.hash,
          title: result.note.title,
          headings: result.note.headings,
        },
      });
    } else {
      changed.push({
        noteFile,
        record: { ...base, hash: result.hash ?? "", ok: false },
        chunks: [],
        warnings: [result.warning],
        parsed: null,
      });
    }
  }
  const present = new Set(onDisk.map((f) => f.file));
  const deletedFiles = [...stored.keys()].filter((f) => !present.has(f) && inScope(f));

  // 2. Decide, chunk by chunk, what keeps its vector, what is reused, what is embedded.
  const oldChunks = new Map<string, StoredChunk>();
  for (const file of [...changed.map((c) => c.noteFile.file), ...deletedFiles]) {
    for (const chunk of store.chunksOfFile(file)) oldChunks.set(chunk.id, chunk);
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
  const upserts: { chunk: Chunk; label: number }[] = [];
  const toEmbed: Chunk[] = [];
  const freedLabels = new Set<number>();
  const changes: StatusChange[] = [];
  for (const { chunks } of changed) {
    for (const chunk of chunks) {
      const old = oldChunks.get(chunk.id);
      if (chunk.kind === "item" && old?.status !== chunk.status) {
        changes.push(changeOf(chunk, old?.status ?? null, chunk.status));
      }
      if (old && old.embedHash === chunk.embedHash) {
        upserts.push({ chunk, label: old.label });
        continue;
      }
      if (old) freedLabels.add(old.label);
      const label = pool.get(chunk.embedHash)?.pop();
      if (label !== undefined) {
        upserts.push({ chunk, label: reuseVector(store, label) });
        freedLabels.add(label);
      } else {
        toEmbed.push(chunk);
      }
    }
  }
  const removedIds: string[] = [];
  for (const old of oldChunks.values()) {
    if (newIds.has(old.id)) continue;
    removedIds.push(old.id);
    freedLabels.add(old.label);
    if (old.kind === "item") changes.push(changeOf(old, old.status, null));
  }

  // 3. Embed what is new, in batches.
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  for (let i = 0; i < toEmbed.length; i += batchSize) {
    const batch = toEmbed.slice(i, i + batchSize);
    const vectors = await embedder.embedDocuments(batch.map(embedTextOf));
    batch.forEach((chunk, j) => {
      const vector = vectors[j];
      if (!vector)
        throw new Error(`embedder returned ${vectors.length} vectors for ${batch.length} texts`);
      upserts.push({ chunk, label: store.addVector(vector) });
    });
    options.onProgress?.({
      phase: "embed",
      done: Math.min(i + batchSize, toEmbed.length),
      total: toEmbed.length,
    });
  }
  for (const label of freedLabels) store.removeVector(label);

  // 4. Commit everything at once.
  if (changed.length > 0 || deletedFiles.length > 0 || touched.length > 0 || store.rebuiltBecause) {
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
    embedded: toEmbed.length,
    reused: chunks - toEmbed.length,
    removed: removedIds.length,
    warnings: store.warnings(),
    ms: Math.round(now() - started),
    changes,
    rebuiltBecause: store.rebuiltBecause,
    parsed: changed.flatMap((c) => (c.parsed ? [c.parsed] : [])),
  };
}

/** Copies a leaving chunk's vector under a fresh label, so the old label can be deleted. */
function reuseVector(store: Store, label: number): number {
  return store.addVector(store.getVector(label));
}

function changeOf(chunk: Chunk, from: Status | null, to: Status | null): StatusChange {
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
