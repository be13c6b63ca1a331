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

/** A status by name, and the two ends of an item's life, in English and Japanese. */
export const STATUS_NAMES: Readonly<
  Record<Language, Readonly<Record<Status | "new" | "gone", string>>>
> = {
  en: {
    known: "known",
    partial: "partial",
    unknown: "unknown",
    unmarked: "unmarked",
    new: "new",
    gone: "gone",
  },
  ja: {
    known: "既知",
    partial: "一部既知",
    unknown: "未知",
    unmarked: "マークなし",
    new: "新規",
    gone: "削除",
  },
};

export function icon(status: Status | null): string {
  return status === null ? "·" : FLAG_ICONS[status];
}

/** The digest's words: English, and Japanese for a Japanese learning log (Digest.language). */
const DIGEST_WORDS = {
  en: {
    points: (sign: string, change: number) => ` (${sign}${change} pts)`,
    status: STATUS_NAMES.en,
    learned: (n: number) => `Learned (${n})`,
    learnedNothing: "Learned: nothing this period.",
    regressed: (n: number) => `Regressed (${n})`,
    unknownsAdded: (n: number) => `Unknowns added (${n})`,
    askedUnknowns: "Unknowns you asked about",
    unmatched: "Questions your notes had nothing on",
    disliked: "Answers marked 👎 (worth a look: a note to fix, or a question for michi eval)",
    progress: "Progress",
    noChange: "  (no history before this period yet, so no change to show)",
    gaps: "Sections with no items (gaps to fill):",
    proseOnly: "prose only",
    top: "(top)",
    focus: "Suggested focus (the unknowns you ask about most):",
    asked: (n: number) => `asked ${n}×`,
    now: (status: string) => `now ${status}`,
    origin: { command: "by command", undo: "undone", edit: "by hand edit" },
    note: "note",
  },
  ja: {
    points: (sign: string, change: number) => `(${sign}${change}ポイント)`,
    status: STATUS_NAMES.ja,
    learned: (n: number) => `学んだこと (${n})`,
    learnedNothing: "学んだこと: この期間はありません。",
    regressed: (n: number) => `後戻りしたこと (${n})`,
    unknownsAdded: (n: number) => `追加した「知らないこと」 (${n})`,
    askedUnknowns: "質問した「知らないこと」",
    unmatched: "ノートに記述がなかった質問",
    disliked: "👎 が付いた回答(ノートの修正か、michi eval の質問の候補です)",
    progress: "進捗",
    noChange: "  (この期間より前の履歴がまだないため、変化は表示できません)",
    gaps: "項目のないセクション(埋めたい穴):",
    proseOnly: "本文のみ",
    top: "(冒頭)",
    focus: "次に取り組むとよいこと(よく質問している「知らないこと」):",
    asked: (n: number) => `${n}回質問`,
    now: (status: string) => `現在 ${status}`,
    origin: { command: "コマンド", undo: "取り消し", edit: "手で編集" },
    note: "メモ",
  },
} as const;

type DigestWords = (typeof DIGEST_WORDS)[Language];

function formatChange(p: Progress, words: DigestWords): string {
  if (p.change === null) return "";
  const sign = p.change > 0 ? "+" : p.change < 0 ? "" : "±";
  return words.points(sign, p.change);
}

function formatProgress(p: Progress, words: DigestWords): string {
  const percent = p.percentKnown === null ? "—" : `${p.percentKnown}%`;
  return `${percent} ${words.status.known}${formatChange(p, words)}  ✅ ${p.known} 🔺 ${p.partial} ❓ ${p.unknown}`;
}

function renderEvent(e: DigestEvent, words: DigestWords): string {
  const how = words.origin[e.origin];
  const lines = [
    `  ${icon(e.to)} ${e.text}  (${words.status[e.from ?? "new"]} → ${words.status[e.to ?? "gone"]}, ${how})`,
    `     ${formatPlace(e)}`,
  ];
  if (e.learnedNote !== null) lines.push(`     ${words.note}: ${e.learnedNote}`);
  return lines.join("\n");
}

