import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeWorkspace, runChild, runInProcess } from "../support/cli.js";

let ws: ReturnType<typeof makeWorkspace>;
beforeEach(() => {
  ws = makeWorkspace();
});
afterEach(() => ws.cleanup());

const michi = (...args: string[]) =>
  runInProcess(["--notes", ws.notes, "--data", ws.data, ...args], { cwd: ws.dir });

const addSkippedFiles = () => {
  writeFileSync(
    path.join(ws.notes, "latin1.md"),
    Buffer.from([0x2d, 0x20, 0x4f, 0x20, 0xe9, 0x0a]),
  );
  writeFileSync(path.join(ws.notes, "bad-yaml.md"), "---\ntitle: [unclosed\n---\n- X Helm\n");
};

describe("what an ingest tells the user", () => {
  it("ingest counts one item or chunk in the singular", async () => {
    rmSync(ws.notes, { recursive: true });
    mkdirSync(ws.notes);
    writeFileSync(path.join(ws.notes, "one.md"), "- X Helm\n");
    const run = await michi("ingest");
    expect(run.stdout.split("\n")[0]).toBe(
      "1 note, 1 item (0 known, 0 partial, 1 unknown, 0 unmarked), 1 chunk",
    );
  });

  it("ask says in one stderr line how many files were skipped, every run", async () => {
    addSkippedFiles();
    for (let run = 0; run < 2; run++) {
      const ask = await michi("ask", "Helmとは?");
      expect(ask.code).toBe(0);
      expect(ask.stderr).toBe("michi: 2 files skipped — michi status\n");
    }
    const status = await michi("status");
    expect(status.stdout).toContain("warning: latin1.md");
    expect(status.stdout).toContain("warning: bad-yaml.md");
  });

  it("ask --json puts the skipped files line in notices", async () => {
    addSkippedFiles();
    const ask = await michi("ask", "--json", "Helmとは?");
    expect(ask.stderr).toBe("");
    expect(JSON.parse(ask.stdout).notices).toContain("2 files skipped — michi status");
  });

  it("ingest shows a note's warnings when it was re-read, status keeps them", async () => {
    const first = await michi("ingest");
    expect(first.stdout).toContain("warning: k8s-weekly-log-2.md:52: ambiguous marker");
    const second = await michi("ingest");
    expect(second.stdout).not.toContain("warning:");
    expect(second.stdout).toContain("2 warnings in unchanged notes — michi status");
    expect((await michi("status")).stdout).toContain(
      "warning: k8s-weekly-log-2.md:52: ambiguous marker",
    );
    appendFileSync(path.join(ws.notes, "k8s-weekly-log-2.md"), "\n- X Helmチャートの書き方\n");
    const changed = await michi("ingest");
    expect(changed.stdout).toContain("warning: k8s-weekly-log-2.md:52: ambiguous marker");
  });

  it("warns when the notes folder has no notes", async () => {
    const empty = path.join(ws.dir, "empty");
    mkdirSync(empty);
    for (const command of [["ask", "DaemonSetって何?"], ["ingest"]]) {
      const run = await runInProcess(["--notes", empty, "--data", ws.data, ...command], {
        cwd: ws.dir,
      });
      expect(run.code).toBe(0);
      expect(run.stderr).toContain(`michi: no notes (.md files) in ${empty}`);
    }
  });

  it("an empty --notes or --data (an unset shell variable) is refused, not read as this folder", async () => {
    writeFileSync(path.join(ws.dir, "README.md"), "- X not a note of the user's\n");
    for (const [args, option] of [
      [["--notes", "", "--data", ws.data, "unknown", "Helm"], "--notes"],
      [["--notes", ws.notes, "--data", " ", "status"], "--data"],
    ] as const) {
      const run = await runInProcess([...args], { cwd: ws.dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(`michi: ${option}: expected a folder, got an empty path\n`);
    }
    expect(existsSync(path.join(ws.dir, "inbox.md"))).toBe(false);
    expect(existsSync(path.join(ws.dir, " "))).toBe(false);
  });

  it("a missing notes folder fails without leaving a data folder behind", async () => {
    const elsewhere = mkdtempSync(path.join(tmpdir(), "michi-elsewhere-"));
    try {
      // The real command: relative paths resolve against its working directory.
      const run = await runChild(["ask", "DaemonSetって何?"], { cwd: elsewhere });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("notes directory not found: notes");
      expect(existsSync(path.join(elsewhere, ".michi"))).toBe(false);
      const ingest = await runChild(["--notes", "nope", "ingest"], { cwd: elsewhere });
      expect(ingest.code).toBe(1);
      expect(existsSync(path.join(elsewhere, ".michi"))).toBe(false);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
