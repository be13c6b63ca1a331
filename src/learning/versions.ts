/**
 * What michi replaced, kept: before a learning command rewrites a note, the note's bytes go to
 * `.michi/versions/<note path>/<time>.md`, and a journal line records the change (which note,
 * which version it replaced, a hash of what michi wrote). `michi undo` puts the last change
 * back; any version can be copied back by hand. Kept apart from the index database, so no
 * damage to the index (or `ingest --rebuild`) can take them. The newest KEEP_PER_NOTE versions
 * of each note are kept.
 */
import { createHash, randomBytes } from "node:crypto";
import { appendFile, mkdir, readdir, readFile, unlink } from "node:fs/promises";
import path from "node:path";
import { MichiError } from "../errors.js";
import { writeFileAtomic } from "../notes/atomic-write.js";

export const VERSIONS_DIR = "versions";
export const JOURNAL_FILE = "journal.jsonl";
/** Versions kept per note; older ones are deleted when a new one is kept. */
export const KEEP_PER_NOTE = 50;

/** One change michi made to a note. */
export interface ChangeRecord {
  readonly id: string;
  /** ISO time of the change. */
  readonly at: string;
  /** Note path relative to the notes directory, `/` separators. */
  readonly file: string;
  /** What made it, as the user would type it, e.g. `learned "Deployment"`. */
  readonly command: string;
  /** The replaced version, relative to the versions directory; null when michi created the note. */
  readonly before: string | null;
  /** SHA-256 of the bytes michi wrote. */
  readonly afterSha256: string;
  /** The items the change was about (their events are attributed to an undo). */
  readonly itemIds: readonly string[];
}

/** A change looked up by id (see `Versions.lookup`). */
export interface ChangeLookup {
  /** Undefined when the journal has no change with that id. */
  readonly change: ChangeRecord | undefined;
  readonly reverted: boolean;
  readonly newest: ChangeRecord | undefined;
}

interface RevertLine {
  readonly reverts: string;
  readonly at: string;
}

export interface Versions {
  readonly dir: string;
  /** Keeps a note's bytes before michi replaces them; returns the version's name (null: none). */
  keep(file: string, bytes: Buffer | null): Promise<string | null>;
  record(change: Omit<ChangeRecord, "id" | "at">): Promise<ChangeRecord>;
  /** The newest change not yet undone. */
  lastChange(): Promise<ChangeRecord | undefined>;
  /** One change by id, whether it was undone, and the newest change not yet undone. */
  lookup(id: string): Promise<ChangeLookup>;
  /** The bytes a change replaced (null: the note did not exist). */
  readBefore(change: ChangeRecord): Promise<Buffer | null>;
  markReverted(change: ChangeRecord): Promise<void>;
  /** The absolute path of a version, for messages. */
  pathOf(version: string): string;
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function openVersions(dataDir: string, now: () => Date): Versions {
  const dir = path.join(dataDir, VERSIONS_DIR);
  const journal = path.join(dir, JOURNAL_FILE);
  const pathOf = (version: string) => path.join(dir, ...version.split("/"));

  const readJournal = async (): Promise<(ChangeRecord | RevertLine)[]> => {
    let text: string;
    try {
      text = await readFile(journal, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const out: (ChangeRecord | RevertLine)[] = [];
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      try {
        out.push(JSON.parse(line) as ChangeRecord | RevertLine);
      } catch {
        // A line cut short by a crash: the entries around it still count.
      }
    }
    return out;
  };

  const append = async (entry: ChangeRecord | RevertLine) => {
    await mkdir(dir, { recursive: true });
    // One short line per append (O_APPEND): concurrent michi processes do not interleave it.
    await appendFile(journal, `${JSON.stringify(entry)}\n`, "utf8");
  };

  const prune = async (noteDir: string) => {
    const names = (await readdir(noteDir)).filter((n) => n.endsWith(".md")).sort();
    for (const name of names.slice(0, Math.max(0, names.length - KEEP_PER_NOTE))) {
      await unlink(path.join(noteDir, name)).catch(() => undefined);
    }
  };

  return {
    dir,
    pathOf,
    async keep(file, bytes) {
      if (bytes === null) return null;
      const stamp = now().toISOString().replace(/[:.]/g, "-");
      const version = `${file}/${stamp}-${randomBytes(3).toString("hex")}.md`;
      const target = pathOf(version);
      try {
        await mkdir(path.dirname(target), { recursive: true });
        await writeFileAtomic(target, bytes);
        await prune(path.dirname(target));
      } catch (error) {
        throw new MichiError(
          `Could not keep the current version of ${file} in ${dir} (${(error as Error).message}); the note was left unchanged.`,
          { cause: error },
        );
      }
      return version;
    },
    async record(change) {
      const entry: ChangeRecord = {
        id: `${now().toISOString()}-${randomBytes(4).toString("hex")}`,
        at: now().toISOString(),
        ...change,
      };
      await append(entry);
      return entry;
    },
    async lastChange() {
      return newestOf(await readJournal());
    },
    async lookup(id) {
      const entries = await readJournal();
      const change = entries.find((e): e is ChangeRecord => "file" in e && e.id === id);
      return {
        change,
        reverted: entries.some((e) => "reverts" in e && e.reverts === id),
        newest: newestOf(entries),
      };
    },
    async readBefore(change) {
      if (change.before === null) return null;
      try {
        return await readFile(pathOf(change.before));
      } catch (error) {
        throw new MichiError(
          `The version michi kept before ${change.command} (${pathOf(change.before)}) cannot be read (${(error as Error).message}).`,
          { cause: error },
        );
      }
    },
    async markReverted(change) {
      await append({ reverts: change.id, at: now().toISOString() });
    },
  };
}

/** The newest change of the journal that no revert line names. */
function newestOf(entries: readonly (ChangeRecord | RevertLine)[]): ChangeRecord | undefined {
  const reverted = new Set(
    entries.filter((e): e is RevertLine => "reverts" in e).map((e) => e.reverts),
  );
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry !== undefined && "file" in entry && !reverted.has(entry.id)) return entry;
  }
  return undefined;
}
