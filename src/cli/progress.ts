/**
 * Ingest progress on stderr, on a terminal only: the phase (reading and parsing, embedding,
 * indexing, writing), how far it is and the time spent, redrawn every tick so a long step never
 * looks like a hang. Quick runs draw nothing: the display starts after `delayMs`, or at once
 * when a large read is announced (parsing a big note may hold the main thread for seconds).
 */
import cliProgress from "cli-progress";
import type { IngestProgress } from "../index/ingest.js";

/** A run still going after this long gets a display. */
const DEFAULT_DELAY_MS = 1_000;
/** Reading this much may block before any timer fires: show the display straight away. */
const LARGE_READ_BYTES = 1024 * 1024;

const PHASE_LABELS: Readonly<Record<IngestProgress["phase"], string>> = {
  scan: "scanning notes     ",
  read: "reading and parsing",
  embed: "embedding          ",
  index: "indexing           ",
  commit: "writing the index  ",
};

export interface IngestProgressOptions {
  /** Draw nothing until the ingest has run this long (0: draw from the first event). */
  readonly delayMs?: number;
}

export function createIngestProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  options: IngestProgressOptions = {},
) {
  const delayMs = options.delayMs ?? DEFAULT_DELAY_MS;
  let bar: cliProgress.SingleBar | null = null;
  let latest: IngestProgress | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const draw = () => {
    if (latest === null || stopped) return;
    const { done, total } = latest;
    const payload = { phase: PHASE_LABELS[latest.phase], detail: detailOf(latest) };
    if (bar === null) {
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: "{phase} {bar} {detail} | {duration_formatted}",
          barsize: 24,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(1, total), Math.min(done, total), payload);
      return;
    }
    bar.setTotal(Math.max(1, total));
    bar.update(Math.min(done, total), payload);
  };

  return {
    onProgress(progress: IngestProgress) {
      if (!stream.isTTY || stopped) return;
      latest = progress;
      const large = progress.phase === "read" && progress.total >= LARGE_READ_BYTES;
      if (bar !== null || delayMs <= 0 || large) {
        if (timer) clearTimeout(timer);
        draw();
        return;
      }
      timer ??= setTimeout(draw, delayMs);
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      bar?.stop();
      bar = null;
    },
  };
}

/** Runs `work` with a progress display on `stream` that is fed its events and stopped after it. */
export async function withIngestProgress<T>(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  work: (onProgress: (progress: IngestProgress) => void) => Promise<T>,
): Promise<T> {
  const progress = createIngestProgress(stream);
  return work(progress.onProgress).finally(() => progress.stop());
}

function detailOf(progress: IngestProgress): string {
  const { phase, done, total, file } = progress;
  switch (phase) {
    case "read":
      return `${megabytes(done)}/${megabytes(total)} MB${file ? ` · ${file}` : ""}`;
    case "scan":
      return `${done}/${total} files`;
    case "commit":
      return `${total} chunks`;
    default:
      return `${done}/${total} chunks`;
  }
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
