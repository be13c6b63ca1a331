/**
 * The offline answerer: quotes the best sources with their status icons and citations, in the
 * question's language, and says plainly when the notes list the topic as unknown or have
 * nothing on it.
 */
import { formatCitation } from "./citation.js";
import { flagFromSources } from "./flag.js";
import { type Answer, type Answerer, FLAG_ICONS, type Flag, type Source } from "./index.js";
import { detectLanguage, type Language } from "./language.js";

/** How many supporting sources follow the primary one. */
const RELATED_LIMIT = 3;

const LEAD: Readonly<Record<Language, Readonly<Record<Flag, string>>>> = {
  en: {
    known: "Your notes mark this as known:",
    partial: "Your notes mark this as partly known:",
    unknown: "Your notes list this as not known yet:",
    unmarked: "Your notes mention this (no status marked):",
    none: "Nothing in your notes covers this: an unknown unknown.",
  },
  ja: {
    known: "ノートでは「知っている」と記録されています:",
    partial: "ノートでは「一部知っている」と記録されています:",
    unknown: "ノートでは「まだ知らない」項目として挙がっています:",
    unmarked: "ノートに記述があります(ステータスなし):",
    none: "ノートにはこの話題についての記述がありません(unknown unknown)。",
  },
};

const RELATED: Readonly<Record<Language, string>> = {
  en: "Related in your notes:",
  ja: "ノートの関連項目:",
};

const UNKNOWN_HINT: Readonly<Record<Language, string>> = {
  en: "Once you have learned it, mark it learned so michi knows.",
  ja: "学んだら「learned」で既知にしましょう。",
};

const NONE_HINT: Readonly<Record<Language, string>> = {
  en: "You can add it to your notes as a new unknown item.",
  ja: "新しい「知らないこと」としてノートに追加できます。",
};

/**
 * The primary source as a block quote, or as a fenced block when its text spans lines: notes
 * keep paragraphs and items on one line, so such a text is a code block, whose lines must not
 * be read as markdown (a `#` comment is no heading, `*` no emphasis).
 */
function quote(source: Source): string {
  // Prose has context only as a table row (notes/parse.ts): its header goes above it, as in
  // the table, rather than under it like a sub-item.
  if (source.kind === "prose" && source.context.length > 0 && !source.text.includes("\n")) {
    return [...source.context, source.text].map((line) => `> ${line}`).join("\n");
  }
  const context = source.context.map((c) => `>   • ${c}`);
  if (!source.text.includes("\n")) return [`> ${source.text}`, ...context].join("\n");
  // A fence longer than any backtick run inside, so the code cannot close it early.
  const longestRun = Math.max(0, ...(source.text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return [fence, source.text, fence, ...context].join("\n");
}

/** A related source in one line: the first line of a code block stands for it. */
function summarize(text: string): string {
  const [first = "", ...more] = text.split("\n");
  return more.length > 0 ? `${first.trimEnd()} …` : first;
}

export function answerExtractively(question: string, sources: readonly Source[]): Answer {
  const language = detectLanguage(question);
  const flag = flagFromSources(sources);
  const [primary, ...rest] = sources;
  const parts: string[] = [`${FLAG_ICONS[flag]} ${LEAD[language][flag]}`];
  if (primary) {
    parts.push(`${quote(primary)}\n— ${formatCitation(primary, language)}`);
    const related = rest.slice(0, RELATED_LIMIT);
    if (related.length > 0) {
      parts.push(
        [
          RELATED[language],
          ...related.map(
            (s) =>
              `- ${FLAG_ICONS[s.status]} ${summarize(s.text)} (${formatCitation(s, language)})`,
          ),
        ].join("\n"),
      );
    }
    if (flag === "unknown") parts.push(UNKNOWN_HINT[language]);
  } else {
    parts.push(NONE_HINT[language]);
  }
  return { question, flag, mode: "extractive", answer: parts.join("\n\n"), sources, notices: [] };
}

export const extractiveAnswerer: Answerer = {
  mode: "extractive",
  answer: async (question, sources) => answerExtractively(question, sources),
};
