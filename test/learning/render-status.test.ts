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

  it("counts one of a kind in the singular", () => {
    const one: StatusReport = {
      ...report("UTC"),
      items: { known: 1, partial: 0, unknown: 0, unmarked: 0 },
      chunks: 1,
      history: { ...report("UTC").history, events: 1, questions: 1 },
    };
    const [counts, index, history] = renderStatusReport(one).split("\n");
    expect(counts).toMatch(/^1 note, 1 item: /);
    expect(index).toMatch(/^index: 1 chunk, /);
    expect(history).toBe("history: 1 event since 2026-11-29 15:30; question log on (1 question)");
  });

  it("words the same report in Japanese for Discord's Japanese replies", () => {
    const warned: StatusReport = {
      ...report("Asia/Tokyo"),
      warnings: [{ file: "a.md", line: 3, message: "ambiguous marker" }],
    };
    expect(renderStatusReport(warned, "ja").split("\n")).toEqual([
      "ノート1件、項目3件: ✅ 既知 1、🔺 一部既知 0、❓ 未知 2、📝 マークなし 0",
      "インデックス: 3チャンク、2.0 KiB。最終取り込み: 2026-11-30 09:41 (Asia/Tokyo)",
      "履歴: 2026-11-30 00:30 以降のイベント4件。質問ログ: オン(質問2件)",
      "警告: a.md:3: ambiguous marker",
    ]);
    // English stays the default, for the terminal.
    expect(renderStatusReport(warned)).toBe(renderStatusReport(warned, "en"));
    expect(renderStatusReport(warned)).toContain("1 note, 3 items: ✅ 1 known");
  });
});
