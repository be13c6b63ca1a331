/**
 * What michi's Discord messages look like, as plain API payloads (pure: no client, testable).
 * An answer is an embed coloured by its flag, titled with the flag's icon and label, the answer
 * as its description, the sources (status icon, note › section:line, relative to the notes
 * folder) as a field; buttons to act on it below. Everything is cut or split to fit Discord's
 * limits (limits.ts); a long answer continues in further messages.
 */
import {
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIEmbedField,
  ButtonStyle,
  ComponentType,
} from "discord.js";
import { type Answer, FLAG_ICONS, type Flag, type Source } from "../ask/index.js";
import { detectLanguage, type Language } from "../ask/language.js";
import { formatPlace } from "../learning/render.js";
import type { Status } from "../notes/index.js";
import { LIMITS, truncate } from "./limits.js";
import { splitText } from "./split.js";

export type ActionRow = APIActionRowComponent<APIComponentInMessageActionRow>;

/** A message as michi sends it; the sender adds `allowedMentions` (see send.ts). */
export interface OutgoingMessage {
  readonly content?: string;
  readonly embeds?: readonly APIEmbed[];
  readonly components?: readonly ActionRow[];
  readonly files?: readonly { readonly name: string; readonly data: Buffer }[];
}

/**
 * The colours of everything but a flagged answer: blue (Discord's blurple) for information,
 * choices, the digest and an answer that asks for its topic; green for a change made or undone; grey for nothing done; orange for an undo
 * refused; red for a refusal or an apology.
 */
export const COLORS = {
  blue: 0x5865f2,
  green: 0x2ecc71,
  grey: 0x95a5a6,
  orange: 0xe67e22,
  red: 0xed4245,
} as const;

/** A flagged answer's colour: its flag's. */
export const FLAG_COLORS: Readonly<Record<Flag, number>> = {
  known: 0x2ecc71,
  partial: 0xe67e22,
  unknown: 0xf1c40f,
  unmarked: 0x95a5a6,
  none: 0x34495e,
};

export const FLAG_LABELS: Readonly<Record<Language, Readonly<Record<Flag, string>>>> = {
  en: {
    known: "known",
    partial: "partly known",
    unknown: "unknown: you listed this as not known yet",
    unmarked: "in your notes, no status marked",
    none: "not in your notes: an unknown unknown",
  },
  ja: {
    known: "知っている",
    partial: "一部知っている",
    unknown: "まだ知らない項目として記録されています",
    unmarked: "ノートに記述あり(ステータスなし)",
    none: "ノートにない: unknown unknown",
  },
};

const WORDS = {
  en: {
    sources: "Sources",
    more: (n: number) => `…and ${n} more`,
    continued: "(continued)",
    thinking: "Thinking…",
    learned: "I learned this",
    addUnknown: "Add to my unknowns",
    needsTopic: "Which topic?",
  },
  ja: {
    sources: "出典",
    more: (n: number) => `…ほか${n}件`,
    continued: "(続き)",
    thinking: "考えています…",
    learned: "学んだ",
    addUnknown: "知らないことに追加",
    needsTopic: "何についての質問ですか?",
  },
} as const;

/** Custom ids of the buttons under an answer; `key` names the answer record. */
export const CUSTOM_IDS = {
  learned: (key: string) => `learn:${key}`,
  addUnknown: (key: string) => `unknown:${key}`,
  /** `a`: the question of answer `key`; `p`: a topic waiting under pending key `key`. */
  addUnknownAnyway: (source: "a" | "p", key: string) => `unknown-force:${source}:${key}`,
  thumbsUp: (key: string) => `fb:up:${key}`,
  thumbsDown: (key: string) => `fb:down:${key}`,
  pick: (key: string) => `pick:${key}`,
  /**
   * Undoes exactly the change `changeId` (which holds colons: the handler rejoins its args);
   * `language` is the reply's it sits under, so the undo answers in it too.
   */
  undo: (changeId: string, language: Language) => `undo:${language}:${changeId}`,
} as const;

function statusIcon(status: Status): string {
  return FLAG_ICONS[status];
}

/** The sources as lines of one field value: icon, text, place; cut to fit one field. */
export function sourcesField(sources: readonly Source[], language: Language): APIEmbedField | null {
  if (sources.length === 0) return null;
  const lines: string[] = [];
  for (const [i, s] of sources.entries()) {
    const line = `${i + 1}. ${statusIcon(s.status)} ${truncate(oneLine(s.text), 90)}\n　 ${truncate(formatPlace(s), 150)}`;
    const more = WORDS[language].more(sources.length - i);
    const used = lines.join("\n").length;
    const tail = i === sources.length - 1 ? 0 : more.length + 1;
    if (used + line.length + 1 + tail > LIMITS.embedFieldValue) {
      lines.push(more);
      break;
    }
    lines.push(line);
  }
  return { name: WORDS[language].sources, value: lines.join("\n") };
}

export interface AnswerMessageOptions {
  /** Names the answer record the buttons act on. */
  readonly key: string;
  /** The question as the user asked it (the answer carries the standalone one). */
  readonly question?: string;
}

