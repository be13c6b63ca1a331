/** A notes folder of a test's own, in a fresh temporary directory. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface TempVault {
  /** The temporary directory: `notes/` is in it, and room for a data folder beside it. */
  readonly root: string;
  readonly notes: string;
  /** Writes `text` to `file` (relative to the notes folder), creating its folders. */
  write(file: string, text: string): void;
}

export function tempVault(prefix: string): TempVault {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  const notes = path.join(root, "notes");
  return {
    root,
    notes,
    write(file, text) {
      mkdirSync(path.dirname(path.join(notes, file)), { recursive: true });
      writeFileSync(path.join(notes, file), text);
    },
  };
}
