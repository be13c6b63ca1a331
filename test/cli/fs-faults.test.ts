import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isMichiError } from "../../src/errors.js";
import { toUserError } from "../../src/fs-errors.js";
import { asStoreError } from "../../src/index/store.js";
import { editFileExactly } from "../../src/notes/atomic-write.js";
import { removeStaleTempFiles } from "../../src/notes/stale-temp.js";
import { makeWorkspace, michiArgv, runInProcess } from "../support/cli.js";

let ws: ReturnType<typeof makeWorkspace>;
beforeEach(() => {
  ws = makeWorkspace();
});
afterEach(() => {
  chmodSync(ws.notes, 0o755);
  if (existsSync(ws.data)) chmodSync(ws.data, 0o755);
  ws.cleanup();
});

const cli = (...args: string[]) =>
  runInProcess(["--notes", ws.notes, "--data", ws.data, ...args], { cwd: ws.dir });

function expectOneClearLine(run: { code: number; stderr: string }, pattern: RegExp) {
  expect(run.code).toBe(1);
  const lines = run.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

/** A pid that is certainly not running: a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(child.stdout.toString());
}

/**
 * Runs the real command where the permission bits apply. Root may write anywhere, so as root the
 * child runs without the capabilities that override them (setpriv drops DAC override from its
 * bounding set). It stays the owner of the checkout, which may be private (`mktemp -d` is 0700),
 * so it can still load michi; running it as `nobody` could not.
 */
function runAsUser(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const asRoot = process.getuid?.() === 0;
  const command = [process.execPath, ...michiArgv(args)];
  const dropOverride = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"];
  const [file, ...argv] = asRoot ? [...dropOverride, ...command] : command;
  const child = spawn(file as string, argv, {
    cwd: ws.dir,
    env: { PATH: process.env.PATH, HOME: ws.dir },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stderr })));
}

describe("leftover temp files", () => {
  it("an ingest removes a killed writer's temp files, and leaves live or recent ones", async () => {
    const dead = deadPid();
    const old = new Date(Date.now() - 10 * 60_000);
    const sub = path.join(ws.notes, "sub");
    mkdirSync(sub);
    const stale = [
      path.join(ws.notes, `.k8s-weekly-log-2.md.${dead}.0123456789ab.tmp`),
      path.join(sub, `.deep.md.${dead}.ba9876543210.tmp`),
    ];
    const live = path.join(ws.notes, `.k8s-weekly-log-2.md.${process.pid}.aaaaaaaaaaaa.tmp`);
    const recent = path.join(ws.notes, `.k8s-weekly-log-2.md.${dead}.bbbbbbbbbbbb.tmp`);
    for (const file of [...stale, live]) {
      writeFileSync(file, "half a note");
      utimesSync(file, old, old);
    }
    writeFileSync(recent, "being written by a michi on another machine");
    expect((await cli("ingest")).code).toBe(0);
    for (const file of stale) expect(existsSync(file)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(recent)).toBe(true);
  });

  it("only matches michi's own temp names", async () => {
    const dead = deadPid();
    const old = new Date(Date.now() - 10 * 60_000);
    const mine = `.a.md.${dead}.0123456789ab.tmp`;
    const others = [`.a.md.${dead}.tmp`, `a.md.${dead}.0123456789ab.tmp`, `.a.md.swp`];
    for (const name of [mine, ...others]) {
      writeFileSync(path.join(ws.notes, name), "x");
      utimesSync(path.join(ws.notes, name), old, old);
    }
    expect(await removeStaleTempFiles(ws.notes)).toEqual([mine]);
    expect(
      readdirSync(ws.notes)
        .filter((n) => n !== "k8s-weekly-log-2.md")
        .sort(),
    ).toEqual(others.sort());
  });
});

