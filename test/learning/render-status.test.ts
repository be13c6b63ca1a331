import { describe, expect, it } from "vitest";
import { renderStatusReport } from "../../src/learning/render.js";
import type { StatusReport } from "../../src/learning/service.js";

const report = (timeZone: string): StatusReport => ({
  notes: 1,
  items: { known: 1, partial: 0, unknown: 2, unmarked: 0 },
  chunks: 3,
  lastIngest: "2026-11-30T00:41:07.123Z",
  indexBytes: 2048,
  warnings: [],
  history: {
    baselineAt: "2026-11-29T15:30:00.000Z",
    events: 4,
    questions: 2,
    questionLog: true,
  },
  timeZone,
});

describe("renderStatusReport", () => {
  it("shows times in the configured time zone, readably, not as UTC ISO strings", () => {
    const tokyo = renderStatusReport(report("Asia/Tokyo"));
    expect(tokyo).toContain("last ingest: 2026-11-30 09:41 (Asia/Tokyo)");
    expect(tokyo).toContain("since 2026-11-30 00:30");
    expect(tokyo).not.toMatch(/\dT\d/);
    const ny = renderStatusReport(report("America/New_York"));
    expect(ny).toContain("last ingest: 2026-11-29 19:41 (America/New_York)");
    expect(ny).toContain("since 2026-11-29 10:30");
  });

  it("says never, and how to index, when nothing was ingested yet", () => {
    const empty = {
      ...report("UTC"),
      lastIngest: null,
      history: { ...report("UTC").history, baselineAt: null },
    };
    expect(renderStatusReport(empty)).toContain("last ingest: never (run `ingest` to index");
  });
});
