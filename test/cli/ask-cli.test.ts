import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeWorkspace, runChild, runInProcess } from "../support/cli.js";

let ws: ReturnType<typeof makeWorkspace>;
beforeEach(() => {
  ws = makeWorkspace();
});
afterEach(() => ws.cleanup());

const args = (...rest: string[]) => ["--notes", ws.notes, "--data", ws.data, ...rest];

describe("michi ingest", () => {
  it("prints the SPEC summary object with --json", async () => {
    const run = await runInProcess(args("ingest", "--json"), { cwd: ws.dir });
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(Object.keys(summary).sort()).toEqual(
      ["chunks", "embedded", "items", "ms", "notes", "removed", "reused", "warnings"].sort(),
    );
    expect(summary.items).toEqual({ known: 24, partial: 2, unknown: 18, unmarked: 1 });
    expect(summary.warnings).toContainEqual({
      file: "k8s-weekly-log-2.md",
      line: 76,
      message: "duplicate item: same text and status as line 73",
    });
    const again = JSON.parse(
      (await runInProcess(args("ingest", "--json"), { cwd: ws.dir })).stdout,
    );
    expect(again.embedded).toBe(0);
  });

  it("prints a readable summary with the warnings", async () => {
    const run = await runInProcess(args("ingest"), { cwd: ws.dir });
    expect(run.stdout).toContain("45 items (24 known, 2 partial, 18 unknown, 1 unmarked)");
    expect(run.stdout).toContain("warning: k8s-weekly-log-2.md:52: ambiguous marker");
  });
});

describe("michi ask", () => {
  it("answers a known question as the real command, citing the DaemonSet item", async () => {
    const run = await runChild(["ask", "--json", "DaemonSetって何?"], { cwd: ws.dir });
    expect(run.stderr).toBe("");
    const answer = JSON.parse(run.stdout);
    expect(answer).toMatchObject({
      question: "DaemonSetって何?",
      flag: "known",
      mode: "extractive",
    });
    expect(answer.sources[0]).toMatchObject({
      note: "notes/k8s-weekly-log-2.md",
      section: "Pod関連",
      line: 34,
      status: "known",
      text: "DaemonSetは各ノードに1つずつPodを配置するという認識",
    });
    expect(answer.sources[0].score).toBeGreaterThan(0);
    expect(answer.answer).toContain("✅");
  });

  it("marks in --json a question that names no topic, so a script does not take it for a gap", async () => {
    const vague = JSON.parse(
      (await runInProcess(args("ask", "--json", "What is it used for?"), { cwd: ws.dir })).stdout,
    );
    expect(vague).toMatchObject({ flag: "none", needsContext: true, sources: [] });
    const real = JSON.parse(
      (await runInProcess(args("ask", "--json", "DaemonSetって何?"), { cwd: ws.dir })).stdout,
    );
    expect(real).not.toHaveProperty("needsContext");
  });

  it("says plainly when the notes list the topic as unknown", async () => {
    const run = await runInProcess(args("ask", "Deploymentとは何ですか"), { cwd: ws.dir });
    expect(run.stdout).toContain("❓");
    expect(run.stdout).toContain("まだ知らない");
    expect(run.stdout).toContain("Deploymentが何かは忘れた");
  });

  it("says when the notes have nothing, and offers to add it as an unknown", async () => {
    const run = await runInProcess(args("ask", "--json", "What is a PersistentVolumeClaim?"), {
      cwd: ws.dir,
    });
    const answer = JSON.parse(run.stdout);
    expect(answer.flag).toBe("none");
    expect(answer.sources).toEqual([]);
    expect(answer.answer).toContain("🕳️");
    const text = await runInProcess(args("ask", "What is a PersistentVolumeClaim?"), {
      cwd: ws.dir,
    });
    expect(text.stdout).toContain("michi unknown");
  });

  it("answers one question per stdin line, one JSON object per line, in order", async () => {
    const run = await runInProcess(args("ask", "--json"), {
      cwd: ws.dir,
      stdin: "DaemonSetって何?\n\nWhat is Firecracker?\nGoのガベージコレクタの仕組みは?\n",
    });
    const lines = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.question, l.flag])).toEqual([
      ["DaemonSetって何?", "known"],
      ["What is Firecracker?", "known"],
      ["Goのガベージコレクタの仕組みは?", "none"],
    ]);
  });

  it("says so and exits 1 when neither the arguments nor stdin hold a question", async () => {
    for (const [words, stdin] of [
      [[], ""],
      [[], "\n   \n"],
      [["  "], ""],
    ] as const) {
      const run = await runInProcess(args("ask", ...words), { cwd: ws.dir, stdin });
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toBe(
        'michi: ask: no question; give one, e.g. michi ask "DaemonSetって何?", or pipe one per line\n',
      );
    }
  });

  it("rejects a bad -k naming the option", async () => {
    const run = await runInProcess(args("ask", "-k", "zero", "x"), { cwd: ws.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("-k");
  });

  it("answers from a newly added note without an explicit ingest", async () => {
    await runInProcess(args("ingest"), { cwd: ws.dir });
    writeFileSync(
      path.join(ws.notes, "istio.md"),
      "# Service mesh\n\n- △ Istioのサービスメッシュはサイドカーで通信を制御する\n",
    );
    const answer = JSON.parse(
      (await runInProcess(args("ask", "--json", "Istioのサービスメッシュとは何?"), { cwd: ws.dir }))
        .stdout,
    );
    expect(answer.flag).toBe("partial");
    expect(answer.sources[0].note).toBe("notes/istio.md");
  });
});

