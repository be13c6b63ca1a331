/**
 * Temp files a killed michi left beside the notes. A note is replaced by renaming a temp file
 * `.<note>.<pid>.<12 hex>.tmp` over it (atomic-write.ts); a process killed before the rename
 * leaves that file behind, and nothing else would ever remove it.
 */
import { readdir, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { isProcessAlive } from "../process-alive.js";

/** The temp files atomic-write.ts makes: `.<note>.<pid>.<12 hex>.tmp`. */
export const TEMP_FILE = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/**
 * A temp file this young is left alone even if its pid is not running here: the notes folder
 * may be synced, and the writer a michi on another machine.
 */
const MIN_AGE_MS = 60_000;

export interface StaleTempOptions {
  readonly isAlive?: (pid: number) => boolean;
  readonly now?: () => number;
}

/** Removes the temp files of processes that are gone; returns their paths, relative to `notesDir`. */
export async function removeStaleTempFiles(
  notesDir: string,
  options: StaleTempOptions = {},
): Promise<string[]> {
  const isAlive = options.isAlive ?? isProcessAlive;
  const now = options.now ?? Date.now;
  let entries: Awaited<ReturnType<typeof listEntries>>;
  try {
    entries = await listEntries(notesDir);
  } catch {
    return []; // no notes folder: listing the notes reports that
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const match = TEMP_FILE.exec(entry.name);
    if (!entry.isFile() || !match || isAlive(Number(match[1]))) continue;
    const file = path.join(entry.parentPath, entry.name);
    try {
      if (now() - (await stat(file)).mtimeMs < MIN_AGE_MS) continue;
      await unlink(file);
      removed.push(path.relative(notesDir, file).split(path.sep).join("/"));
    } catch {
      // Renamed or removed meanwhile by its writer: it was not stale after all.
    }
  }
  return removed;
}

function listEntries(dir: string) {
  return readdir(dir, { recursive: true, withFileTypes: true });
}
