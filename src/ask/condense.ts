/**
 * Chat follow-ups ("and what about the second one?") only retrieve well once rewritten as a
 * standalone question. The rewrite is best-effort: if the model fails, the follow-up itself is
 * still a correct (if vaguer) question, so we degrade to it instead of failing the turn.
 */
import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import type { BaseMessage } from "@langchain/core/messages";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import type { Runnable } from "@langchain/core/runnables";
import { timeoutSignal } from "../deadline.js";
import { raceAbort, redactSecrets } from "../openai-server.js";
import { detectLanguage } from "./language.js";
import type { Turn } from "./turns.js";

export interface CondenseDeps {
  /** A chat model, e.g. `createChatModel(...)` from `./llm.js`. */
  readonly chat: Runnable<BaseLanguageModelInput, BaseMessage>;
  readonly log?: (msg: string) => void;
  /** Give up on the rewrite after this long (default 30 s). */
  readonly timeoutMs?: number;
  /** … or when this aborts (the answer deadline). */
  readonly signal?: AbortSignal;
}

/** Long answers are cut in the prompt: the rewrite needs the topic, not every detail. */
const MAX_ANSWER_CHARS = 600;
/** A "question" longer than this is the model answering instead of rewriting. */
const MAX_QUESTION_CHARS = 500;

const CONDENSE_SYSTEM_PROMPT = `Rewrite the user's follow-up question as a standalone question that can be understood without the conversation.
Replace pronouns and references ("it", "that one", "それ", "その") with what they refer to in the conversation.
Keep the language of the follow-up question: {languageInstruction}
Do not answer the question. Output only the rewritten question on one line, nothing else.`;

const CONDENSE_HUMAN_PROMPT = `Conversation:
{history}

Follow-up question: {followUp}

Standalone question:`;

const LANGUAGE_INSTRUCTIONS = {
  ja: "write it in Japanese (日本語で).",
  en: "write it in English.",
} as const;

export async function condenseQuestion(
  deps: CondenseDeps,
  history: readonly Turn[],
  followUp: string,
): Promise<string> {
  if (history.length === 0) return followUp;
  const chain = ChatPromptTemplate.fromMessages([
    ["system", CONDENSE_SYSTEM_PROMPT],
    ["human", CONDENSE_HUMAN_PROMPT],
  ])
    .pipe(deps.chat)
    .pipe(new StringOutputParser());
  const input = {
    languageInstruction: LANGUAGE_INSTRUCTIONS[detectLanguage(followUp)],
    history: formatHistory(history),
    followUp,
  };
  const signal = timeoutSignal(deps.timeoutMs ?? 30_000, deps.signal);
  let reply: string;
  try {
    reply = await raceAbort(chain.invoke(input, { signal }), signal);
  } catch (error) {
    deps.log?.(`Could not rewrite the follow-up question (${describe(error)}); using it as asked.`);
    return followUp;
  }
  const question = cleanQuestion(reply);
  if (question === "" || question.length > MAX_QUESTION_CHARS) {
    deps.log?.("The follow-up rewrite was empty or not a question; using the follow-up as asked.");
    return followUp;
  }
  return question;
}

function formatHistory(history: readonly Turn[]): string {
  return history
    .map((turn) => {
      const answer =
        turn.answer.length > MAX_ANSWER_CHARS
          ? `${turn.answer.slice(0, MAX_ANSWER_CHARS)}…`
          : turn.answer;
      return `User: ${turn.question}\nAssistant: ${answer.replace(/\n+/g, " ")}`;
    })
    .join("\n\n");
}

/** Strips the labels and quotes models like to wrap a one-line answer in. */
function cleanQuestion(reply: string): string {
  const line = reply.split("\n").find((l) => l.trim() !== "") ?? "";
  return line
    .trim()
    .replace(/^(standalone question|question|質問|独立した質問)\s*[:：]\s*/i, "")
    .replace(/^["'「『“](.*)["'」』”]$/u, "$1")
    .trim();
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const status = (error as { status?: unknown }).status;
    const first = error.message.split("\n")[0] ?? "";
    const text = typeof status === "number" ? `HTTP ${status}` : `${error.name}: ${first}`;
    return redactSecrets(text, undefined).slice(0, 160);
  }
  return redactSecrets(String(error), undefined).slice(0, 160);
}
