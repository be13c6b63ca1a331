/**
 * Plain-text renderings of the digest and the status report, markdown-light so they read well
 * in a terminal and in Discord alike. Notes are named relative to the notes folder, as the core
 * keeps them: nothing of the host's paths. (Outcomes of the learning commands are worded by
 * each front end: see cli/learning-outcomes.ts.)
 */
import { FLAG_ICONS } from "../ask/index.js";
import type { Language } from "../ask/language.js";
import type { Status } from "../notes/index.js";
import type { AskedItem, Digest, DigestEvent, Progress } from "./digest.js";
import type { StatusReport } from "./service.js";
import { formatLocalDateTime } from "./time.js";

/** `note › section › sub:line`, the note relative to the notes folder. */
export function formatPlace(item: {
  file: string;
  sectionPath: readonly string[];
  line: number;
}): string {
  return `${[item.file, ...item.sectionPath].join(" › ")}:${item.line}`;
}

export function icon(status: Status | null): string {
  return status === null ? "·" : FLAG_ICONS[status];
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

function renderEvent(e: DigestEvent): string {
  const how =
    e.origin === "command" ? "by command" : e.origin === "undo" ? "undone" : "by hand edit";
  const lines = [`  ${icon(e.to)} ${e.text}  (${e.from ?? "new"} → ${e.to ?? "gone"}, ${how})`];
  lines.push(`     ${formatPlace(e)}`);
  if (e.learnedNote !== null) lines.push(`     note: ${e.learnedNote}`);
  return lines.join("\n");
}

function renderAsked(a: AskedItem): string {
  const now = a.status !== null && a.status !== "unknown" ? ` (now ${a.status})` : "";
  return `  ❓ ×${a.count} ${a.text}${now}\n     ${formatPlace(a)}`;
}

/** The digest as plain text (markdown-light, so it also reads well in Discord). */
export function renderDigest(digest: Digest): string {
  const out: string[] = [`📅 ${digest.label} (${digest.timezone})`];
  const section = (title: string, lines: string[]) => {
    if (lines.length > 0) out.push("", title, ...lines);
  };
  section(
    `Learned (${digest.learned.length})`,
    digest.learned.map((e) => renderEvent(e)),
  );
  if (digest.learned.length === 0) out.push("", "Learned: nothing this period.");
  section(
    `Regressed (${digest.regressed.length})`,
    digest.regressed.map((e) => renderEvent(e)),
  );
  section(
    `Unknowns added (${digest.unknownsAdded.length})`,
    digest.unknownsAdded.map((e) => renderEvent(e)),
  );
  section(
    "Unknowns you asked about",
    digest.askedUnknowns.map((a) => renderAsked(a)),
  );
  section(
    "Questions your notes had nothing on",
    digest.unmatchedQuestions.map((q) => `  ${FLAG_ICONS.none} ×${q.count} ${q.question}`),
  );
  section(
    "Answers marked 👎 (worth a look: a note to fix, or a question for michi eval)",
    digest.disliked.map(
      (d) =>
        `  👎×${d.down} ${d.question} → ${FLAG_ICONS[d.flag as keyof typeof FLAG_ICONS] ?? d.flag}${d.text === null ? "" : ` ${d.text}`}`,
    ),
  );
  out.push("", `Progress: ${formatProgress(digest.progress)}`);
  if (digest.progress.change === null) {
    out.push("  (no history before this period yet, so no change to show)");
  }
  for (const note of digest.notes) {
    out.push(`  ${note.file}: ${formatProgress(note)}`);
    for (const s of note.sections) {
      out.push(`    ${s.sectionPath.join(" › ") || "(top)"}: ${formatProgress(s)}`);
    }
  }
  const blank = digest.emptySections.filter((s) => !s.hasProse);
  const proseOnly = digest.emptySections.filter((s) => s.hasProse);
  if (blank.length > 0 || proseOnly.length > 0) {
    out.push("", "Sections with no items (gaps to fill):");
    for (const s of blank) out.push(`  ${formatPlace(s)}`);
    if (proseOnly.length > 0) {
      out.push(`  (prose only: ${proseOnly.map((s) => s.sectionPath.join(" › ")).join(", ")})`);
    }
  }
  if (digest.focus.length > 0) {
    out.push("", "Suggested focus (the unknowns you ask about most):");
    digest.focus.forEach((a, i) => {
      out.push(`  ${i + 1}. ${a.text} (asked ${a.count}×) — ${formatPlace(a)}`);
    });
  }
  return out.join("\n");
}

/** The status report's words: English, and Japanese for Discord's Japanese replies. */
const STATUS_REPORT_WORDS = {
  en: {
    counts: (notes: number, total: number, c: StatusReport["items"]) =>
      `${notes} note${notes === 1 ? "" : "s"}, ${total} items: ✅ ${c.known} known, 🔺 ${c.partial} partial, ❓ ${c.unknown} unknown, 📝 ${c.unmarked} unmarked`,
    neverIngested: "never (run `ingest` to index the notes; counts are as of the last ingest)",
    index: (chunks: number, size: string, last: string) =>
      `index: ${chunks} chunks, ${size}; last ingest: ${last}`,
    history: (events: number, since: string, log: string) =>
      `history: ${events} events since ${since}; question log ${log}`,
    logOn: (questions: number) => `on (${questions} questions)`,
    logOff: "off",
    warning: "warning",
  },
  ja: {
    counts: (notes: number, total: number, c: StatusReport["items"]) =>
      `ノート${notes}件、項目${total}件: ✅ 既知 ${c.known}、🔺 一部既知 ${c.partial}、❓ 未知 ${c.unknown}、📝 マークなし ${c.unmarked}`,
    neverIngested:
      "まだありません(`ingest` でノートをインデックスしてください。件数は最後の取り込み時点のものです)",
    index: (chunks: number, size: string, last: string) =>
      `インデックス: ${chunks}チャンク、${size}。最終取り込み: ${last}`,
    history: (events: number, since: string, log: string) =>
      `履歴: ${since} 以降のイベント${events}件。質問ログ: ${log}`,
    logOn: (questions: number) => `オン(質問${questions}件)`,
    logOff: "オフ",
    warning: "警告",
  },
} as const;

export function renderStatusReport(report: StatusReport, language: Language = "en"): string {
  const words = STATUS_REPORT_WORDS[language];
  const { known, partial, unknown, unmarked } = report.items;
  const total = known + partial + unknown + unmarked;
  // Stored times are UTC ISO strings; people read them in their own zone.
  const local = (iso: string) => formatLocalDateTime(new Date(iso), report.timeZone);
  const lastIngest = report.lastIngest
    ? `${local(report.lastIngest)} (${report.timeZone})`
    : words.neverIngested;
  const { history } = report;
  const lines = [
    words.counts(report.notes, total, report.items),
    words.index(report.chunks, formatBytes(report.indexBytes), lastIngest),
    words.history(
      history.events,
      history.baselineAt ? local(history.baselineAt) : "—",
      history.questionLog ? words.logOn(history.questions) : words.logOff,
    ),
  ];
  for (const w of report.warnings)
    lines.push(`${words.warning}: ${w.file}:${w.line}: ${w.message}`);
  return lines.join("\n");
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
