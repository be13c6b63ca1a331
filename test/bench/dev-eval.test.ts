import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatDevEval, runDevEval } from "../../bench/dev-eval.js";

const ROOT = path.resolve(new URL("../..", import.meta.url).pathname);

describe("bench: development eval", () => {
  const work = mkdtempSync(path.join(os.tmpdir(), "michi-dev-eval-test-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("scores michi and MiniSearch on the same questions, per kind, and skips missing sets", {
    timeout: 60_000,
  }, async () => {
    const questions = path.join(work, "q.jsonl");
    writeFileSync(
      questions,
      [
        { id: "a", q: "DaemonSetって何?", note: "k8s-weekly-log-2.md", kind: "ja" },
        { id: "b", q: "What is a PersistentVolumeClaim?", flag: "none", kind: "none" },
      ]
        .map((l) => JSON.stringify(l))
        .join("\n"),
    );
    const lines: string[] = [];
    const rows = await runDevEval(ROOT, work, (l) => lines.push(l), [
      { questions: path.relative(ROOT, questions), notes: "test/fixtures/notes" },
      { questions: "eval/does-not-exist.jsonl", notes: "test/fixtures/notes" },
    ]);
    expect(rows.map((r) => r.kind)).toEqual(["all", "ja", "none"]);
    expect(rows[1]?.michi.hit1).toBe(1);
    expect(rows[1]?.miniSearch.hit1).toBe(1);
    expect(rows[2]?.michi.noneAccuracy).toBe(1);
    expect(lines.some((l) => l.includes("does-not-exist.jsonl") && l.includes("skipped"))).toBe(
      true,
    );
    const text = formatDevEval(rows);
    expect(text).toContain("MiniSearch hit@1/3/10");
    expect(text).toMatch(/q\.jsonl.*ja/);
  });
});
