import { describe, expect, it } from "vitest";
import {
  computePercentile,
  computeRecallAtK,
  formatBytes,
  formatNumber,
  formatTable,
  measureAsync,
  measureWidth,
  startRssSampler,
  startTimer,
  summarizeLatencies,
} from "../../bench/stats.js";
import { MichiError } from "../../src/errors.js";

describe("computePercentile", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose

  it("returns the nearest-rank percentile of 1..100", () => {
    expect(computePercentile(hundred, 50)).toBe(50);
    expect(computePercentile(hundred, 95)).toBe(95);
    expect(computePercentile(hundred, 99)).toBe(99);
    expect(computePercentile(hundred, 100)).toBe(100);
  });

  it("returns an observed value for small samples instead of interpolating", () => {
    expect(computePercentile([5, 1, 3], 50)).toBe(3);
    expect(computePercentile([5, 1, 3], 95)).toBe(5);
    expect(computePercentile([10, 20], 50)).toBe(10);
    expect(computePercentile([7], 99)).toBe(7);
    expect(computePercentile([4, 1, 3, 2], 1)).toBe(1);
  });

  it("does not reorder the caller's array", () => {
    const values = [3, 1, 2];
    computePercentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });

  it("rejects an empty list and an out-of-range percentile", () => {
    expect(() => computePercentile([], 50)).toThrow(MichiError);
    expect(() => computePercentile([1], 0)).toThrow(MichiError);
    expect(() => computePercentile([1], 101)).toThrow(MichiError);
  });
});

describe("summarizeLatencies", () => {
  it("reports count, mean, percentiles and max", () => {
    const values = [...Array.from({ length: 98 }, () => 1), 50, 100];
    expect(summarizeLatencies(values)).toEqual({
      n: 100,
      mean: 2.48,
      p50: 1,
      p95: 1,
      p99: 50,
      max: 100,
    });
  });

  it("rejects an empty list", () => {
    expect(() => summarizeLatencies([])).toThrow(MichiError);
  });
});

describe("computeRecallAtK", () => {
  it("averages the share of the exact top k found per query", () => {
    const approx = [
      ["a", "b", "c"],
      ["x", "y", "z"],
    ];
    const exact = [
      ["a", "c", "d"],
      ["x", "y", "z"],
    ];
    expect(computeRecallAtK(approx, exact, 3)).toBeCloseTo((2 / 3 + 1) / 2, 10);
  });

  it("looks only at the first k of each list", () => {
    expect(computeRecallAtK([["a", "b", "c"]], [["c", "b", "a"]], 1)).toBe(0);
    expect(computeRecallAtK([["a", "b", "c"]], [["c", "b", "a"]], 3)).toBe(1);
  });

  it("scores against the exact list's length when it holds fewer than k ids", () => {
    expect(computeRecallAtK([["a", "z"]], [["a"]], 10)).toBe(1);
    expect(computeRecallAtK([["z"]], [["a", "b"]], 10)).toBe(0);
  });

  it("leaves out queries whose exact list is empty", () => {
    expect(computeRecallAtK([["a"], []], [["a"], []], 5)).toBe(1);
    expect(computeRecallAtK([[]], [[]], 5)).toBe(1);
  });

  it("rejects mismatched query counts and a bad k", () => {
    expect(() => computeRecallAtK([["a"]], [], 1)).toThrow(MichiError);
    expect(() => computeRecallAtK([["a"]], [["a"]], 0)).toThrow(MichiError);
  });
});

describe("formatTable", () => {
  it("left-aligns text, right-aligns numbers and draws a rule under the header", () => {
    const table = formatTable(
      ["system", "items/s", "p95 ms"],
      [
        ["michi", 3500, 1.25],
        ["hnswlib baseline", 120, 12.5],
      ],
    );
    expect(table.split("\n")).toEqual([
      "system            items/s  p95 ms",
      "----------------  -------  ------",
      "michi               3,500    1.25",
      "hnswlib baseline      120   12.50",
    ]);
  });

  it("counts Japanese characters as two columns", () => {
    const lines = formatTable(
      ["名前", "n"],
      [
        ["知っている", 1],
        ["x", 22],
      ],
    ).split("\n");
    expect(lines).toEqual(["名前         n", "----------  --", "知っている   1", "x           22"]);
  });

  it("renders missing cells as blanks", () => {
    expect(formatTable(["a", "b"], [["x"]]).split("\n")).toEqual(["a  b", "-  -", "x"]);
  });
});

describe("formatting helpers", () => {
  it("formats numbers with separators and fixed decimals", () => {
    expect(formatNumber(1234567)).toBe("1,234,567");
    expect(formatNumber(1.23456)).toBe("1.23");
    expect(formatNumber(0.5, 3)).toBe("0.500");
    expect(formatNumber(Number.NaN)).toBe("NaN");
  });

  it("formats byte counts with binary units", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(600 * 1024 * 1024)).toBe("600.0 MiB");
  });

  it("measures display width of mixed text", () => {
    expect(measureWidth("abc")).toBe(3);
    expect(measureWidth("未知abc")).toBe(7);
    expect(measureWidth("ＡＢ")).toBe(4);
  });
});

describe("timers and memory sampling", () => {
  it("measures elapsed time as a non-negative, non-decreasing number of ms", () => {
    const elapsed = startTimer();
    const first = elapsed();
    const second = elapsed();
    expect(first).toBeGreaterThanOrEqual(0);
    expect(second).toBeGreaterThanOrEqual(first);
  });

  it("returns the wrapped function's result with its duration", async () => {
    const { result, ms } = await measureAsync(async () => "done");
    expect(result).toBe("done");
    expect(ms).toBeGreaterThanOrEqual(0);
  });

  it("reports a sampled peak at least the memory held during sampling", async () => {
    const before = process.memoryUsage().rss;
    const sampler = startRssSampler(5);
    const ballast = Buffer.alloc(64 * 1024 * 1024, 1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const report = sampler.stop();
    expect(ballast[ballast.length - 1]).toBe(1);
    expect(report.peakSampled).toBeGreaterThanOrEqual(before + 32 * 1024 * 1024);
    // The OS's lifetime peak covers what was sampled (its counters may lag a little).
    expect(report.maxRss).toBeGreaterThanOrEqual(report.peakSampled * 0.9);
    expect(report.samples).toBeGreaterThanOrEqual(2);
    expect(sampler.stop()).toBe(report);
  });
});