/**
 * The messages of an answer: the first with the flag, the sources and the start of the answer;
 * further ones continue a long answer. The buttons go under the last.
 */
export function buildAnswerMessages(
  answer: Answer,
  options: AnswerMessageOptions,
): OutgoingMessage[] {
  const question = options.question ?? answer.question;
  const language = detectLanguage(question);
  // A question that named no topic was not looked up: it gets no flag (as in the terminal).
  const color = answer.needsContext ? COLORS.blue : FLAG_COLORS[answer.flag];
  const title = truncate(
    answer.needsContext
      ? `💬 ${WORDS[language].needsTopic}`
      : `${FLAG_ICONS[answer.flag]} ${FLAG_LABELS[language][answer.flag]}`,
    LIMITS.embedTitle,
  );
  const author = { name: truncate(`Q: ${oneLine(question)}`, LIMITS.embedAuthorName) };
  const field = sourcesField(answer.sources, language);
  const footerText = truncate(
    [answer.mode === "llm" ? "LLM" : "extractive", ...answer.notices].join(" · "),
    500,
  );
  const fixed =
    title.length +
    author.name.length +
    footerText.length +
    (field ? field.name.length + field.value.length : 0);
  const firstBudget = Math.min(LIMITS.embedDescription, LIMITS.embedTotal - fixed);
  const text = answer.answer.trim() === "" ? "…" : answer.answer;
  const [first = "…", ...rest] = splitText(text, firstBudget);

  const messages: OutgoingMessage[] = [
    {
      embeds: [
        {
          color,
          author,
          title,
          description: first,
          ...(field ? { fields: [field] } : {}),
          footer: { text: footerText },
        },
      ],
    },
    ...rest.map((part) => ({ embeds: [{ color, description: part }] })),
  ];
  const last = messages.length - 1;
  messages[last] = { ...messages[last], components: answerButtons(answer, options.key, language) };
  return messages;
}

/** The buttons under an answer: act on it (learned / add unknown) and 👍 / 👎. */
function answerButtons(answer: Answer, key: string, language: Language): ActionRow[] {
  // A question that named no topic is no unknown to add, and its reply no answer to judge.
  if (answer.needsContext) return [];
  const words = WORDS[language];
  const buttons: APIComponentInMessageActionRow[] = [];
  const primary = answer.sources[0];
  if ((answer.flag === "unknown" || answer.flag === "partial") && primary) {
    buttons.push({
      type: ComponentType.Button,
      style: ButtonStyle.Success,
      label: words.learned,
      emoji: { name: "✅" },
      custom_id: CUSTOM_IDS.learned(key),
    });
  }
  if (answer.flag === "none") {
    buttons.push({
      type: ComponentType.Button,
      style: ButtonStyle.Primary,
      label: words.addUnknown,
      emoji: { name: "❓" },
      custom_id: CUSTOM_IDS.addUnknown(key),
    });
  }
  buttons.push(
    {
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      emoji: { name: "👍" },
      custom_id: CUSTOM_IDS.thumbsUp(key),
    },
    {
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      emoji: { name: "👎" },
      custom_id: CUSTOM_IDS.thumbsDown(key),
    },
  );
  return [{ type: ComponentType.ActionRow, components: buttons }];
}

/** The reply while an LLM answer streams in: the text so far (its end, if long). */
export function buildStreamingMessage(question: string, textSoFar: string): OutgoingMessage {
  const language = detectLanguage(question);
  const budget = LIMITS.embedDescription - 2;
  const tail = textSoFar.length > budget ? `…${textSoFar.slice(-(budget - 1))}` : textSoFar;
  return {
    embeds: [
      {
        color: COLORS.blue,
        author: { name: truncate(`Q: ${oneLine(question)}`, LIMITS.embedAuthorName) },
        title: `⏳ ${WORDS[language].thinking}`,
        description: `${tail || "…"} ▌`,
      },
    ],
  };
}

/** A short notice embed (errors, refusals, outcomes), cut to fit. */
export function noticeMessage(text: string, color: number = COLORS.blue): OutgoingMessage {
  return {
    embeds: [{ color, description: truncate(text, LIMITS.embedDescription) }],
  };
}

/** Sums what Discord counts toward the 6,000 characters of a message's embeds. */
export function embedLength(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

export const CHART_FILE = "progress.png";

/**
 * The digest as messages: the first carries the chart (as an attachment the embed shows) and
 * the start of the text; a long digest continues in further messages.
 */
export function buildDigestMessages(text: string, chart: Buffer | null): OutgoingMessage[] {
  const parts = splitText(text, LIMITS.embedDescription);
  return parts.map((part, i) => {
    const embed: APIEmbed = { color: COLORS.blue, description: part };
    if (i === 0 && chart !== null) {
      return {
        embeds: [{ ...embed, image: { url: `attachment://${CHART_FILE}` } }],
        files: [{ name: CHART_FILE, data: chart }],
      };
    }
    return { embeds: [embed] };
  });
}