describe("michi eval", () => {
  it("reports hit@k, MRR and flag accuracy as JSON, and names a bad line", async () => {
    const file = path.join(ws.dir, "q.jsonl");
    writeFileSync(
      file,
      [
        { id: "a", q: "DaemonSetって何?", flag: "known", expect: "DaemonSetは各ノード" },
        { id: "b", q: "What is a PersistentVolumeClaim?", flag: "none" },
      ]
        .map((l) => JSON.stringify(l))
        .join("\n"),
    );
    const report = JSON.parse(
      (await runInProcess(args("eval", "--json", file), { cwd: ws.dir })).stdout,
    );
    expect(report).toMatchObject({ n: 2, hit1: 1, hit3: 1, mrr: 1, flagAccuracy: 1, failures: [] });
    writeFileSync(
      file,
      '{"id":"a","q":"x","flag":"known","expect":"y"}\n{"id":"b","q":"x","flag":"maybe"}\n',
    );
    const bad = await runInProcess(args("eval", file), { cwd: ws.dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("q.jsonl:2: flag");
  });

  it("scores note-level questions per kind beside the MiniSearch baseline", async () => {
    const file = path.join(ws.dir, "notes.jsonl");
    writeFileSync(
      file,
      [
        { id: "a", q: "DaemonSetって何?", note: "k8s-weekly-log-2.md", kind: "ja" },
        { id: "b", q: "What is a PersistentVolumeClaim?", flag: "none", kind: "none" },
      ]
        .map((l) => JSON.stringify(l))
        .join("\n"),
    );
    const json = JSON.parse(
      (await runInProcess(args("eval", "--json", "--baseline", file), { cwd: ws.dir })).stdout,
    );
    expect(json).toMatchObject({ n: 2, hit1: 1, hit10: 1, noneAccuracy: 1, falseNone: 0 });
    expect(json.byKind.ja).toMatchObject({ n: 1, hit1: 1 });
    expect(json.baseline).toMatchObject({ n: 2, hit1: 1 });
    const text = (await runInProcess(args("eval", "--baseline", file), { cwd: ws.dir })).stdout;
    expect(text).toMatch(/\| kind +\| n +\| hit@1\/3\/10 .*MiniSearch hit@1\/3\/10/);
    expect(text).toMatch(/\| ja +\| 1 +\| 1\.00 \/ 1\.00 \/ 1\.00/);
  });

  it("warns about a question naming a note that is not in the notes folder", async () => {
    const file = path.join(ws.dir, "typo.jsonl");
    writeFileSync(
      file,
      `${JSON.stringify({ id: "t1", q: "DaemonSetって何?", note: "notes/k8s-weekly-log-2.md" })}\n`,
    );
    const run = await runInProcess(args("eval", file), { cwd: ws.dir });
    expect(run.code).toBe(0);
    // A path the notes folder does not have can never be hit: the figures would be wrong unseen.
    expect(run.stderr).toContain(
      'typo.jsonl: question t1 names the note "notes/k8s-weekly-log-2.md", which is not in the notes folder',
    );
    // One question, counted in the singular; no none question, so no none-accuracy to claim.
    expect(run.stdout).toMatch(/^1 question: hit@1 0\.00, .*none-accuracy —, false-none 0\.00/m);
  });
});
