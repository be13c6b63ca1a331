/**
 * Measurement helpers for the benchmark: percentiles, timers, peak memory, recall of an
 * approximate search against exact search, and a plain-text results table.
 */
import { MichiError } from "../src/errors.js";

export interface LatencySummary {
  readonly n: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * The p-th percentile (0 < p ≤ 100) by the nearest-rank method: the smallest value with at
 * least p% of the values at or below it. Always one of the inputs, so a p99 over few samples
 * reports a latency that really happened instead of an interpolated one.
 */
export function computePercentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new MichiError("percentile of an empty list");
  if (!(p > 0 && p <= 100)) throw new MichiError(`percentile must be in (0, 100], got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** n, mean, p50/p95/p99 and max of a list of durations (or any numbers). */
export function summarizeLatencies(values: readonly number[]): LatencySummary {
  if (values.length === 0) throw new MichiError("no latencies to summarize");
  let sum = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    sum += v;
    if (v > max) max = v;
  }
  return {
    n: values.length,
    mean: sum / values.length,
    p50: computePercentile(values, 50),
    p95: computePercentile(values, 95),
    p99: computePercentile(values, 99),
    max,
  };
}

/** Starts a monotonic high-resolution timer; the returned function gives elapsed milliseconds. */
export function startTimer(): () => number {
  const start = process.hrtime.bigint();
  return () => Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs `fn` and reports how long it took, in milliseconds. */
export async function measureAsync<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const elapsed = startTimer();
  const result = await fn();
  return { result, ms: elapsed() };
}

export interface RssReport {
  /** Highest `process.memoryUsage().rss` seen while sampling, in bytes. */
  readonly peakSampled: number;
  /** `process.resourceUsage().maxRSS` (the OS's lifetime peak for this process), in bytes. */
  readonly maxRss: number;
  readonly samples: number;
}

export interface RssSampler {
  /** Stops sampling (takes one last sample) and reports the peaks. */
  stop(): RssReport;
}

/**
 * Samples resident memory every `intervalMs`. The OS's `maxRSS` is a lifetime peak that cannot
 * be reset, so the sampled peak is what attributes memory to one phase of a run.
 */
export function startRssSampler(intervalMs = 50): RssSampler {
  let peak = process.memoryUsage().rss;
  let samples = 1;
  const sample = () => {
    const rss = process.memoryUsage().rss;
    if (rss > peak) peak = rss;
    samples++;
  };
  const timer = setInterval(sample, intervalMs);
  // Never keep a finished benchmark process alive just for sampling.
  timer.unref();
  let report: RssReport | null = null;
  return {
    stop() {
      if (report) return report;
      clearInterval(timer);
      sample();
      // maxRSS is in kilobytes on every platform Node supports.
      report = { peakSampled: peak, maxRss: process.resourceUsage().maxRSS * 1024, samples };
      return report;
    },
  };
}

/**
 * Mean recall@k of approximate result lists against exact ones, query by query: the share of
 * the exact top k that the approximate top k found. Queries whose exact list is empty have
 * nothing to miss and are left out; with no query left the recall is 1.
 */
export function computeRecallAtK(
  approx: ReadonlyArray<readonly string[]>,
  exact: ReadonlyArray<readonly string[]>,
  k: number,
): number {
  if (approx.length !== exact.length) {
    throw new MichiError(
      `recall needs one approximate list per query: ${approx.length} vs ${exact.length}`,
    );
  }
  if (!Number.isInteger(k) || k < 1) throw new MichiError(`k must be a positive integer, got ${k}`);
  let total = 0;
  let counted = 0;
  for (let q = 0; q < exact.length; q++) {
    const truth = new Set((exact[q] ?? []).slice(0, k));
    if (truth.size === 0) continue;
    const found = new Set((approx[q] ?? []).slice(0, k).filter((id) => truth.has(id)));
    total += found.size / truth.size;
    counted++;
  }
  return counted === 0 ? 1 : total / counted;
}

export type Cell = string | number;

/** Display columns of a string: East Asian wide and fullwidth characters take two. */
export function measureWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/** A number for a table: integers with thousands separators, others with `digits` decimals. */
export function formatNumber(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  return value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** Bytes as a human-readable size with binary units (`512 B`, `1.5 MiB`). */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * An aligned plain-text table: a header row, a rule, then the rows. Numbers are formatted
 * and right-aligned, text is left-aligned; wide (CJK) characters count as two columns.
 */
export function formatTable(
  headers: readonly string[],
  rows: ReadonlyArray<readonly Cell[]>,
): string {
  const cells = rows.map((row) =>
    headers.map((_, i) => {
      const cell = row[i];
      return cell === undefined ? "" : typeof cell === "number" ? formatNumber(cell) : cell;
    }),
  );
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === "number"),
  );
  const widths = headers.map((h, i) =>
    Math.max(measureWidth(h), ...cells.map((row) => measureWidth(row[i] ?? ""))),
  );
  const pad = (text: string, i: number) => {
    const gap = " ".repeat((widths[i] ?? 0) - measureWidth(text));
    return numeric[i] ? gap + text : text + gap;
  };
  const render = (row: readonly string[]) => row.map(pad).join("  ").trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [render(headers), rule, ...cells.map(render)].join("\n");
}
