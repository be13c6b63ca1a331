/**
 * Watches the notes folder while the bot runs (chokidar), so hand edits and `git pull` show up
 * without a restart: changes are debounced into one incremental ingest. While it runs, asking
 * skips the freshness scan (the index follows the folder already).
 */
import path from "node:path";
import { watch } from "chokidar";
import type { Logger } from "../logger.js";

export interface NotesWatcher {
  /** Resolves once the initial scan of the folder is done. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export interface NotesWatcherOptions {
  readonly notesDir: string;
  ingest(): Promise<unknown>;
  readonly logger: Logger;
  readonly debounceMs?: number;
}

export const WATCH_DEBOUNCE_MS = 500;

export function createNotesWatcher(options: NotesWatcherOptions): NotesWatcher {
  const debounceMs = options.debounceMs ?? WATCH_DEBOUNCE_MS;
  const root = path.resolve(options.notesDir);
  const watcher = watch(root, {
    ignoreInitial: true,
    ignored: (file, stats) =>
      (path.resolve(file) !== root && path.basename(file).startsWith(".")) ||
      (stats?.isFile() === true && !/\.(md|markdown)$/i.test(file)),
    awaitWriteFinish: { stabilityThreshold: 100, pollInterval: 50 },
  });
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();
  let closed = false;

  const schedule = () => {
    if (closed) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      running = running
        .then(() => (closed ? undefined : options.ingest()))
        .catch((error: unknown) =>
          options.logger.error({ err: error }, "ingest after a notes change failed"),
        );
    }, debounceMs);
  };
  watcher.on("all", (event, file) => {
    options.logger.debug({ event, file: path.relative(root, file) }, "notes changed");
    schedule();
  });
  watcher.on("error", (error) => options.logger.warn({ err: error }, "notes watcher error"));

  return {
    ready: new Promise((resolve) => watcher.once("ready", () => resolve())),
    async close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      await watcher.close();
      await running;
    },
  };
}
