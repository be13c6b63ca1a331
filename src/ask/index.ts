/**
 * The ask contract: a question goes in, an answer with ranked, status-carrying sources and
 * one flag comes out. The flag is always computed from the sources, never from model text.
 */
import type { Deadline } from "../deadline.js";
import type { ChunkKind, Status } from "../notes/index.js";

export type Flag = "known" | "partial" | "unknown" | "unmarked" | "none";

export const FLAG_ICONS: Readonly<Record<Flag, string>> = {
  known: "✅",
  partial: "🔺",
  unknown: "❓",
  unmarked: "📝",
  none: "🕳️",
};

/** A retrieved chunk of the notes, as shown and cited in an answer. */
export interface Source {
  /** Stable chunk id. */
  readonly id: string;
  readonly kind: ChunkKind;
  /** Note path relative to the notes directory (`/` separators). */
  readonly file: string;
  readonly title: string;
  readonly sectionPath: readonly string[];
  readonly line: number;
  readonly status: Status;
  /** The item's text without its marker. */
  readonly text: string;
  readonly context: readonly string[];
  /** Relevance in [0, 1]; higher is better. */
  readonly score: number;
}

export type AnswerMode = "extractive" | "llm";

export interface Answer {
  readonly question: string;
  readonly flag: Flag;
  readonly mode: AnswerMode;
  /** The answer as plain text (markdown-light: may contain `**`, line breaks). */
  readonly answer: string;
  /** Ranked best first; in LLM mode, the sources the answer cites, in citation order. */
  readonly sources: readonly Source[];
  /** One-line notices for the user (e.g. "the LLM failed, showing the extractive answer"). */
  readonly notices: readonly string[];
  /**
   * The question named no topic and had no conversation to read it in (see follow-up.ts): the
   * answer asks for the topic, and the question is not logged.
   */
  readonly needsContext?: boolean;
  /**
   * Offline, a follow-up that named no topic ("What is it used for?") joined to the earlier
   * question it was searched with: what to log and to offer as an unknown, since the question
   * alone means nothing outside the conversation.
   */
  readonly standalone?: string;
}

export interface AnswerOptions {
  /** The time left for the whole answer: past it, a model answer gives way to the fallback. */
  readonly deadline?: Deadline;
}

/** Produces the answer text for a question from already retrieved sources. */
export interface Answerer {
  readonly mode: AnswerMode;
  answer(question: string, sources: readonly Source[], options?: AnswerOptions): Promise<Answer>;
  /**
   * Like `answer`, calling `onToken` with each piece of text as it is produced (a model's
   * answerer has it; the extractive one answers at once). The deadline bounds the wait for the
   * first token; a reply that is flowing may finish.
   */
  stream?(
    question: string,
    sources: readonly Source[],
    onToken: (token: string) => void,
    options?: AnswerOptions,
  ): Promise<Answer>;
}
