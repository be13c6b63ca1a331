import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { openFeedback } from "../../src/learning/feedback.js";
import { makeWorkspace, runInProcess } from "../support/cli.js";

let ws: ReturnType<typeof makeWorkspace>;
beforeEach(() => {
  ws = makeWorkspace();
});
afterEach(() => ws.cleanup());

const michi = (...args: string[]) =>
  runInProcess(["--notes", ws.notes, "--data", ws.data, ...args], { cwd: ws.dir });

/** Answers shown in Discord and voted on, recorded in the real history file. */
async function vote(votes: readonly (readonly [string, "up" | "down"])[]): Promise<void> {
  const app = createApp(loadConfig({}, { notesDir: ws.notes, dataDir: ws.data }));
  try {
    const feedback = openFeedback((await app.history()).db);
    for (const [i, [question, v]] of votes.entries()) {
      const at = new Date(Date.UTC(2026, 10, 20, 9, i));
      feedback.recordAnswer(`k${i}`, await app.ask(question), at);
      feedback.vote(`k${i}`, "u1", v, at);
    }
  } finally {
    app.close();
  }
}

describe("michi feedback", () => {
  it("--export with --json writes the eval file too, and prints the votes as JSON lines", async () => {
    await vote([
      ["DaemonSetって何?", "up"],
      ["Serviceの種類は?", "down"],
    ]);
    const file = path.join(ws.dir, "fb.jsonl");
    const run = await michi("feedback", "--export", file, "--json");
    expect(run.code, run.stderr).toBe(0);
    const printed = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(printed.map((v) => [v.question, v.up, v.down])).toEqual([
      ["Serviceの種類は?", 0, 1],
      ["DaemonSetって何?", 1, 0],
    ]);
    expect(existsSync(file)).toBe(true);
    const exported = readFileSync(file, "utf8").trim().split("\n");
    expect(exported.map((l) => JSON.parse(l).q)).toEqual(["DaemonSetって何?"]);
    expect(run.stderr).toContain(`1 answer marked 👍 written to ${file}`);
  });

  it("--export with no answers marked 👍 writes no file that michi eval would reject", async () => {
    await vote([["Serviceの種類は?", "down"]]);
    const file = path.join(ws.dir, "fb.jsonl");
    const run = await michi("feedback", "--export", file);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(file)).toBe(false);
    expect(run.stderr.trim()).toBe(`no answer is marked 👍 yet; ${file} was not written`);
    expect(run.stdout).toContain("👍 0  👎 1");
  });
});
