import { type ChildProcess, spawn } from "node:child_process";
import * as nodeFs from "node:fs";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MichiError } from "../../src/errors.js";
import { LOCK_FILE, type LockHolder, withIngestLock } from "../../src/index/lock.js";
import { makeWorkspace, michiArgv, ROOT, runChild } from "../support/cli.js";

let root: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "michi-lock-"));
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

/** Starts a real process holding the lock of `dataDir`; resolves once it holds it. */
async function startHolder(dataDir: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      import.meta.resolve("tsx"),
      path.join(ROOT, "test/support/lock-child.ts"),
      dataDir,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (data: Buffer) => {
      if (data.toString().includes("locked")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`holder exited early (${code})`)));
  });
  return child;
}

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.on("exit", () => resolve());
    child.kill("SIGKILL");
  });

describe("the ingest lock", () => {
  it("takes over at once a lock whose process was killed with SIGKILL", async () => {
    const data = path.join(root, "data");
    await killed(await startHolder(data));
    expect(existsSync(path.join(data, LOCK_FILE))).toBe(true); // left behind by the kill
    const waits: LockHolder[] = [];
    const ran = await withIngestLock(data, async () => "ran", {
      onWait: (holder) => waits.push(holder),
      maxWaitMs: 2_000, // the old lock waited 60 s for a dead holder's lock to go stale
    });
    expect(ran).toBe("ran");
    expect(waits).toEqual([]);
    expect(existsSync(path.join(data, LOCK_FILE))).toBe(false);
  });

  it("tells once who holds a live lock, and goes on when the holder is gone", async () => {
    const data = path.join(root, "data");
    const holder = await startHolder(data);
    const waits: LockHolder[] = [];
    let ran = false;
    const waiting = withIngestLock(
      data,
      async () => {
        ran = true;
      },
      { onWait: (h) => waits.push(h) },
    );
    while (waits.length === 0) await new Promise((r) => setTimeout(r, 50));
    expect(ran).toBe(false);
    expect(waits).toHaveLength(1);
    expect(waits[0]?.pid).toBe(holder.pid);
    expect(waits[0]?.since.getTime()).toBeGreaterThan(Date.now() - 120_000);
    await killed(holder);
    await waiting;
    expect(ran).toBe(true);
    expect(waits).toHaveLength(1);
  });

  it("gives up on a live holder after the longest wait, naming it", async () => {
    const data = path.join(root, "data");
    const holder = await startHolder(data);
    await expect(withIngestLock(data, async () => 1, { maxWaitMs: 300 })).rejects.toThrow(
      new RegExp(`process ${holder.pid} on .* has been updating the index`),
    );
  });

  it("fails at once on a stray file named ingest.lock", async () => {
    const data = path.join(root, "data");
    mkdirSync(data);
    writeFileSync(path.join(data, LOCK_FILE), "not a lock");
    const started = Date.now();
    const error = await withIngestLock(data, async () => 1, { maxWaitMs: 60_000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MichiError);
    expect((error as Error).message).toMatch(/ingest\.lock is a file, not michi's lock.*remove it/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it.each([
    ["EROFS", /read-only file system/],
    ["EACCES", /permission denied/],
    ["ENOSPC", /no space left/],
  ])(
    "fails at once with the real cause when the lock cannot be created (%s)",
    async (code, cause) => {
      const data = path.join(root, "data");
      mkdirSync(data);
      const lockPath = path.join(data, LOCK_FILE);
      const fs = {
        ...nodeFs,
        mkdirSync: ((target: string, options?: nodeFs.MakeDirectoryOptions) => {
          if (target === lockPath) {
            throw Object.assign(new Error(`${code}: simulated, mkdir '${target}'`), {
              code,
              syscall: "mkdir",
            });
          }
          return nodeFs.mkdirSync(target, options);
        }) as typeof nodeFs.mkdirSync,
      };
      const error = await withIngestLock(data, async () => 1, { fs, maxWaitMs: 60_000 }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(MichiError);
      expect((error as Error).message).toMatch(/cannot create the ingest lock .*ingest\.lock/);
      expect((error as Error).message).toMatch(cause);
    },
  );
});

describe("after michi ingest is killed with SIGKILL", () => {
  it("the next command answers without waiting for the dead process's lock", async () => {
    const ws = makeWorkspace();
    try {
      const lines = Array.from({ length: 5_000 }, (_, i) => `- X topic ${i} about schedulers\n`);
      writeFileSync(path.join(ws.notes, "big.md"), lines.join(""));
      const child = spawn(
        process.execPath,
        michiArgv(["--notes", ws.notes, "--data", ws.data, "ingest"]),
        { cwd: ws.dir, stdio: "ignore" },
      );
      children.push(child);
      const lock = path.join(ws.data, LOCK_FILE, "owner.json");
      while (!existsSync(lock)) await new Promise((r) => setTimeout(r, 20));
      await killed(child);
      expect(existsSync(lock)).toBe(true);
      // runChild gives up after 60 s: the old lock made this wait 60 s and more.
      const run = await runChild(
        ["--notes", ws.notes, "--data", ws.data, "ask", "DaemonSetって何?"],
        { cwd: ws.dir },
      );
      expect(run.stderr).not.toMatch(/waiting for process/);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/DaemonSet/);
    } finally {
      ws.cleanup();
    }
  }, 120_000);

  it("a command waiting for a live holder says so on stderr, then answers", async () => {
    const ws = makeWorkspace();
    try {
      const holder = await startHolder(ws.data);
      const child = spawn(
        process.execPath,
        michiArgv(["--notes", ws.notes, "--data", ws.data, "ask", "DaemonSetって何?"]),
        { cwd: ws.dir, stdio: ["ignore", "pipe", "pipe"] },
      );
      children.push(child);
      let stderr = "";
      let stdout = "";
      child.stdout?.on("data", (d: Buffer) => {
        stdout += d.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      await new Promise<void>((resolve) => {
        child.stderr?.on("data", (d: Buffer) => {
          stderr += d.toString();
          if (stderr.includes("waiting for process")) resolve();
        });
      });
      expect(stderr).toMatch(
        new RegExp(
          `^michi: waiting for process ${holder.pid}, ingesting since \\d\\d:\\d\\d:\\d\\d`,
        ),
      );
      await killed(holder);
      expect(await exited).toBe(0);
      expect(stdout).toMatch(/DaemonSet/);
    } finally {
      ws.cleanup();
    }
  }, 120_000);
});
