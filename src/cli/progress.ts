/** A progress bar on stderr for long ingests; silent when stderr is not a terminal. */
import cliProgress from "cli-progress";
import type { IngestProgress } from "../index/ingest.js";

/** Below this many chunks to embed a run is quick enough to need no bar. */
const MIN_TOTAL_FOR_BAR = 500;

export function createIngestProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }) {
  let bar: cliProgress.SingleBar | null = null;
  return {
    onProgress(progress: IngestProgress) {
      if (!stream.isTTY || progress.phase !== "embed" || progress.total < MIN_TOTAL_FOR_BAR) return;
      if (bar === null) {
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: "embedding {bar} {value}/{total} chunks | {eta_formatted} left",
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(progress.total, 0);
      }
      bar.update(progress.done);
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
