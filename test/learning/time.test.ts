import { describe, expect, it } from "vitest";
import { MichiError } from "../../src/errors.js";
import {
  formatLocalDate,
  formatShortDate,
  getLocalMidnight,
  getStartOfLocalDay,
  getStartOfLocalWeek,
  parseSince,
} from "../../src/learning/time.js";

describe("local calendar in MICHI_TIMEZONE", () => {
  it("dates an instant by the zone's calendar, not UTC's", () => {
    const instant = new Date("2026-11-22T16:30:00Z"); // Monday 01:30 in Tokyo, Sunday in UTC
    expect(formatLocalDate(instant, "Asia/Tokyo")).toBe("2026-11-23");
    expect(formatLocalDate(instant, "UTC")).toBe("2026-11-22");
    expect(formatShortDate(instant, "Asia/Tokyo")).toBe("11/23");
  });

  it("finds local midnight, also on a day that starts in summer time and ends in winter time", () => {
    expect(getLocalMidnight(2026, 11, 23, "Asia/Tokyo").toISOString()).toBe(
      "2026-11-22T15:00:00.000Z",
    );
    // New York leaves DST on 2026-11-01 at 02:00: midnight is still EDT (UTC-4).
    expect(getLocalMidnight(2026, 11, 1, "America/New_York").toISOString()).toBe(
      "2026-11-01T04:00:00.000Z",
    );
    expect(getLocalMidnight(2026, 11, 2, "America/New_York").toISOString()).toBe(
      "2026-11-02T05:00:00.000Z",
    );
  });

  it("steps back whole local days across month ends", () => {
    const instant = new Date("2026-12-02T03:00:00Z"); // 12:00 in Tokyo
    expect(getStartOfLocalDay(instant, "Asia/Tokyo", 7).toISOString()).toBe(
      "2026-11-24T15:00:00.000Z",
    );
  });

  it("starts the week on Monday 00:00 local time", () => {
    const friday = new Date("2026-11-27T10:00:00Z");
    expect(getStartOfLocalWeek(friday, "Asia/Tokyo").toISOString()).toBe(
      "2026-11-22T15:00:00.000Z",
    );
    const mondayMorning = new Date("2026-11-22T15:30:00Z"); // Monday 00:30 in Tokyo
    expect(getStartOfLocalWeek(mondayMorning, "Asia/Tokyo").toISOString()).toBe(
      "2026-11-22T15:00:00.000Z",
    );
  });

  it("reads --since as a local date or an ISO date-time, and rejects anything else", () => {
    expect(parseSince("2026-11-01", "Asia/Tokyo").toISOString()).toBe("2026-10-31T15:00:00.000Z");
    expect(parseSince("2026-11-01T09:00:00+09:00", "UTC").toISOString()).toBe(
      "2026-11-01T00:00:00.000Z",
    );
    for (const bad of ["2026-02-30", "last week", "2026/11/01", ""]) {
      expect(() => parseSince(bad, "UTC")).toThrow(MichiError);
    }
  });
});
