/**
 * Writing the user's notes safely. A note is replaced by rename from a synced temp file in the
 * same directory, so a crash leaves either the old or the new file, never half of one. Edits of
 * one file are queued within the process, and each is checked against the file on disk just
 * before the rename, so michi does not overwrite a change made meanwhile (by an editor, a sync
 * tool, or another michi process); it re-applies its edit to the new content instead.
 *
 * The check and the rename are two steps, and plain files offer no lock every program honours,
 * so a write can land between them. Two guards close most of that gap:
 * - before the check, a hard link keeps the note's inode; after the rename michi reads it, and
 *   if it no longer holds the bytes michi read (an editor wrote into the file, e.g. appended),
 *   michi puts that inode back in place and reports a conflict instead of success;
 * - `keepReplaced` hands the replaced bytes to the caller (the versions store) before the
 *   rename, so what michi replaced is never unrecoverable.
 * What remains: another program's own rename landing in the microseconds between michi's last
 * check and its rename is replaced without notice (that program still has its text; the bytes
 * michi read are in the versions store).
 */
import { randomBytes } from "node:crypto";
import {
  type FileHandle,
  link,
  mkdir,
  open,
  readFile,
  realpath,
  rename,
  stat,
  unlink,
} from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { MichiError } from "../errors.js";
import { fsCause } from "../fs-errors.js";

/** Puts the bytes into the open temp file. */
export type WriteBytes = (handle: FileHandle, data: Uint8Array) => Promise<void>;

export interface AtomicWriteOptions {
  /** How bytes reach the temp file: a seam for tests that simulate a failing disk. */
  readonly writeBytes?: WriteBytes;
}

export interface EditFileOptions extends AtomicWriteOptions {
  /** Read a missing file as empty and create it (the inbox note). Default: a missing file is an error. */
  readonly create?: boolean;
  /** Times the edit is run when the file keeps changing under it before giving up. Default 5. */
  readonly maxAttempts?: number;
  /**
   * Receives the bytes about to be replaced (null: the file is being created) before the
   * rename, so they can be kept; a failure here writes nothing.
   */
  readonly keepReplaced?: (bytes: Buffer | null) => Promise<void>;
  /** Test seam: runs after the last check, just before the rename. */
  readonly beforeRename?: () => Promise<void> | void;
}

/**
 * The note changed between michi's last check and its rename; michi put the changed version
 * back, so the note holds the other writer's bytes and michi's edit is not applied.
 */
export class WriteConflictError extends MichiError {}

export interface EditResult {
  /** False when the edit returned null or the same text: nothing was written. */
  readonly changed: boolean;
  /** The file's text the (last) edit was applied to. */
  readonly before: string;
  readonly after: string;
}

/** Computes the new text from the current one; null means "leave the file alone". */
export type EditText = (current: string) => string | null | Promise<string | null>;

const DEFAULT_MAX_ATTEMPTS = 5;
const writeAllBytes: WriteBytes = async (handle, data) => {
  await handle.writeFile(data);
};
/** Strict, and keeping U+FEFF, so the text written back has the very bytes that were read. */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Tail of the queue of edits per real path. */
const editQueues = new Map<string, Promise<void>>();

/** Replaces the file at `path` with `data` atomically, keeping its permission bits. */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const target = await resolveTarget(path);
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  await commitViaTemp(path, target, bytes, options, undefined);
}

/**
 * Reads the file, applies `edit`, and writes the result atomically, queued behind any other
 * edit of the same file in this process. When the file changes on disk between the read and
 * the write, the edit runs again on the new content (up to `maxAttempts` times), so it must
 * locate what it changes in `current` rather than trust positions from an older read.
 */
export async function editFileExactly(
  path: string,
  edit: EditText,
  options: EditFileOptions = {},
): Promise<EditResult> {
  const target = await resolveTarget(path);
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  return runQueued(target, async () => {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const read = await readNote(path, target, options.create === true);
      const after = await edit(read.text);
      if (after === null || after === read.text) {
        return { changed: false, before: read.text, after: read.text };
      }
      if (read.bytes === null) await mkdir(dirname(target), { recursive: true });
      const committed = await commitViaTemp(
        path,
        target,
        Buffer.from(after, "utf8"),
        options,
        read.bytes,
      );
      if (committed) return { changed: true, before: read.text, after };
    }
    throw new MichiError(
      `${path} kept changing while michi was editing it, so michi wrote nothing. Try again.`,
    );
  });
}

