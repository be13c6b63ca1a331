import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatNoneCurve, runNoneCurve } from "../../bench/none-curve.js";

const ROOT = path.resolve(new URL("../..", import.meta.url).pathname);

describe("bench: none curve", () => {
  const work = mkdtempSync(path.join(os.tmpdir(), "michi-none-curve-test-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("runs each rule through search and counts false-none and none-accuracy per set", {
    timeout: 60_000,
  }, async () => {
    const questions = path.join(work, "q.jsonl");
    writeFileSync(
      questions,
      [
        { id: "a", q: "DaemonSetって何?", note: "k8s-weekly-log-2.md" },
        { id: "b", q: "What is a PersistentVolumeClaim?", flag: "none" },
      ]
        .map((l) => JSON.stringify(l))
        .join("\n"),
    );
    const lines: string[] = [];
    const points = await runNoneCurve(
      ROOT,
      work,
      (l) => lines.push(l),
      [
        { name: "tiny", questions: [path.relative(ROOT, questions)], notes: "test/fixtures/notes" },
        { name: "gone", questions: ["eval/does-not-exist.jsonl"], notes: "test/fixtures/notes" },
      ],
      [
        {
          label: "never",
          rule: { minNoteScore: 0, unseenMinScore: 0, unseenNameMinScore: 0, minFollowingScore: 0 },
        },
        { label: "always", rule: { minNoteScore: 2, unseenMinScore: 2 } },
        { label: "shipped", rule: {} },
      ],
    );
    expect(points.map((p) => [p.rule, p.falseNone, p.noneAccuracy])).toEqual([
      ["never", 0, 0],
      ["always", 1, 1],
      ["shipped", 0, 1],
    ]);
    expect(lines.some((l) => l.includes("gone") && l.includes("skipped"))).toBe(true);
    const text = formatNoneCurve(points);
    expect(text).toContain("tiny (1+1)");
    expect(text).toMatch(/always\s+1\.00 \/ 1\.00/);
  });
});
