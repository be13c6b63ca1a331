/**
 * Reading notes for ingest, inline or on worker threads. Parsing markdown is a third of a large
 * cold ingest and inserting into the HNSW graph most of the rest; both are single-threaded, so a
 * large ingest reads, parses, chunks (and, with the local embedder, embeds) on workers while
 * the main thread inserts. Results always come back in the order the files were asked for, so
 * the index gets the same labels in the same order as an inline read.
 */
import os from "node:os";
import { Worker } from "node:worker_threads";
import { MichiError } from "../errors.js";
import type { Heading, NoteWarning } from "../notes/index.js";
import { type NoteFile, readNote } from "../notes/scan.js";
import { type Chunk, chunkItems, embedTextOf } from "./chunk.js";
import type { LocalEmbeddings } from "./local-embeddings.js";

/** One note as ingest needs it. */
export interface FileRead {
  /** Content hash; null when the file could not be read at all. */
  readonly hash: string | null;
  readonly ok: boolean;
  readonly chunks: readonly Chunk[];
  readonly warnings: readonly NoteWarning[];
  readonly title: string;
  readonly headings: readonly Heading[];
  /** The chunks' document vectors, one after another, when the reader embedded them. */
  readonly vectors: Float64Array | null;
}

/** Everything a worker needs to embed exactly as the main thread's LocalEmbeddings does. */
export interface EmbedSpec {
  readonly dimensions: number;
  /** `PROBE_TEXT`'s vector from the main thread's embedder; a worker that differs does not embed. */
  readonly probe: readonly number[];
}

export const PROBE_TEXT = "Pod とサイドカーコンテナ\nDaemonSet は各ノードに 1 つ";

export async function readFileForIngest(
  noteFile: NoteFile,
  embedder: LocalEmbeddings | null,
): Promise<FileRead> {
  const result = await readNote(noteFile);
  if (!result.ok) {
    return {
      hash: result.hash,
      ok: false,
      chunks: [],
      warnings: [result.warning],
      title: "",
      headings: [],
      vectors: null,
    };
  }
  const chunks = chunkItems(result.note.items);
  let vectors: Float64Array | null = null;
  if (embedder) {
    const dims = embedder.info.dimensions;
    vectors = new Float64Array(chunks.length * dims);
    chunks.forEach((chunk, i) => {
      vectors?.set(embedder.embedSync(embedTextOf(chunk), false), i * dims);
    });
  }
  return {
    hash: result.hash,
    ok: true,
    chunks,
    warnings: result.note.warnings,
    title: result.note.title,
    headings: result.note.headings,
    vectors,
  };
}

/** Whether `embedder` reproduces `probe` exactly (same algorithm and options). */
export function matchesProbe(embedder: LocalEmbeddings, probe: readonly number[]): boolean {
  const mine = embedder.embedSync(PROBE_TEXT, false);
  return mine.length === probe.length && mine.every((x, i) => x === probe[i]);
}

export interface WorkerRequest {
  readonly seq: number;
  readonly noteFile: NoteFile;
}

export type WorkerReply =
  | { readonly seq: number; readonly read: FileRead }
  | { readonly seq: number; readonly error: string };

export interface ReadOptions {
  /** Worker threads; 0 reads inline. */
  readonly workers: number;
  /** Embed chunks with this local embedder while reading (on the workers when there are any). */
  readonly embedder: LocalEmbeddings | null;
}

/** Files a worker is asked for ahead of the consumer; bounds memory when the consumer lags. */
const WINDOW_PER_WORKER = 16;

/** Reads `files`, yielding one `FileRead` per file in the given order. */
export async function* readFiles(
  files: readonly NoteFile[],
  options: ReadOptions,
): AsyncGenerator<FileRead> {
  if (options.workers <= 0 || files.length === 0) {
    for (const file of files) yield await readFileForIngest(file, options.embedder);
    return;
  }
  const pool = startPool(Math.min(options.workers, files.length), options.embedder);
  try {
    const window = WINDOW_PER_WORKER * pool.size;
    let sent = 0;
    const sendUpTo = (limit: number) => {
      for (; sent < Math.min(limit, files.length); sent++) pool.send(sent, files[sent] as NoteFile);
    };
    sendUpTo(window);
    for (let seq = 0; seq < files.length; seq++) {
      const read = await pool.result(seq);
      sendUpTo(seq + 1 + window);
      yield read;
    }
  } finally {
    await pool.close();
  }
}

interface Pool {
  readonly size: number;
  send(seq: number, noteFile: NoteFile): void;
  result(seq: number): Promise<FileRead>;
  close(): Promise<void>;
}

/** Starts one reader worker, from compiled JS or, under tsx or vitest, from the TypeScript source. */
function spawnWorker(spec: EmbedSpec | null): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts"))
    return new Worker(new URL("./read-worker.js", here), { workerData: spec });
  // Loader flags do not reach a worker's entry module reliably on Node 20: register tsx first.
  const api = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const entry = JSON.stringify(new URL("./read-worker.ts", here).href);
  const code = `import(${api}).then(({ register }) => { register(); return import(${entry}); });`;
  return new Worker(code, { eval: true, workerData: spec });
}

function startPool(size: number, embedder: LocalEmbeddings | null): Pool {
  const spec: EmbedSpec | null = embedder
    ? { dimensions: embedder.info.dimensions, probe: embedder.embedSync(PROBE_TEXT, false) }
    : null;
  const done = new Map<number, FileRead>();
  const waiting = new Map<number, { resolve: (r: FileRead) => void; reject: (e: Error) => void }>();
  let failure: Error | null = null;
  const fail = (error: Error) => {
    failure ??= error;
    for (const w of waiting.values()) w.reject(failure);
    waiting.clear();
  };
  const workers = Array.from({ length: size }, () => {
    const worker = spawnWorker(spec);
    worker.on("message", (reply: WorkerReply) => {
      if ("error" in reply) {
        fail(new MichiError(`reading notes failed: ${reply.error}`));
        return;
      }
      const w = waiting.get(reply.seq);
      if (w) {
        waiting.delete(reply.seq);
        w.resolve(reply.read);
      } else {
        done.set(reply.seq, reply.read);
      }
    });
    worker.on("error", (error) =>
      fail(new MichiError(`ingest worker failed: ${error.message}`, { cause: error })),
    );
    worker.on("exit", (code) => {
      if (code !== 0) fail(new MichiError(`ingest worker exited with code ${code}`));
    });
    return worker;
  });
  return {
    size,
    send(seq, noteFile) {
      workers[seq % size]?.postMessage({ seq, noteFile } satisfies WorkerRequest);
    },
    result(seq) {
      const read = done.get(seq);
      if (read) {
        done.delete(seq);
        return Promise.resolve(read);
      }
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => waiting.set(seq, { resolve, reject }));
    },
    async close() {
      for (const w of workers) w.removeAllListeners("exit");
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/**
 * Worker threads worth starting for reading `bytes` of notes; 0 reads inline. Workers pay off
 * only while the main thread is busy inserting new notes' vectors (a cold ingest). When it would
 * only wait for them (re-reading edited notes), starting them and copying the parsed chunks back
 * costs more than parsing elsewhere saves: a 1% edit at 100k items read its 792 notes in 1.25 s
 * inline and 1.7–1.8 s on two workers.
 */
export function chooseWorkers(bytes: number, mainThreadBusy: boolean): number {
  // Below this, starting a worker (and its module graph) costs more than it saves.
  if (!mainThreadBusy || bytes < 512 * 1024) return 0;
  // Leave the main thread its core.
  return Math.max(1, Math.min(4, os.availableParallelism() - 1));
}