/** Runs `task` after every task queued before it for the same key. */
async function runQueued<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = editQueues.get(key) ?? Promise.resolve();
  let release = () => {};
  const done = new Promise<void>((resolveDone) => {
    release = resolveDone;
  });
  const tail = previous.then(() => done);
  editQueues.set(key, tail);
  try {
    await previous;
    return await task();
  } finally {
    release();
    if (editQueues.get(key) === tail) editQueues.delete(key);
  }
}

/**
 * Writes and syncs a temp file beside `target`, then puts it in place. With `expected` (an
 * edit), only while `target` still holds exactly those bytes (null: does not exist): returns
 * false (temp removed, target untouched) when it does not, and throws a WriteConflictError
 * when a write to the old file slipped in between the last check and the rename.
 */
async function commitViaTemp(
  shownPath: string,
  target: string,
  bytes: Uint8Array,
  options: EditFileOptions,
  expected: Buffer | null | undefined,
): Promise<boolean> {
  const directory = dirname(target);
  const temp = tempPathFor(target);
  let keep: string | null = null;
  let committed = false;
  try {
    const mode = await readMode(target);
    const handle = await open(temp, "wx", mode ?? 0o666);
    try {
      // The umask may have cleared bits at creation; the note keeps its own.
      if (mode !== undefined) await handle.chmod(mode);
      await (options.writeBytes ?? writeAllBytes)(handle, bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (expected === undefined) {
      await rename(temp, target);
    } else if (expected === null) {
      if (!(await createOnly(temp, target, options))) return false;
    } else {
      await options.keepReplaced?.(expected);
      keep = await linkOldFile(target);
      if (!(await stillHolds(target, keep, expected))) {
        await unlink(temp);
        if (keep !== null) await unlink(keep);
        keep = null;
        return false;
      }
      await options.beforeRename?.();
      await rename(temp, target);
    }
    committed = true;
    await syncDirectory(directory);
    if (keep !== null) {
      const old = keep;
      keep = null;
      await checkNothingSlippedIn(shownPath, target, old, expected ?? null);
    }
    return true;
  } catch (error) {
    if (!committed) await removeLeftover(temp, error);
    if (keep !== null) await unlink(keep).catch(() => undefined);
    if (error instanceof MichiError) throw error;
    const state = committed
      ? "it was replaced but may not be on disk yet"
      : "the note was left unchanged";
    throw new MichiError(`Could not write ${shownPath} (${describe(error)}); ${state}.`, {
      cause: error,
    });
  }
}

/** Hidden and not ending in .md, so ingest never reads a leftover temp file as a note. */
function tempPathFor(target: string): string {
  return join(
    dirname(target),
    `.${basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`,
  );
}

/** Creates `target` from `temp` only if nothing is there (a link fails on an existing name). */
async function createOnly(
  temp: string,
  target: string,
  options: EditFileOptions,
): Promise<boolean> {
  if ((await readBytesIfPresent(target)) !== null) {
    await unlink(temp);
    return false;
  }
  await options.keepReplaced?.(null);
  await options.beforeRename?.();
  try {
    await link(temp, target);
  } catch (error) {
    if (codeOf(error) !== "EEXIST" && !LINK_UNSUPPORTED.includes(codeOf(error) ?? "")) throw error;
    if (codeOf(error) === "EEXIST") {
      await unlink(temp);
      return false;
    }
    await rename(temp, target); // no hard links here: the plain rename is the best there is
    return true;
  }
  await unlink(temp);
  return true;
}

const LINK_UNSUPPORTED = ["EPERM", "ENOTSUP", "EOPNOTSUPP", "EXDEV", "EMLINK", "ENOSYS", "EACCES"];

/**
 * A second name for the note's current inode, so it survives the rename and can be read (and
 * put back) afterwards. Null where the file system has no hard links.
 */
async function linkOldFile(target: string): Promise<string | null> {
  const keep = tempPathFor(target);
  try {
    await link(target, keep);
    return keep;
  } catch (error) {
    if (LINK_UNSUPPORTED.includes(codeOf(error) ?? "")) return null;
    if (codeOf(error) === "ENOENT") return null; // gone: the check below says so
    throw error;
  }
}

/** The last check before the rename: same inode as the kept link, same bytes as read. */
async function stillHolds(target: string, keep: string | null, expected: Buffer): Promise<boolean> {
  const [current, targetStat, keepStat] = await Promise.all([
    readBytesIfPresent(target),
    stat(target).catch(() => null),
    keep === null ? null : stat(keep).catch(() => null),
  ]);
  if (current === null || targetStat === null || targetStat.size !== expected.length) return false;
  if (!current.equals(expected)) return false;
  // Same inode: no other program renamed its own file into place since the link was made.
  return keep === null || (keepStat !== null && keepStat.ino === targetStat.ino);
}

/**
 * After the rename: the old inode must still hold the bytes michi read. If another program
 * wrote into it meanwhile, its version goes back in place and the edit counts as a conflict.
 */
async function checkNothingSlippedIn(
  shownPath: string,
  target: string,
  keep: string,
  expected: Buffer | null,
): Promise<void> {
  let old: Buffer | null;
  try {
    old = await readBytesIfPresent(keep);
  } catch (error) {
    await unlink(keep).catch(() => undefined);
    throw error;
  }
  if (old === null || expected === null || old.equals(expected)) {
    await unlink(keep).catch(() => undefined);
    return;
  }
  await rename(keep, target);
  await syncDirectory(dirname(target));
  throw new WriteConflictError(
    `${shownPath} was changed by another program while michi was writing it; michi put that version back, so the note has the other program's text and michi's change was not made. Run the command again.`,
  );
}

/** Removes the temp file after a failure, keeping the first error the one reported. */
async function removeLeftover(temp: string, cause: unknown): Promise<void> {
  try {
    await unlink(temp);
  } catch (error) {
    if (codeOf(error) === "ENOENT") return;
    throw new MichiError(`Could not remove the temp file ${temp} (${describe(error)}).`, {
      cause: new AggregateError([cause, error]),
    });
  }
}

/** Makes the rename itself durable. Some platforms (Windows) cannot open or sync a directory. */
async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, "r");
    await handle.sync();
  } catch (error) {
    const unsupported = ["EISDIR", "EPERM", "EINVAL", "EBADF", "ENOTSUP", "EACCES"];
    if (!unsupported.includes(codeOf(error) ?? "")) throw error;
  } finally {
    await handle?.close();
  }
}

