/**
 * One ingest at a time across processes (the bot, a terminal chat and `michi learned` may share
 * one data directory): an ingest reads the committed index, adds to it and commits, so two at
 * once would lose each other's work. In-process callers are serialized before they get here.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import lockfile from "proper-lockfile";
import { MichiError } from "../errors.js";

export const LOCK_FILE = "ingest.lock";

/** How long a holder may go without refreshing the lock before it counts as crashed. */
const STALE_MS = 60_000;

export async function withIngestLock<T>(dataDir: string, run: () => Promise<T>): Promise<T> {
  mkdirSync(dataDir, { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, {
      lockfilePath: path.join(dataDir, LOCK_FILE),
      realpath: false,
      stale: STALE_MS,
      // Another process's cold ingest of a large vault can take a minute or two.
      retries: { retries: 300, minTimeout: 100, maxTimeout: 1_000 },
      // A refresh that came late (a long synchronous step) is not worth crashing for.
      onCompromised: () => undefined,
    });
  } catch (error) {
    throw new MichiError(
      `another michi process is updating the index in ${dataDir} and did not finish in time; try again`,
      { cause: error },
    );
  }
  try {
    return await run();
  } finally {
    await release().catch(() => undefined); // already released as stale: nothing to undo
  }
}
