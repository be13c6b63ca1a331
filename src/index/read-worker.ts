/** Worker thread entry for `readFiles`: reads, parses, chunks and (optionally) embeds notes. */
import { parentPort, workerData } from "node:worker_threads";
import { LocalEmbeddings } from "./local-embeddings.js";
import {
  type EmbedSpec,
  matchesProbe,
  readFileForIngest,
  type WorkerReply,
  type WorkerRequest,
} from "./parallel-read.js";

const spec = workerData as EmbedSpec | null;
const candidate = spec ? new LocalEmbeddings({ dimensions: spec.dimensions }) : null;
// An embedder configured differently from the main thread's leaves embedding to the main thread.
const embedder = candidate && spec && matchesProbe(candidate, spec.probe) ? candidate : null;

parentPort?.on("message", (request: WorkerRequest) => {
  readFileForIngest(request.noteFile, embedder).then(
    (read) => {
      const reply: WorkerReply = { seq: request.seq, read };
      parentPort?.postMessage(reply, read.vectors ? [read.vectors.buffer as ArrayBuffer] : []);
    },
    (error: unknown) => {
      const reply: WorkerReply = {
        seq: request.seq,
        error: `${request.noteFile.file}: ${(error as Error)?.message ?? String(error)}`,
      };
      parentPort?.postMessage(reply);
    },
  );
});