async function readNote(
  shownPath: string,
  target: string,
  create: boolean,
): Promise<{ bytes: Buffer | null; text: string }> {
  const bytes = await readBytesIfPresent(target).catch((error: unknown) => {
    throw new MichiError(`Could not read ${shownPath} (${describe(error)}).`, { cause: error });
  });
  if (bytes === null) {
    if (create) return { bytes: null, text: "" };
    throw new MichiError(`Note not found: ${shownPath}`);
  }
  try {
    return { bytes, text: utf8.decode(bytes) };
  } catch (error) {
    // Decoding would replace the bad bytes, and writing back would then corrupt the note.
    throw new MichiError(
      `${shownPath} is not valid UTF-8; michi edits only UTF-8 notes and left it unchanged.`,
      { cause: error },
    );
  }
}

async function readBytesIfPresent(target: string): Promise<Buffer | null> {
  try {
    return await readFile(target);
  } catch (error) {
    if (codeOf(error) === "ENOENT") return null;
    throw error;
  }
}

async function readMode(target: string): Promise<number | undefined> {
  try {
    return (await stat(target)).mode & 0o7777;
  } catch (error) {
    if (codeOf(error) === "ENOENT") return undefined;
    throw error;
  }
}

/** The real file behind `path`, so renaming over it never replaces a symlink with a copy. */
async function resolveTarget(path: string): Promise<string> {
  const absolute = resolve(path);
  try {
    return await realpath(absolute);
  } catch (error) {
    if (codeOf(error) === "ENOENT") return absolute;
    throw new MichiError(`Could not open ${path} (${describe(error)}).`, { cause: error });
  }
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

function describe(error: unknown): string {
  const cause = fsCause(error); // read-only folder, disk full: say so and what to do
  return cause
    ? `${codeOf(error)}: ${cause}`
    : (codeOf(error) ?? (error instanceof Error ? error.message : String(error)));
}
