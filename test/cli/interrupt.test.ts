import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateNotes } from "../../bench/generate.js";
import { LOCK_FILE } from "../../src/index/lock.js";
import { DB_FILE } from "../../src/index/store.js";
import { FIXTURE_NOTES, makeWorkspace, michiArgv, ROOT, runInProcess } from "../support/cli.js";

let ws: ReturnType<typeof makeWorkspace>;
const children: ChildProcess[] = [];
beforeAll(async () => {
  ws = makeWorkspace();
  // Large enough that a cold ingest takes many seconds even on a fast machine.
  await generateNotes({ items: 20_000, dir: path.join(ws.notes, "generated") });
}, 120_000);
afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  ws.cleanup();
});

function startCli(args: string[]) {
  const child = spawn(process.execPath, michiArgv(args), {
    cwd: ws.dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>(
    (resolve) =>
      child.on("exit", (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  return { child, exited, stderr: () => stderr };
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((r) => setTimeout(r, 20));
};

/** Every chunk's id and status, sorted: two equal lists are the same index contents. */
function contents(dataDir: string) {
  const db = new Database(path.join(dataDir, DB_FILE), { readonly: true });
  try {
    return db.prepare("SELECT id, status FROM chunks ORDER BY id").all();
  } finally {
    db.close();
  }
}

describe("stopping a busy ingest", () => {
  it("SIGTERM mid-ingest exits 143 within seconds with one line; the committed index stays", async () => {
    const data = path.join(ws.dir, "data-term");
    const fixtureOnly = path.join(ws.dir, "fixture-notes");
    cpSync(FIXTURE_NOTES, fixtureOnly, { recursive: true });
    // The committed index: a fresh build of the fixture note alone.
    const first = await runInProcess(["--notes", fixtureOnly, "--data", data, "ingest"], {
      cwd: ws.dir,
    });
    expect(first.code).toBe(0);
    const committed = contents(data);
    expect(committed.length).toBeGreaterThan(10);

    // Then 20k new items arrive and a busy ingest of them is stopped.
    const run = startCli(["--notes", ws.notes, "--data", data, "ingest"]);
    await until(() => existsSync(path.join(data, LOCK_FILE, "owner.json")));
    await new Promise((r) => setTimeout(r, 500)); // into reading and inserting
    const sent = performance.now();
    run.child.kill("SIGTERM");
    const { code, at } = await run.exited;
    expect(code).toBe(143);
    // A busy ingest used to run on for 28 s and more; a step is far shorter than this.
    expect(at - sent).toBeLessThan(15_000);
    expect(run.stderr().trim().split("\n")).toEqual([
      "michi: stopped by SIGTERM; the index is as of the last completed ingest",
    ]);
    expect(existsSync(path.join(data, LOCK_FILE))).toBe(false);
    // Nothing of the stopped run was committed: the index is exactly the fresh build of what
    // was committed, and the next command reads it.
    expect(contents(data)).toEqual(committed);
    const status = await runInProcess(["--notes", ws.notes, "--data", data, "status", "--json"], {
      cwd: ws.dir,
    });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).chunks).toBe(committed.length);
  }, 300_000);

  it("Ctrl-C while waiting for another process's ingest exits 130 at once", async () => {
    const data = path.join(ws.dir, "data-int");
    const holder = spawn(
      process.execPath,
      ["--import", import.meta.resolve("tsx"), path.join(ROOT, "test/support/lock-child.ts"), data],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    children.push(holder);
    await new Promise<void>((resolve) =>
      holder.stdout?.on("data", (d: Buffer) => d.toString().includes("locked") && resolve()),
    );
    const run = startCli(["--notes", ws.notes, "--data", data, "ask", "DaemonSet"]);
    await until(() => run.stderr().includes("waiting for process"));
    const sent = performance.now();
    run.child.kill("SIGINT");
    const { code, at } = await run.exited;
    expect(code).toBe(130);
    expect(at - sent).toBeLessThan(10_000);
    expect(run.stderr()).toMatch(
      /michi: stopped by Ctrl-C; the index is as of the last completed ingest\n$/,
    );
  }, 120_000);
});
