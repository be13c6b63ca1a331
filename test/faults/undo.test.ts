/** `michi undo` and the versions store (issue 11, fault 6): nothing michi replaced is lost. */
import { appendFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeWorkspace, runInProcess } from "../support/cli.js";

const ENV = { MICHI_TIMEZONE: "Asia/Tokyo" };
let ws: ReturnType<typeof makeWorkspace>;
beforeEach(() => {
  ws = makeWorkspace();
});
afterEach(() => ws.cleanup());

const notePath = () => path.join(ws.notes, "k8s-weekly-log-2.md");
const michi = (...args: string[]) =>
  runInProcess(["--notes", ws.notes, "--data", ws.data, ...args], { cwd: ws.dir, env: ENV });

describe("michi undo", () => {
  it("puts the note back byte for byte, re-indexes it, and the digest reports neither change", async () => {
    const original = readFileSync(notePath());
    expect((await michi("learned", "Deployment", "--note", "ReplicaSetを管理する")).code).toBe(0);
    const changed = readFileSync(notePath());
    expect(changed.equals(original)).toBe(false);

    const run = await michi("undo");

    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("undid learned: Deploymentが何かは忘れた");
    expect(readFileSync(notePath()).equals(original)).toBe(true);
    // The replaced version stays in the versions store.
    const kept = path.join(ws.data, "versions", "k8s-weekly-log-2.md");
    const versions = readdirSync(kept).map((f) => readFileSync(path.join(kept, f)));
    expect(versions.some((v) => v.equals(original))).toBe(true);
    expect(versions.some((v) => v.equals(changed))).toBe(true);
    // The index follows: the item is unknown again.
    const ask = JSON.parse((await michi("ask", "--json", "Deploymentが何か")).stdout);
    expect(ask.sources[0]).toMatchObject({ text: "Deploymentが何かは忘れた", status: "unknown" });
    // A change undone within the period is no learning: the digest reports neither.
    const digest = (await michi("digest", "--json")).stdout;
    expect(JSON.parse(digest)).toMatchObject({ learned: [], regressed: [] });
  });

  it("leaves a change undone in the same period out of the digest, and shows an earlier one's undo", async () => {
    expect((await michi("learned", "Deployment")).code).toBe(0);
    expect((await michi("unknown", "Istioのサービスメッシュ")).code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await michi("undo")).code).toBe(0); // the unknown
    expect((await michi("undo")).code).toBe(0); // the learned

    const week = JSON.parse((await michi("digest", "--json")).stdout);
    expect(week).toMatchObject({ learned: [], regressed: [], unknownsAdded: [] });
    expect((await michi("digest")).stdout).toContain("Learned: nothing this period.");

    // From after the two changes: only their undos happened, and the learned one shows so.
    const later = JSON.parse((await michi("digest", "--json", "--since", between)).stdout);
    expect(later.learned).toEqual([]);
    expect(later.regressed).toMatchObject([
      { text: "Deploymentが何かは忘れた", from: "known", to: "unknown", origin: "undo" },
    ]);
  });

  it("refuses after a later hand edit, naming the note and the kept version, and changes nothing", async () => {
    expect((await michi("learned", "Deployment")).code).toBe(0);
    appendFileSync(notePath(), "- X a line typed by hand\n");
    const edited = readFileSync(notePath());

    const run = await michi("undo");

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^michi: .*k8s-weekly-log-2\.md changed since michi's last change to it \(learned: Deploymentが何かは忘れた, .*\), so undo would overwrite that: nothing was changed\. The version before it is kept in .*versions.*\.md\.\n$/,
    );
    expect(readFileSync(notePath()).equals(edited)).toBe(true);
  });

  it("undoes an added unknown by removing the inbox note michi created, then has nothing left", async () => {
    expect((await michi("unknown", "Istioのサービスメッシュ")).code).toBe(0);
    const inbox = path.join(ws.notes, "inbox.md");
    expect(existsSync(inbox)).toBe(true);

    expect((await michi("undo")).code).toBe(0);
    expect(existsSync(inbox)).toBe(false);

    const again = await michi("undo");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Nothing to undo");
  });

  it("goes one change further back with each undo", async () => {
    const original = readFileSync(notePath());
    expect((await michi("learned", "Deployment")).code).toBe(0);
    const afterFirst = readFileSync(notePath());
    expect((await michi("mark", "Deployment", "--status", "partial")).code).toBe(0);

    expect((await michi("undo")).code).toBe(0);
    expect(readFileSync(notePath()).equals(afterFirst)).toBe(true);
    expect((await michi("undo")).code).toBe(0);
    expect(readFileSync(notePath()).equals(original)).toBe(true);
  });
});
