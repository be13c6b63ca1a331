/**
 * File system failures at michi's boundaries (the data folder, the notes folder), turned into
 * one line naming the path, the real cause and the fix, instead of a stack trace or a message
 * about something else.
 */
import { MichiError } from "./errors.js";

/** "cannot DOING PATH: CAUSE; FIX" for a Node.js file system error. */
export function fsErrorMessage(error: unknown, target: string, doing: string): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case "ENOSPC":
    case "EDQUOT":
      return `cannot ${doing} ${target}: no space left on its disk; free some space and run again`;
    case "EROFS":
      return `cannot ${doing} ${target}: it is on a read-only file system; use a writable folder (--data for the index, --notes for notes)`;
    case "EACCES":
    case "EPERM":
      return `cannot ${doing} ${target}: permission denied; make it writable for this user (or use another folder)`;
    case "ENOTDIR":
    case "EEXIST":
      return `cannot ${doing} ${target}: it or a folder above it is a file, not a folder; remove that file or choose another path`;
    default:
      return `cannot ${doing} ${target}: ${(error as Error)?.message ?? String(error)}`;
  }
}

/** Whether `error` is a file system failure worth a one-line MichiError. */
export function isFsError(error: unknown): error is NodeJS.ErrnoException {
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
