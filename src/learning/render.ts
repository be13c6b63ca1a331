/**
 * Plain-text and JSON renderings of the learning results, shared by the CLI, the terminal chat
 * and (later) Discord. Note paths go through `formatFile`, so each front end names notes the
 * way its user sees them (the CLI: relative to the working directory).
 */
import { FLAG_ICONS } from "../ask/index.js";
import type { Status } from "../notes/index.js";
import type { AskedItem, Digest, DigestEvent, Progress } from "./digest.js";
import type { Candidate } from "./match.js";
import type { StatusChangeOutcome, StatusReport, UnknownOutcome } from "./service.js";
import { formatLocalDateTime } from "./time.js";

export type FormatFile = (file: string) => string;

const identity: FormatFile = (file) => file;

/** `note › section › sub:line`. */
export function formatPlace(
  item: { file: string; sectionPath: readonly string[]; line: number },
  formatFile: FormatFile = identity,
): string {
  return `${[formatFile(item.file), ...item.sectionPath].join(" › ")}:${item.line}`;
}

function icon(status: Status | null): string {
  return status === null ? "·" : FLAG_ICONS[status];
}

/** Numbered candidates, the numbers being what `--pick` takes. */
export function renderCandidates(
  candidates: readonly Candidate[],
  formatFile: FormatFile = identity,
): string {
  return candidates
    .map(
      (c, i) =>
        `  ${i + 1}. ${icon(c.status)} ${c.status}  ${c.text}\n     ${formatPlace(c, formatFile)}`,
    )
    .join("\n");
}

/**
 * The outcome of `learned` / `mark`; for "ambiguous" and "none", what to do next. `pickHint`
 * is the line after the candidates telling how to pick one in this front end.
 */
export function renderStatusChange(
  outcome: StatusChangeOutcome,
  pickHint: (topic: string) => string,
  formatFile: FormatFile = identity,
): string {
  switch (outcome.kind) {
    case "changed": {
      const lines = [
        `${icon(outcome.to)} ${outcome.item.text}: ${outcome.from} → ${outcome.to}`,
        `   ${formatPlace(outcome.item, formatFile)}`,
      ];
      if (outcome.noteLine !== null) lines.push(`   + ${outcome.noteLine}`);
      return lines.join("\n");
    }
    case "unchanged":
      return `${icon(outcome.to)} ${outcome.item.text} is already ${outcome.to}; nothing changed.\n   ${formatPlace(outcome.item, formatFile)}`;
    case "ambiguous":
      return [
        `"${outcome.topic}" matches several items; nothing was changed. Pick one with --pick N:`,
        renderCandidates(outcome.candidates, formatFile),
        pickHint(outcome.topic),
      ].join("\n");
    case "none":
      return `No item matches "${outcome.topic}"; nothing was changed.`;
  }
}

export function renderUnknownOutcome(
  outcome: UnknownOutcome,
  formatFile: FormatFile = identity,
): string {
  const place = formatPlace(outcome.item, formatFile);
  return outcome.kind === "added"
    ? `${icon("unknown")} added: ${outcome.item.text}\n   ${place}`
    : `${icon(outcome.item.status)} already in your notes as ${outcome.item.status}: ${outcome.item.text}\n   ${place}`;
}

function formatChange(p: Progress): string {
  if (p.change === null) return "";
  const sign = p.change > 0 ? "+" : p.change < 0 ? "" : "±";
  return ` (${sign}${p.change} pts)`;
}

function formatProgress(p: Progress): string {
  const percent = p.percentKnown === null ? "—" : `${p.percentKnown}%`;
  return `${percent} known${formatChange(p)}  ✅ ${p.known} 🔺 ${p.partial} ❓ ${p.unknown}`;
}

function renderEvent(e: DigestEvent, formatFile: FormatFile): string {
  const how = e.origin === "command" ? "by command" : "by hand edit";
  const lines = [`  ${icon(e.to)} ${e.text}  (${e.from ?? "new"} → ${e.to ?? "gone"}, ${how})`];
  lines.push(`     ${formatPlace(e, formatFile)}`);
  if (e.learnedNote !== null) lines.push(`     note: ${e.learnedNote}`);
  return lines.join("\n");
}

