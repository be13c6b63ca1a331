/**
 * File system failures at michi's boundaries (the data folder, the notes folder), turned into
 * one line naming the path, the real cause and the fix, instead of a stack trace or a message
 * about something else.
 */
import path from "node:path";
import { MichiError } from "./errors.js";
import { TEMP_FILE } from "./notes/stale-temp.js";

/** "CAUSE; FIX" for the file system errors a user can do something about; null for others. */
export function fsCause(error: unknown): string | null {
  switch ((error as NodeJS.ErrnoException)?.code) {
    case "ENOSPC":
    case "EDQUOT":
      return "no space left on its disk; free some space and run again";
    case "EROFS":
      return "it is on a read-only file system; use a writable folder (--data for the index, --notes for notes)";
    case "EACCES":
    case "EPERM":
      return "permission denied; make it writable for this user (or use another folder)";
    case "ENOTDIR":
    case "EEXIST":
      return "it or a folder above it is a file, not a folder; remove that file or choose another path";
    default:
      return null;
  }
}

/** "cannot DOING PATH: CAUSE; FIX" for a Node.js file system error. */
export function fsErrorMessage(error: unknown, target: string, doing: string): string {
  return `cannot ${doing} ${target}: ${fsCause(error) ?? (error as Error)?.message ?? String(error)}`;
}

/** Whether `error` is a file system failure worth a one-line MichiError. */
function isFsError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException)?.code;
  return typeof code === "string" && /^E[A-Z]+$/.test(code) && "syscall" in (error as object);
}

/** Runs `fn`; a file system failure becomes a MichiError naming `target`. */
export function withFsErrors<T>(target: string, doing: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (isFsError(error))
      throw new MichiError(fsErrorMessage(error, target, doing), { cause: error });
    throw error;
  }
}

/** System calls that fail because something could not be written (the rest are reads). */
const READ_CALLS = new Set(["read", "scandir", "stat", "lstat", "readlink", "access"]);

/**
 * The last line of defence at a front end: a file system or SQLite resource failure that no
 * module turned into a MichiError still becomes one line naming the path, cause and fix.
 */
export function toUserError(error: unknown): MichiError | null {
  if (isFsError(error) && typeof error.path === "string") {
    let target = error.path;
    let doing = READ_CALLS.has(error.syscall ?? "") ? "read" : "write";
    // A note is written through a temp file beside it: name the note's folder, not the temp.
    if (TEMP_FILE.test(path.basename(target))) {
      target = path.dirname(target);
      doing = "write notes in";
    }
    return new MichiError(fsErrorMessage(error, target, doing), { cause: error });
  }
  const code = (error as { code?: unknown })?.code;
  if (code === "SQLITE_FULL") {
    return new MichiError(
      "cannot write the data folder: no space left on its disk; free some space and run again",
      { cause: error },
    );
  }
  if (typeof code === "string" && code.startsWith("SQLITE_READONLY")) {
    return new MichiError(
      "cannot write the data folder: it is read-only; make it writable or point --data elsewhere",
      { cause: error },
    );
  }
  return null;
}
