/**
 * Calendar arithmetic in the configured time zone (MICHI_TIMEZONE): "today", "this week" and
 * the dates written into notes are the user's local ones, not the server's or UTC.
 */
import { MichiError } from "../errors.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Calendar date parts of an instant as seen in `timeZone`. */
interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

function getFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "short",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function readLocalParts(instant: Date, timeZone: string): LocalParts {
  const parts = getFormatter(timeZone).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "0";
  return {
    year: Number(get("year")),
    month: Number(get("month")),
    day: Number(get("day")),
    hour: Number(get("hour")) % 24,
    minute: Number(get("minute")),
    second: Number(get("second")),
    weekday: WEEKDAYS.indexOf(get("weekday")),
  };
}

/** How far `timeZone` is ahead of UTC at `instant`, in ms (whole seconds). */
function zoneOffsetMs(instant: number, timeZone: string): number {
  const p = readLocalParts(new Date(instant), timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant local midnight starts on the given calendar day in `timeZone`. */
export function getLocalMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const guess = Date.UTC(year, month - 1, day);
  // Two passes settle the offset across a DST change at or near midnight.
  let instant = guess - zoneOffsetMs(guess, timeZone);
  instant = guess - zoneOffsetMs(instant, timeZone);
  return new Date(instant);
}

/** `YYYY-MM-DD` of the instant in `timeZone`. */
export function formatLocalDate(instant: Date, timeZone: string): string {
  const p = readLocalParts(instant, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** `YYYY-MM-DD HH:MM` of the instant in `timeZone`, for people (status, logs). */
export function formatLocalDateTime(instant: Date, timeZone: string): string {
  const p = readLocalParts(instant, timeZone);
  return `${formatLocalDate(instant, timeZone)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** Local midnight `days` days before (negative: after) the local day holding `instant`. */
export function getStartOfLocalDay(instant: Date, timeZone: string, daysBack = 0): Date {
  const p = readLocalParts(instant, timeZone);
  // Date.UTC normalizes day underflow/overflow into the right month.
  const shifted = new Date(Date.UTC(p.year, p.month - 1, p.day - daysBack));
  return getLocalMidnight(
    shifted.getUTCFullYear(),
    shifted.getUTCMonth() + 1,
    shifted.getUTCDate(),
    timeZone,
  );
}

/** Local Monday 00:00 of the week holding `instant`. */
export function getStartOfLocalWeek(instant: Date, timeZone: string): Date {
  const weekday = readLocalParts(instant, timeZone).weekday;
  return getStartOfLocalDay(instant, timeZone, (weekday + 6) % 7);
}

/** `M/D` label of the local day holding `instant`. */
export function formatShortDate(instant: Date, timeZone: string): string {
  const p = readLocalParts(instant, timeZone);
  return `${p.month}/${p.day}`;
}

/**
 * Reads a `--since` value: `YYYY-MM-DD` (local midnight in `timeZone`) or an ISO date-time
 * with an explicit offset or `Z`.
 */
export function parseSince(value: string, timeZone: string): Date {
  const text = value.trim();
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const check = new Date(Date.UTC(year, month - 1, date));
    if (check.getUTCMonth() === month - 1 && check.getUTCDate() === date) {
      return getLocalMidnight(year, month, date, timeZone);
    }
  } else if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    const instant = new Date(text);
    if (!Number.isNaN(instant.getTime())) return instant;
  }
  throw new MichiError(
    `--since: expected a date like 2026-11-23 (or 2026-11-23T09:00:00+09:00), got "${value}"`,
  );
}

export { DAY_MS };

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