function renderAsked(a: AskedItem, formatFile: FormatFile): string {
  const now = a.status !== null && a.status !== "unknown" ? ` (now ${a.status})` : "";
  return `  ❓ ×${a.count} ${a.text}${now}\n     ${formatPlace(a, formatFile)}`;
}

/** The digest as plain text (markdown-light, so it also reads well in Discord). */
export function renderDigest(digest: Digest, formatFile: FormatFile = identity): string {
  const out: string[] = [`📅 ${digest.label} (${digest.timezone})`];
  const section = (title: string, lines: string[]) => {
    if (lines.length > 0) out.push("", title, ...lines);
  };
  section(
    `Learned (${digest.learned.length})`,
    digest.learned.map((e) => renderEvent(e, formatFile)),
  );
  if (digest.learned.length === 0) out.push("", "Learned: nothing this period.");
  section(
    `Regressed (${digest.regressed.length})`,
    digest.regressed.map((e) => renderEvent(e, formatFile)),
  );
  section(
    `Unknowns added (${digest.unknownsAdded.length})`,
    digest.unknownsAdded.map((e) => renderEvent(e, formatFile)),
  );
  section(
    "Unknowns you asked about",
    digest.askedUnknowns.map((a) => renderAsked(a, formatFile)),
  );
  section(
    "Questions your notes had nothing on",
    digest.unmatchedQuestions.map((q) => `  ${FLAG_ICONS.none} ×${q.count} ${q.question}`),
  );
  out.push("", `Progress: ${formatProgress(digest.progress)}`);
  if (digest.progress.change === null) {
    out.push("  (no history before this period yet, so no change to show)");
  }
  for (const note of digest.notes) {
    out.push(`  ${formatFile(note.file)}: ${formatProgress(note)}`);
    for (const s of note.sections) {
      out.push(`    ${s.sectionPath.join(" › ") || "(top)"}: ${formatProgress(s)}`);
    }
  }
  const blank = digest.emptySections.filter((s) => !s.hasProse);
  const proseOnly = digest.emptySections.filter((s) => s.hasProse);
  if (blank.length > 0 || proseOnly.length > 0) {
    out.push("", "Sections with no items (gaps to fill):");
    for (const s of blank) out.push(`  ${formatPlace(s, formatFile)}`);
    if (proseOnly.length > 0) {
      out.push(`  (prose only: ${proseOnly.map((s) => s.sectionPath.join(" › ")).join(", ")})`);
    }
  }
  if (digest.focus.length > 0) {
    out.push("", "Suggested focus (the unknowns you ask about most):");
    digest.focus.forEach((a, i) => {
      out.push(`  ${i + 1}. ${a.text} (asked ${a.count}×) — ${formatPlace(a, formatFile)}`);
    });
  }
  return out.join("\n");
}

export function renderStatusReport(report: StatusReport): string {
  const { known, partial, unknown, unmarked } = report.items;
  const total = known + partial + unknown + unmarked;
  // Stored times are UTC ISO strings; people read them in their own zone.
  const local = (iso: string) => formatLocalDateTime(new Date(iso), report.timeZone);
  const lastIngest = report.lastIngest
    ? `${local(report.lastIngest)} (${report.timeZone})`
    : "never";
  const lines = [
    `${report.notes} note${report.notes === 1 ? "" : "s"}, ${total} items: ✅ ${known} known, 🔺 ${partial} partial, ❓ ${unknown} unknown, 📝 ${unmarked} unmarked`,
    `index: ${report.chunks} chunks, ${formatBytes(report.indexBytes)}; last ingest: ${lastIngest}`,
    `history: ${report.history.events} events since ${report.history.baselineAt ? local(report.history.baselineAt) : "—"}; question log ${report.history.questionLog ? `on (${report.history.questions} questions)` : "off"}`,
  ];
  for (const w of report.warnings) lines.push(`warning: ${w.file}:${w.line}: ${w.message}`);
  return lines.join("\n");
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * A copy of `value` in which every object with a `file` field also gets `note`: the note's path
 * as the user sees it (like `note` in `ask --json`).
 */
export function addNotePaths<T>(value: T, formatFile: FormatFile): T {
  if (Array.isArray(value)) return value.map((v) => addNotePaths(v, formatFile)) as T;
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = addNotePaths(v, formatFile);
  if (typeof out.file === "string") out.note = formatFile(out.file);
  return out as T;
}