function renderAsked(a: AskedItem, words: DigestWords): string {
  const now =
    a.status !== null && a.status !== "unknown" ? ` (${words.now(words.status[a.status])})` : "";
  return `  ❓ ×${a.count} ${a.text}${now}\n     ${formatPlace(a)}`;
}

/**
 * The digest as plain text (markdown-light, so it also reads well in Discord), in English or
 * in Japanese (the bot posts it in the language of the notes: Digest.language).
 */
export function renderDigest(digest: Digest, language: Language = "en"): string {
  const words = DIGEST_WORDS[language];
  const out: string[] = [`📅 ${digest.label} (${digest.timezone})`];
  const section = (title: string, lines: string[]) => {
    if (lines.length > 0) out.push("", title, ...lines);
  };
  section(
    words.learned(digest.learned.length),
    digest.learned.map((e) => renderEvent(e, words)),
  );
  if (digest.learned.length === 0) out.push("", words.learnedNothing);
  section(
    words.regressed(digest.regressed.length),
    digest.regressed.map((e) => renderEvent(e, words)),
  );
  section(
    words.unknownsAdded(digest.unknownsAdded.length),
    digest.unknownsAdded.map((e) => renderEvent(e, words)),
  );
  section(
    words.askedUnknowns,
    digest.askedUnknowns.map((a) => renderAsked(a, words)),
  );
  section(
    words.unmatched,
    digest.unmatchedQuestions.map((q) => `  ${FLAG_ICONS.none} ×${q.count} ${q.question}`),
  );
  section(
    words.disliked,
    digest.disliked.map(
      (d) =>
        `  👎×${d.down} ${d.question} → ${FLAG_ICONS[d.flag as keyof typeof FLAG_ICONS] ?? d.flag}${d.text === null ? "" : ` ${d.text}`}`,
    ),
  );
  out.push("", `${words.progress}: ${formatProgress(digest.progress, words)}`);
  if (digest.progress.change === null) out.push(words.noChange);
  for (const note of digest.notes) {
    out.push(`  ${note.file}: ${formatProgress(note, words)}`);
    for (const s of note.sections) {
      out.push(`    ${s.sectionPath.join(" › ") || words.top}: ${formatProgress(s, words)}`);
    }
  }
  const blank = digest.emptySections.filter((s) => !s.hasProse);
  const proseOnly = digest.emptySections.filter((s) => s.hasProse);
  if (blank.length > 0 || proseOnly.length > 0) {
    out.push("", words.gaps);
    for (const s of blank) out.push(`  ${formatPlace(s)}`);
    if (proseOnly.length > 0) {
      out.push(
        `  (${words.proseOnly}: ${proseOnly.map((s) => s.sectionPath.join(" › ")).join(", ")})`,
      );
    }
  }
  if (digest.focus.length > 0) {
    out.push("", words.focus);
    digest.focus.forEach((a, i) => {
      out.push(`  ${i + 1}. ${a.text} (${words.asked(a.count)}) — ${formatPlace(a)}`);
    });
  }
  return out.join("\n");
}

/** "1 note", "2 notes". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The status report's words: English, and Japanese for Discord's Japanese replies. */
const STATUS_REPORT_WORDS = {
  en: {
    counts: (notes: number, total: number, c: StatusReport["items"]) =>
      `${plural(notes, "note")}, ${plural(total, "item")}: ✅ ${c.known} known, 🔺 ${c.partial} partial, ❓ ${c.unknown} unknown, 📝 ${c.unmarked} unmarked`,
    neverIngested: "never (run `ingest` to index the notes; counts are as of the last ingest)",
    index: (chunks: number, size: string, last: string) =>
      `index: ${plural(chunks, "chunk")}, ${size}; last ingest: ${last}`,
    history: (events: number, since: string, log: string) =>
      `history: ${plural(events, "event")} since ${since}; question log ${log}`,
    logOn: (questions: number) => `on (${plural(questions, "question")})`,
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
