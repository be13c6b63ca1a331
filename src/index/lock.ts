/**
 * One ingest at a time across processes (the bot, a terminal chat and `michi learned` may share
 * one data directory): an ingest reads the committed index, adds to it and commits, so two at
 * once would lose each other's work. In-process callers are serialized before they get here.
 *
 * The lock is a directory (`mkdir` is atomic) holding `owner.json`: the holder's pid, host and
 * since when it holds the lock; the holder touches that file every few seconds. A lock whose
 * process is gone (killed with -9) is taken over at once; one whose owner stopped touching it
 * (another host, a reused pid) after a while. A lock that cannot be created at all fails at
 * once with the reason, never after minutes of waiting.
 */
import * as nodeFs from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { sleepUnless } from "../deadline.js";
import { MichiError } from "../errors.js";
import { fsErrorMessage } from "../fs-errors.js";
import { isProcessAlive } from "../process-alive.js";

/** The file system calls the lock makes (injected in tests to simulate failures). */
export type LockFs = Pick<
  typeof nodeFs,
  | "mkdirSync"
  | "readFileSync"
  | "renameSync"
  | "rmSync"
  | "statSync"
  | "utimesSync"
  | "writeFileSync"
>;

export const LOCK_FILE = "ingest.lock";
const OWNER_FILE = "owner.json";
const TAKEOVER_DIR = "takeover";

/** What the lock records about its holder. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** When the holder took the lock. */
  readonly since: Date;
}

export interface LockOptions {
  /** Told once per holder when the lock is held by a live process and we wait for it. */
  readonly onWait?: (holder: LockHolder) => void;
  /** How long to wait for a live holder before giving up. */
  readonly maxWaitMs?: number;
  /** Injected for tests: the file system calls the lock makes. */
  readonly fs?: LockFs;
  readonly now?: () => number;
  /** Stops waiting for a holder (throwing `signal.reason`). */
  readonly signal?: AbortSignal;
}

/** How often the holder touches its owner file. */
const HEARTBEAT_MS = 5_000;
/** An owner on another host (a shared folder) that has not touched the lock for this long is gone. */
const REMOTE_STALE_MS = 60_000;
/** A live local pid that has not touched the lock for this long is another process (pid reuse). */
const LOCAL_STALE_MS = 10 * 60_000;
/** A lock directory without an owner (its creator died right after mkdir, or an older michi). */
const OWNERLESS_STALE_MS = 10_000;
/** A cold ingest of a large vault can take minutes. */
const MAX_WAIT_MS = 10 * 60_000;

