/**
 * Finds the notes under a directory and reads them safely: a file that is binary, not UTF-8,
 * unreadable or has broken frontmatter is skipped with a warning naming it; the rest go on.
 */
import { hash as digest } from "node:crypto";
import { readFileSync, type Stats } from "node:fs";
import { lstat, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { isMichiError, MichiError } from "../errors.js";
import type { Note, NoteWarning } from "./index.js";
import { parseNote } from "./parse.js";

const NOTE_EXTENSIONS = /\.(md|markdown)$/i;
/** Folders that hold tooling state, never notes. */
const SKIPPED_DIRS = new Set(["node_modules", ".git", ".obsidian", ".trash", ".michi"]);

export interface NoteFile {
  /** Path relative to the notes directory, `/`-separated. */
  readonly file: string;
  readonly absolute: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** Why the file is listed but not read (a symbolic link, a name that is not UTF-8). */
  readonly skip?: string;
}

const NOT_UTF8_NAME = "file name is not valid UTF-8, skipped (rename the file)";

/**
 * Why a symbolic link in the notes folder is not read, or undefined for a link that is not a
 * note (nor a folder) at all. Links are never followed: a linked note would be indexed twice or
 * from outside the notes folder, and a linked folder could loop.
 */
async function linkSkipReason(absolute: string): Promise<string | undefined> {
  let target: Stats;
  try {
    target = await stat(absolute);
  } catch {
    return NOTE_EXTENSIONS.test(absolute) ? "symbolic link to nothing, skipped" : undefined;
  }
  if (target.isDirectory()) {
    return "symbolic link to a folder, not followed: michi reads only real files and folders in the notes folder (move the folder here, or point --notes at it)";
  }
  if (!NOTE_EXTENSIONS.test(absolute)) return undefined;
  return "symbolic link, skipped: michi reads only real files in the notes folder (move the note here, or point --notes at its folder)";
}

/**
 * Fails with a clear line unless `notesDir` is a directory. Commands check it before anything
 * creates the data directory, so a run in the wrong folder leaves nothing behind.
 */
export async function checkNotesDir(notesDir: string): Promise<void> {
  let rootStat: Stats;
  try {
    rootStat = await stat(path.resolve(notesDir));
  } catch (error) {
    throw new MichiError(
      `notes directory not found: ${notesDir} (set --notes or MICHI_NOTES_DIR)`,
      {
        cause: error,
      },
    );
  }
  if (!rootStat.isDirectory()) throw new MichiError(`not a directory: ${notesDir}`);
}

/** Lists note files recursively, sorted by path so every run sees the same order. */
export async function listNoteFiles(notesDir: string): Promise<NoteFile[]> {
  const root = path.resolve(notesDir);
  await checkNotesDir(notesDir);
  const out: NoteFile[] = [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  await Promise.all(
    entries.map(async (entry) => {
      const link = entry.isSymbolicLink();
      if (!link && !(entry.isFile() && NOTE_EXTENSIONS.test(entry.name))) return;
      const absolute = path.join(entry.parentPath, entry.name);
      const file = path.relative(root, absolute).split(path.sep).join("/");
      if (file.split("/").some((part) => SKIPPED_DIRS.has(part) || part.startsWith("."))) return;
      try {
        const s = await lstat(absolute);
        const skip = link ? await linkSkipReason(absolute) : undefined;
        if (link && skip === undefined) return; // a link to something that is not a note
        out.push({ file, absolute, size: s.size, mtimeMs: s.mtimeMs, ...(skip ? { skip } : {}) });
      } catch {
        // Node decodes a file name that is not UTF-8 with U+FFFD: that name does not exist.
        if (entry.name.includes("\uFFFD") && NOTE_EXTENSIONS.test(entry.name)) {
          out.push({ file, absolute, size: 0, mtimeMs: 0, skip: NOT_UTF8_NAME });
        }
        // Otherwise it vanished between readdir and stat: it is simply not there any more.
      }
    }),
  );
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

export type ReadResult =
  | { readonly ok: true; readonly note: Note; readonly text: string; readonly hash: string }
  | { readonly ok: false; readonly warning: NoteWarning; readonly hash: string | null };

const utf8 = new TextDecoder("utf-8", { fatal: true });

function hashText(bytes: Uint8Array | string): string {
  return digest("sha1", bytes, "hex");
}

/**
 * What one note may cost to index. A 20 MB note of 400k items took 1.5 GB and over two minutes,
 * holding up every other note; a note beyond these is skipped with a warning naming the limit.
 */
export const NOTE_LIMITS = { maxBytes: 8 * 1024 * 1024, maxLines: 250_000 } as const;

const MB = 1024 * 1024;

/** Reads and parses one note; failures become a warning naming the file (and line). */
export async function readNote(noteFile: NoteFile): Promise<ReadResult> {
  const { file } = noteFile;
  if (noteFile.skip !== undefined) {
    return { ok: false, hash: null, warning: { file, line: 1, message: noteFile.skip } };
  }
  const tooLarge = (size: number): ReadResult => ({
    ok: false,
    hash: null,
    warning: {
      file,
      line: 1,
      message: `${(size / MB).toFixed(1)} MB is over the ${NOTE_LIMITS.maxBytes / MB} MB a note may have; skipped (split it into smaller notes)`,
    },
  });
  if (noteFile.size > NOTE_LIMITS.maxBytes) return tooLarge(noteFile.size);
  let bytes: Buffer;
  try {
    // A note is small: one blocking read is several times faster than fs/promises' chunked
    // reads through the thread pool, which were a fifth of re-reading edited notes.
    bytes = readFileSync(noteFile.absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    return {
      ok: false,
      hash: null,
      warning: { file, line: 1, message: `unreadable (${code}), skipped` },
    };
  }
  if (bytes.length > NOTE_LIMITS.maxBytes) return tooLarge(bytes.length); // grew since listed
  const hash = hashText(bytes);
  if (bytes.includes(0)) {
    return {
      ok: false,
      hash,
      warning: { file, line: 1, message: "binary file (contains NUL bytes), skipped" },
    };
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const line = firstInvalidUtf8Line(bytes);
    return { ok: false, hash, warning: { file, line, message: "not valid UTF-8, skipped" } };
  }
  const lines = countLines(text);
  if (lines > NOTE_LIMITS.maxLines) {
    return {
      ok: false,
      hash,
      warning: {
        file,
        line: NOTE_LIMITS.maxLines + 1,
        message: `${lines} lines is over the ${NOTE_LIMITS.maxLines} lines a note may have; skipped (split it into smaller notes)`,
      },
    };
  }
  try {
    return { ok: true, note: parseNote(file, text), text, hash };
  } catch (error) {
    // Whatever one note does to the parser, it costs that note only, never the whole ingest.
    if (!isMichiError(error)) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return {
        ok: false,
        hash,
        warning: { file, line: 1, message: `unparsable (${reason}), skipped` },
      };
    }
    const match = /^[^:]+:(\d+): (.*)$/s.exec(error.message);
    return {
      ok: false,
      hash,
      warning: {
        file,
        line: match ? Number(match[1]) : 1,
        message: `${match ? match[2] : error.message}; skipped`,
      },
    };
  }
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** The 1-based line holding the first byte sequence that is not UTF-8. */
function firstInvalidUtf8Line(bytes: Buffer): number {
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        utf8.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return 1;
}
