/**
 * Writing the user's notes safely. A note is replaced by rename from a synced temp file in the
 * same directory, so a crash leaves either the old or the new file, never half of one. Edits of
 * one file are queued within the process, and each is checked against the file on disk just
 * before the rename, so michi never overwrites a change made meanwhile (by an editor, a sync
 * tool, or another michi process); it re-applies its edit to the new content instead.
 *
 * The check and the rename are two steps, so a write landing between them can still be lost;
 * that window is the length of one read, which is as close as plain files allow without locks
 * every other program would have to honour.
 */
import { randomBytes } from "node:crypto";
import {
  type FileHandle,
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
}

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
  await commitViaTemp(path, target, bytes, options, async () => true);
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
        async () => sameBytes(await readBytesIfPresent(target), read.bytes),
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
 * Writes and syncs a temp file beside `target`, then renames it over `target` if `shouldCommit`
 * still agrees. Returns false (temp removed, target untouched) when it does not.
 */
async function commitViaTemp(
  shownPath: string,
  target: string,
  bytes: Uint8Array,
  options: AtomicWriteOptions,
  shouldCommit: () => Promise<boolean>,
): Promise<boolean> {
  const directory = dirname(target);
  // Hidden and not ending in .md, so ingest never reads a leftover temp file as a note.
  const temp = join(
    directory,
    `.${basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`,
  );
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
    if (!(await shouldCommit())) {
      await unlink(temp);
      return false;
    }
    await rename(temp, target);
    committed = true;
    await syncDirectory(directory);
    return true;
  } catch (error) {
    if (!committed) await removeLeftover(temp, error);
    if (error instanceof MichiError) throw error;
    const state = committed
      ? "it was replaced but may not be on disk yet"
      : "the note was left unchanged";
    throw new MichiError(`Could not write ${shownPath} (${describe(error)}); ${state}.`, {
      cause: error,
    });
  }
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

function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
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
  return codeOf(error) ?? (error instanceof Error ? error.message : String(error));
}