export async function withIngestLock<T>(
  dataDir: string,
  run: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const fs = options.fs ?? nodeFs;
  const lock = path.join(dataDir, LOCK_FILE);
  const me = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  await acquire(lock, me, fs, options);
  const heartbeat = setInterval(() => {
    try {
      const t = new Date();
      fs.utimesSync(path.join(lock, OWNER_FILE), t, t);
    } catch {
      // Taken over or removed: the commit is still serialized by SQLite; nothing to do here.
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  try {
    return await run();
  } finally {
    clearInterval(heartbeat);
    release(lock, me, fs);
  }
}

async function acquire(
  lock: string,
  me: { pid: number; host: string; since: string },
  fs: LockFs,
  options: LockOptions,
): Promise<void> {
  const now = options.now ?? Date.now;
  const started = now();
  const maxWait = options.maxWaitMs ?? MAX_WAIT_MS;
  const dataDir = path.dirname(lock);
  let reported: string | null = null;
  for (let attempt = 0; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      fs.mkdirSync(dataDir, { recursive: true });
    } catch (error) {
      throw new MichiError(fsErrorMessage(error, dataDir, "create the data directory"), {
        cause: error,
      });
    }
    try {
      fs.mkdirSync(lock);
      writeOwner(lock, me, fs);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new MichiError(fsErrorMessage(error, lock, "create the ingest lock"), {
          cause: error,
        });
      }
    }
    const seen = inspect(lock, fs, now());
    if (seen.kind === "gone") continue;
    if (seen.kind === "not-a-lock") {
      throw new MichiError(
        `${lock} is a file, not michi's lock (a directory): remove it and run again`,
      );
    }
    if (seen.kind === "stale") {
      takeOver(lock, seen.ownerText, fs, now());
      continue;
    }
    if (seen.holder) {
      const key = `${seen.holder.pid}@${seen.holder.host}:${+seen.holder.since}`;
      if (key !== reported) {
        reported = key;
        options.onWait?.(seen.holder);
      }
    }
    if (now() - started > maxWait) {
      const who = seen.holder
        ? `process ${seen.holder.pid} on ${seen.holder.host}`
        : "another michi process";
      throw new MichiError(
        `${who} has been updating the index in ${dataDir} for over ${Math.round(maxWait / 60_000)} min; try again when it is done`,
      );
    }
    await sleepUnless(Math.min(1_000, 50 * 2 ** Math.min(attempt, 5)), options.signal);
  }
}

type Seen =
  | { kind: "gone" }
  | { kind: "not-a-lock" }
  | { kind: "stale"; ownerText: string | null }
  | { kind: "held"; holder: LockHolder | null };

/** What holds the lock now, and whether that holder is still there. */
function inspect(lock: string, fs: LockFs, now: number): Seen {
  let lockStat: nodeFs.Stats | undefined;
  try {
    lockStat = fs.statSync(lock);
  } catch {
    return { kind: "gone" };
  }
  if (!lockStat?.isDirectory()) return { kind: "not-a-lock" };
  let ownerText: string | null = null;
  let ownerMtime = 0;
  try {
    ownerText = fs.readFileSync(path.join(lock, OWNER_FILE), "utf8") as string;
    ownerMtime = fs.statSync(path.join(lock, OWNER_FILE))?.mtimeMs ?? 0;
  } catch {
    // No owner yet (its creator is about to write it, or died first) or an older michi's lock.
  }
  const holder = parseOwner(ownerText);
  if (holder === null) {
    const age = now - lockStat.mtimeMs;
    return age > OWNERLESS_STALE_MS ? { kind: "stale", ownerText } : { kind: "held", holder };
  }
  const age = now - ownerMtime;
  if (holder.host === hostname()) {
    if (!isProcessAlive(holder.pid) || age > LOCAL_STALE_MS) return { kind: "stale", ownerText };
  } else if (age > REMOTE_STALE_MS) {
    return { kind: "stale", ownerText };
  }
  return { kind: "held", holder };
}

/**
 * Removes a stale lock. Two waiters may find the same dead lock: only the one that creates its
 * `takeover` directory removes it, and only if the owner is still the one both saw (the other
 * might otherwise remove the lock the first one has just taken).
 */
function takeOver(lock: string, ownerText: string | null, fs: LockFs, now: number): void {
  const marker = path.join(lock, TAKEOVER_DIR);
  try {
    fs.mkdirSync(marker);
  } catch (error) {
    // Another waiter is taking it over; a takeover that died halfway is cleared after a while.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      const age = now - (safeStat(marker, fs)?.mtimeMs ?? now);
      if (age > OWNERLESS_STALE_MS) fs.rmSync(marker, { recursive: true, force: true });
    }
    return;
  }
  let current: string | null = null;
  try {
    current = fs.readFileSync(path.join(lock, OWNER_FILE), "utf8") as string;
  } catch {
    current = null;
  }
  if (current !== ownerText) {
    fs.rmSync(marker, { recursive: true, force: true });
    return;
  }
  // Renamed away first, so the lock path is free in one step even if removing takes a while.
  const doomed = `${lock}.stale-${process.pid}-${now}`;
  try {
    fs.renameSync(lock, doomed);
  } catch {
    return;
  }
  fs.rmSync(doomed, { recursive: true, force: true });
}

function release(lock: string, me: { pid: number; since: string }, fs: LockFs): void {
  try {
    const owner = parseOwner(fs.readFileSync(path.join(lock, OWNER_FILE), "utf8") as string);
    if (owner?.pid !== me.pid || owner.since.toISOString() !== me.since) return; // taken over
    const doomed = `${lock}.released-${process.pid}-${Date.now()}`;
    fs.renameSync(lock, doomed);
    fs.rmSync(doomed, { recursive: true, force: true });
  } catch {
    // Already gone: nothing to release.
  }
}

function writeOwner(lock: string, me: object, fs: LockFs): void {
  const tmp = path.join(lock, `${OWNER_FILE}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(me));
  fs.renameSync(tmp, path.join(lock, OWNER_FILE));
}

function parseOwner(text: string | null): LockHolder | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as { pid?: unknown; host?: unknown; since?: unknown };
    if (typeof value.pid !== "number" || typeof value.host !== "string") return null;
    const since = new Date(String(value.since));
    return { pid: value.pid, host: value.host, since };
  } catch {
    return null;
  }
}

function safeStat(file: string, fs: LockFs) {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}