describe("notes that are skipped are named", () => {
  it("a symlinked note and a symlinked folder are skipped with a warning naming them", async () => {
    const elsewhere = path.join(ws.dir, "elsewhere");
    mkdirSync(elsewhere);
    writeFileSync(path.join(elsewhere, "linked.md"), "- X linked only\n");
    symlinkSync(path.join(elsewhere, "linked.md"), path.join(ws.notes, "linked.md"));
    symlinkSync(elsewhere, path.join(ws.notes, "folder"));
    const run = await cli("ingest", "--json");
    expect(run.code).toBe(0);
    const warnings = JSON.parse(run.stdout).warnings as { file: string; message: string }[];
    expect(warnings.find((w) => w.file === "linked.md")?.message).toMatch(
      /^symbolic link, skipped: .*move the note here/,
    );
    expect(warnings.find((w) => w.file === "folder")?.message).toMatch(
      /^symbolic link to a folder, not followed/,
    );
    const status = JSON.parse((await cli("status", "--json")).stdout);
    expect(status.notes).toBe(1);
  });

  it("a file whose name is not UTF-8 is skipped with a warning", async () => {
    const name = Buffer.concat([
      Buffer.from("bad-"),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(".md"),
    ]);
    const handle = await open(Buffer.concat([Buffer.from(`${ws.notes}/`), name]), "w");
    await handle.writeFile("- X hidden behind a bad name\n");
    await handle.close();
    const run = await cli("ingest", "--json");
    expect(run.code).toBe(0);
    const warnings = JSON.parse(run.stdout).warnings as { file: string; message: string }[];
    expect(warnings).toContainEqual(
      expect.objectContaining({
        file: "bad-\uFFFD\uFFFD.md",
        message: "file name is not valid UTF-8, skipped (rename the file)",
      }),
    );
  });
});

describe("file system failures are one clear line", () => {
  it("--data pointing at a file names it and says it is a file", async () => {
    const file = path.join(ws.dir, "data-file");
    writeFileSync(file, "not a folder");
    for (const command of [["ask", "DaemonSet"], ["status"], ["ingest"]]) {
      const run = await runInProcess(["--notes", ws.notes, "--data", file, ...command], {
        cwd: ws.dir,
      });
      expectOneClearLine(
        run,
        new RegExp(
          `^michi: cannot .* ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: it or a folder above it is a file, not a folder`,
        ),
      );
    }
  });

  it("a read-only notes folder: learned names the folder and the fix, the note is untouched", async () => {
    expect((await cli("ingest")).code).toBe(0);
    const note = path.join(ws.notes, "k8s-weekly-log-2.md");
    const before = readFileSync(note);
    chmodSync(ws.data, 0o777);
    for (const entry of readdirSync(ws.data)) chmodSync(path.join(ws.data, entry), 0o777);
    chmodSync(ws.dir, 0o755);
    chmodSync(ws.notes, 0o555);
    chmodSync(path.join(ws.notes, "k8s-weekly-log-2.md"), 0o644);
    const run = await runAsUser([
      "--notes",
      ws.notes,
      "--data",
      ws.data,
      "learned",
      "Deploymentが何かは忘れた",
    ]);
    expect(readFileSync(note).equals(before)).toBe(true);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(
      `michi: Could not write ${path.join(ws.notes, "k8s-weekly-log-2.md")} (EACCES: permission denied; make it writable for this user (or use another folder)); the note was left unchanged.`,
    );
    expect(run.code).toBe(1);
  }, 60_000);

  it("a read-only data folder fails at once naming it (the lock cannot be made)", async () => {
    mkdirSync(ws.data);
    chmodSync(ws.dir, 0o755);
    chmodSync(ws.data, 0o555);
    const run = await runAsUser(["--notes", ws.notes, "--data", ws.data, "ask", "DaemonSet"]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(
      /^michi: cannot create the ingest lock .*ingest\.lock: permission denied/,
    );
  }, 60_000);

  it("disk full while writing a note is one line naming the note's folder", async () => {
    const note = path.join(ws.notes, "k8s-weekly-log-2.md");
    const error = await editFileExactly(
      note,
      (text) => text.replace("X Deployment", "O Deployment"),
      {
        writeBytes: async () => {
          throw Object.assign(new Error("ENOSPC: no space left on device, write"), {
            code: "ENOSPC",
            syscall: "write",
            path: path.join(ws.notes, ".k8s-weekly-log-2.md.1.0123456789ab.tmp"),
          });
        },
      },
    ).catch((e: unknown) => e);
    expect(isMichiError(error)).toBe(true);
    expect((error as Error).message).toBe(
      `Could not write ${note} (ENOSPC: no space left on its disk; free some space and run again); the note was left unchanged.`,
    );
    // The same error reaching a front end unwrapped names the note's folder, not the temp file.
    expect(toUserError((error as Error).cause)?.message).toBe(
      `cannot write notes in ${ws.notes}: no space left on its disk; free some space and run again`,
    );
  });

  it("disk full in the data folder (SQLite) is one line naming the folder", () => {
    const full = Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
    const mapped = asStoreError(full, ws.data);
    expect(isMichiError(mapped)).toBe(true);
    expect((mapped as Error).message).toBe(
      `cannot write the index in ${ws.data}: no space left on its disk; free some space and run again`,
    );
    expect(toUserError(full)?.message).toMatch(/no space left/);
  });
});
