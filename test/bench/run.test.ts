import { describe, expect, it } from "vitest";
import { type BenchReport, formatReport, runBench } from "../../bench/run.js";

/** Every number anywhere in the report, with its path, so none can be missing or NaN. */
function collectNumbers(value: unknown, at = "report"): [string, number][] {
  if (typeof value === "number") return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => collectNumbers(v, `${at}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => collectNumbers(v, `${at}.${k}`));
  }
  return [];
}

describe("npm run bench", () => {
  it("reports every figure for michi and the baseline on a 300-item corpus", {
    timeout: 240_000,
  }, async () => {
    const lines: string[] = [];
    const report: BenchReport = await runBench({
      items: [300],
      queries: 20,
      coldRuns: 1,
      log: (line) => lines.push(line),
    });

    expect(report.sizes).toHaveLength(1);
    const [size] = report.sizes;
    if (!size) throw new Error("no size result");
    const { michi, baseline, ratios } = size;
    expect(size.label).toBe("300");
    expect(michi.items).toBe(300);
    expect(michi.chunks).toBeGreaterThanOrEqual(300);
    expect(michi.coldIngest.embedded).toBe(michi.chunks);
    expect(michi.coldIngest.itemsPerSec).toBeGreaterThan(0);
    expect(michi.coldIngest.chunksPerSec).toBeGreaterThan(0);
    expect(michi.noopIngest.embedded).toBe(0);
    expect(michi.editIngest.editedItems).toBe(3);
    expect(michi.editIngest.embedded).toBeGreaterThan(0);
    expect(michi.editIngest.embedded).toBeLessThan(michi.chunks / 4);
    expect(michi.retrieval.n).toBe(20);
    expect(michi.ask.n).toBe(20);
    expect(michi.askFresh.n).toBeGreaterThan(0);
    expect(michi.recallAt10).toBeGreaterThan(0.9);
    expect(michi.recallAt10).toBeLessThanOrEqual(1);
    expect(michi.peakRss).toBeGreaterThan(michi.ingestPeakRss / 2);
    expect(michi.diskBytes).toBeGreaterThan(0);

    // The baseline indexed the very same chunks and re-embedded all of them after the edit.
    expect(baseline.docs).toBe(michi.chunks);
    expect(baseline.rebuild.embedded).toBe(baseline.docs);
    expect(baseline.rebuild.changed).toBeGreaterThan(0);
    expect(baseline.query.n).toBe(20);
    expect(baseline.save.bytes).toBeGreaterThan(0);
    for (const ratio of Object.values(ratios)) expect(ratio).toBeGreaterThan(0);

    expect(report.quality[0]?.file).toBe("test/fixtures/seed-questions.jsonl");
    expect(report.quality[0]?.n).toBe(20);
    expect(report.coldAsk.runs).toHaveLength(1);
    expect(report.coldAsk.medianMs).toBeGreaterThan(0);
    expect(report.targets.map((t) => t.name)).toEqual([
      "ingest (300)",
      "no-op re-ingest (300)",
      "retrieval p95 (300)",
      "HNSW recall@10 (300)",
      "peak RSS (300)",
      "1% edit vs baseline rebuild (300)",
      "cold michi ask (seed notes)",
      "quality on seed-questions.jsonl",
    ]);

    const numbers = collectNumbers(report);
    const bad = numbers.filter(([, n]) => !Number.isFinite(n) || n < 0);
    expect(bad).toEqual([]);

    const text = formatReport(report);
    for (const row of [
      "cold ingest",
      "no-op re-ingest",
      "re-ingest after 3 edited items",
      "retrieval p50/p95/p99",
      "ask (extractive)",
      "recall@10",
      "peak RSS",
      "index on disk",
      "seed-questions.jsonl",
      "cold ask",
      "targets",
    ]) {
      expect(text).toContain(row);
    }
    expect(lines.some((l) => l.includes("baseline"))).toBe(true);
  });
});
