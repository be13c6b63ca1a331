/** Terminal and JSON renderings of core results. */
import path from "node:path";
import { formatCitation } from "../ask/citation.js";
import { type Answer, FLAG_ICONS, type Source } from "../ask/index.js";
import { detectLanguage } from "../ask/language.js";
import type { IngestSummary } from "../index/ingest.js";
import { plural } from "../learning/render.js";
import { shellArg } from "./shell-arg.js";

/** The note path as the user knows it: the notes directory joined with the note, relative to cwd. */
export function notePath(notesDir: string, file: string, cwd: string): string {
  const absolute = path.resolve(cwd, notesDir, file);
  const relative = path.relative(cwd, absolute);
  return (relative.startsWith("..") ? absolute : relative).split(path.sep).join("/");
}

function sourceJson(source: Source, notesDir: string, cwd: string) {
  return {
    id: source.id,
    note: notePath(notesDir, source.file, cwd),
    title: source.title,
    section: source.sectionPath.at(-1) ?? "",
    sectionPath: source.sectionPath,
    line: source.line,
    status: source.status,
    text: source.text,
    score: Math.round(source.score * 1000) / 1000,
  };
}

/** `extraNotices` (the ingest's, see ingest-notices.ts) come before the answer's own. */
export function answerJson(
  answer: Answer,
  notesDir: string,
  cwd: string,
  extraNotices: readonly string[] = [],
) {
  return {
    question: answer.question,
    flag: answer.flag,
    mode: answer.mode,
    answer: answer.answer,
    sources: answer.sources.map((s) => sourceJson(s, notesDir, cwd)),
    notices: [...extraNotices, ...answer.notices],
    // The question named no topic: "none" here means "not looked up", not a gap in the notes.
    ...(answer.needsContext ? { needsContext: true } : {}),
  };
}

/**
 * How the next step is suggested: as a command line (`michi learned "…"`, quoted for the shell)
 * or as the terminal chat's own command (`/learned …`), which is what the chat can run.
 */
export type SuggestStyle = "shell" | "chat";

/** The answer text, then (in LLM mode) the cited sources, then notices and the next step. */
export function renderAnswer(
  answer: Answer,
  options: { streamed?: boolean; suggest?: SuggestStyle } = {},
): string {
  const language = detectLanguage(answer.question);
  const parts: string[] = [];
  // A streamed answer's text is on the screen already: only its flag follows it.
  if (options.streamed) parts.push(`${FLAG_ICONS[answer.flag]} ${answer.flag}`);
  else if (answer.mode === "llm") parts.push(`${FLAG_ICONS[answer.flag]} ${answer.answer}`);
  else parts.push(answer.answer);
  if (answer.mode === "llm" && answer.sources.length > 0) {
    parts.push(
      answer.sources
        .map(
          (s, i) => `[${i + 1}] ${FLAG_ICONS[s.status]} ${s.text} — ${formatCitation(s, language)}`,
        )
        .join("\n"),
    );
  }
  for (const notice of answer.notices) parts.push(`note: ${notice}`);
  const top = answer.sources[0];
  const command = (name: string, arg: string) =>
    options.suggest === "chat" ? `/${name} ${oneLine(arg)}` : `michi ${name} ${shellArg(arg)}`;
  // The item's whole text: an exact match names it, where a cut could end inside a word.
  if ((answer.flag === "unknown" || answer.flag === "partial") && top)
    parts.push(`→ learned it? ${command("learned", top.text)}`);
  if (answer.flag === "none" && !answer.needsContext)
    parts.push(
      `→ add it as an unknown: ${command("unknown", answer.standalone ?? answer.question)}`,
    );
  return parts.join("\n\n");
}

/** A chat command is one line: an item's text may run over several. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

export function ingestJson(summary: IngestSummary) {
  return {
    notes: summary.notes,
    items: summary.items,
    chunks: summary.chunks,
    embedded: summary.embedded,
    reused: summary.reused,
    removed: summary.removed,
    warnings: summary.warnings,
    ms: summary.ms,
  };
}

export function renderIngest(summary: IngestSummary): string {
  const { known, partial, unknown, unmarked } = summary.items;
  const total = known + partial + unknown + unmarked;
  const lines = [
    `${plural(summary.notes, "note")}, ${plural(total, "item")} (${known} known, ${partial} partial, ${unknown} unknown, ${unmarked} unmarked), ${plural(summary.chunks, "chunk")}`,
    `embedded ${summary.embedded}, reused ${summary.reused}, removed ${summary.removed} in ${summary.ms} ms`,
  ];
  if (summary.rebuiltBecause) lines.unshift(`index rebuilt: ${summary.rebuiltBecause}`);
  // Only the notes read now: the warnings of unchanged notes were shown when they changed.
  for (const w of summary.freshWarnings) lines.push(`warning: ${w.file}:${w.line}: ${w.message}`);
  const older = summary.warnings.length - summary.freshWarnings.length;
  if (older > 0) lines.push(`${plural(older, "warning")} in unchanged notes — michi status`);
  return lines.join("\n");
}
