/**
 * Grounded answers through an OpenAI-compatible chat model (OpenAI, Ollama, llama.cpp, vLLM).
 * The model only writes the text; which sources the answer rests on is read from its [n]
 * citations, and the flag is computed from those sources, never from what the model says.
 * Any failure ends in the extractive answer with a notice, so asking never breaks or hangs.
 */
import { StringOutputParser } from "@langchain/core/output_parsers";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { ChatOpenAI } from "@langchain/openai";
import type { Deadline } from "../deadline.js";
import {
  apiKeyOrPlaceholder,
  describeServer,
  raceAbort,
  redactSecrets,
  withStatusCode,
} from "../openai-server.js";
import { formatCitation } from "./citation.js";
import { flagFromSources } from "./flag.js";
import type { Answer, Answerer, AnswerOptions, Flag, Source } from "./index.js";
import { detectLanguage, type Language } from "./language.js";

export interface ChatModelOptions {
  readonly model: string;
  /** Omit for local servers; a placeholder is sent because the client requires one. */
  readonly apiKey?: string;
  /** e.g. `http://127.0.0.1:11434/v1` for Ollama; default: OpenAI. */
  readonly baseURL?: string;
  /** Per request: no reply (or, when streaming, no new token) within this time fails it. */
  readonly timeoutMs?: number;
  readonly temperature?: number;
}

export interface LlmAnswererOptions extends ChatModelOptions {
  /** Retries after the first attempt for timeouts, 429, 5xx, refused connections, bad replies. */
  readonly maxRetries?: number;
  /** Add a clearly labelled general-knowledge part when the notes don't know the answer. */
  readonly generalKnowledge?: boolean;
  /** Used whenever the model cannot give an answer. */
  readonly fallback: Answerer;
  readonly log?: (msg: string) => void;
  /** First backoff between retries, doubled each retry (default 500 ms). */
  readonly retryDelayMs?: number;
  /** Longest `retry-after` worth waiting for; a longer one gives up at once (default 10 s). */
  readonly maxRetryAfterMs?: number;
}

export interface LlmAnswerer extends Answerer {
  readonly mode: "llm";
  stream(
    question: string,
    sources: readonly Source[],
    onToken: (token: string) => void,
    options?: AnswerOptions,
  ): Promise<Answer>;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RETRIES = 2;
/** Below this much time left, another attempt cannot succeed: fall back at once. */
const MIN_ATTEMPT_MS = 250;
export const GENERAL_KNOWLEDGE_LABEL = {
  en: "💡 General knowledge (not from your notes):",
  ja: "💡 一般知識（あなたのノートの内容ではありません）:",
} as const;

/**
 * The 1-based source numbers the text cites, unique, in first-citation order, within
 * 1..sourceCount. Accepts `[1]`, `[1, 2]`, `[1][2]`, `[1-3]` and full-width `［１］`, `［1、2］`.
 */
export function parseCitations(text: string, sourceCount: number): number[] {
  // NFKC folds full-width brackets, digits and commas into ASCII.
  const normalized = text.normalize("NFKC").replace(/、/g, ",");
  const cited: number[] = [];
  const add = (n: number): void => {
    if (Number.isInteger(n) && n >= 1 && n <= sourceCount && !cited.includes(n)) cited.push(n);
  };
  for (const match of normalized.matchAll(/\[\s*(\d+(?:\s*[-–,]\s*\d+)*)\s*\]/g)) {
    for (const part of (match[1] ?? "").split(",")) {
      const [from, to] = part.split(/[-–]/).map((s) => Number.parseInt(s.trim(), 10));
      if (from === undefined) continue;
      if (to === undefined) {
        add(from);
        continue;
      }
      // A range like [1-3]; bounded so a typo such as [1-99999] can't loop for long.
      for (let n = from; n <= Math.min(to, from + 50); n++) add(n);
    }
  }
  return cited;
}

/** Builds the chat model the answerer (and the question condenser) talks to. */
export function createChatModel(opts: ChatModelOptions, streaming = true): ChatOpenAI {
  return new ChatOpenAI({
    model: opts.model,
    apiKey: apiKeyOrPlaceholder(opts.apiKey),
    configuration: opts.baseURL ? { baseURL: opts.baseURL } : {},
    timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // Retries are ours (bounded, retry-after aware, also on malformed replies); see runWithRetries.
    maxRetries: 0,
    // Some OpenAI-compatible servers reject `stream_options`; we don't need usage numbers.
    streamUsage: false,
    // LangChain otherwise streams even inside `invoke`; a plain JSON reply is simpler for servers.
    ...(streaming ? {} : { streaming: false }),
    ...(opts.temperature === undefined ? {} : { temperature: opts.temperature }),
  });
}

/** The rules every LLM answer follows: from the sources only, status-aware, cited. */
const SYSTEM_PROMPT = `You are michi, a study assistant that answers questions strictly from the user's own learning notes.
Each numbered source below is one item from the notes, with the learning status the user gave it:
- known: the user marked it as understood.
- partial: the user understands it only partly.
- unknown: the user marked it as NOT yet known. It is an open question in the notes, not knowledge.
- unmarked: written without a status marker.
Rules:
1. Answer only from the sources. Cite every statement with its source number in square brackets, e.g. [1] or [1][2].
2. Never present an item marked unknown as knowledge. When the relevant source is unknown, say that the notes list it as not yet known, and state only what the notes do say about it.
3. When the relevant source is partial, say that the understanding is still partial.
4. If there are no sources, or none of them is relevant, say that the notes have nothing on this question. Do not answer from general knowledge.
5. Be concise: a few sentences.
6. {languageInstruction}`;

const HUMAN_PROMPT = `Sources:
{sources}

Question: {question}`;

const GENERAL_SYSTEM_PROMPT = `Give a short, accurate general-knowledge answer (2-4 sentences) to the user's question.
It is shown separately from the user's notes, labelled as general knowledge, so do not mention notes or cite sources.
{languageInstruction}`;

const LANGUAGE_INSTRUCTIONS: Readonly<Record<Language, string>> = {
  ja: "Answer in Japanese (日本語で答えてください), because the question is in Japanese.",
  en: "Answer in English, because the question is in English.",
};

const STATUS_NOTES: Readonly<Record<Source["status"], string>> = {
  known: "known",
  partial: "partial",
  unknown: "unknown (marked NOT yet known)",
  unmarked: "unmarked",
};

/** The numbered source list as the model sees it. */
function formatSources(sources: readonly Source[]): string {
  if (sources.length === 0) return "(none: the notes have nothing relevant to this question)";
  return sources
    .map((source, i) => {
      const lines = [
        `[${i + 1}] status: ${STATUS_NOTES[source.status]}; from: ${formatCitation(source)}`,
        `    ${source.text.replace(/\n/g, "\n    ")}`,
      ];
      if (source.context.length > 0) {
        lines.push("    sub-items written under it:");
        for (const sub of source.context) lines.push(`      - ${sub.replace(/\n/g, " ")}`);
      }
      return lines.join("\n");
    })
    .join("\n\n");
}

interface PromptInput {
  readonly languageInstruction: string;
  readonly sources: string;
  readonly question: string;
}

/** A reason the model gave no usable answer, already safe to show (no key). */
class LlmFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

interface Classified {
  readonly reason: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
}

export function createLlmAnswerer(opts: LlmAnswererOptions): LlmAnswerer {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRetries = Math.max(0, opts.maxRetries ?? DEFAULT_MAX_RETRIES);
  const retryDelayMs = opts.retryDelayMs ?? 500;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 10_000;
  const server = describeServer(opts.baseURL);
  const answerPrompt = ChatPromptTemplate.fromMessages([
    ["system", SYSTEM_PROMPT],
    ["human", HUMAN_PROMPT],
  ]);
  const generalPrompt = ChatPromptTemplate.fromMessages([
    ["system", GENERAL_SYSTEM_PROMPT],
    ["human", "{question}"],
  ]);
  const parser = new StringOutputParser();
  const models = { plain: createChatModel(opts, false), streaming: createChatModel(opts, true) };
  const chains = {
    plain: {
      answer: answerPrompt.pipe(models.plain).pipe(parser),
      general: generalPrompt.pipe(models.plain).pipe(parser),
    },
    streaming: {
      answer: answerPrompt.pipe(models.streaming).pipe(parser),
      general: generalPrompt.pipe(models.streaming).pipe(parser),
    },
  };

  const redact = (text: string): string => redactSecrets(text, opts.apiKey);
  const log = (msg: string): void => opts.log?.(redact(msg));

  /**
   * Runs one model call with bounded retries. Each attempt has its own timer (reset on every
   * streamed token), so the total time is bounded by (maxRetries + 1) attempts plus capped waits,
   * and by the deadline when there is one: no attempt or wait outlasts it (until the first
   * streamed token, after which a flowing reply may finish).
   */
  async function runWithRetries(
    what: string,
    attempt: (signal: AbortSignal, onToken: (t: string) => void) => Promise<string>,
    onToken: ((t: string) => void) | undefined,
    deadline: Deadline | undefined,
  ): Promise<string> {
    const left = (): number => deadline?.remainingMs() ?? Number.POSITIVE_INFINITY;
    const outOfTime = (): LlmFailure =>
      new LlmFailure(`no reply within the answer deadline (${formatMs(deadline?.totalMs ?? 0)})`);
    for (let i = 0; ; i++) {
      if (left() < MIN_ATTEMPT_MS) throw outOfTime();
      let emitted = false;
      let cutByDeadline = false;
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const armTimer = (): void => {
        clearTimeout(timer);
        const ms = emitted ? timeoutMs : Math.min(timeoutMs, left());
        cutByDeadline = ms < timeoutMs;
        timer = setTimeout(
          () => controller.abort(new Error(`no reply within ${formatMs(ms)}`)),
          ms,
        );
      };
      armTimer();
      try {
        const text = await raceAbort(
          attempt(controller.signal, (token) => {
            if (token === "") return;
            emitted = true;
            armTimer();
            onToken?.(token);
          }),
          controller.signal,
        );
        if (text.trim() === "") throw new EmptyReplyError();
        return text.trim();
      } catch (error) {
        if (controller.signal.aborted && cutByDeadline && !emitted) throw outOfTime();
        const failure = controller.signal.aborted
          ? { reason: `no reply within ${formatMs(timeoutMs)}`, retryable: true }
          : classifyError(error, opts.model);
        const reason = redact(failure.reason);
        const attempts = `${i + 1} attempt${i === 0 ? "" : "s"}`;
        // Retrying after tokens were shown would show them twice.
        if (emitted) throw new LlmFailure(`${reason} (the reply broke off)`);
        if (!failure.retryable || i >= maxRetries) {
          throw new LlmFailure(failure.retryable ? `${reason} (${attempts})` : reason);
        }
        const backoff = retryDelayMs * 2 ** i;
        if (failure.retryAfterMs !== undefined && failure.retryAfterMs > maxRetryAfterMs) {
          throw new LlmFailure(
            `${reason}; the server asks to wait ${formatMs(failure.retryAfterMs)}`,
          );
        }
        const wait = Math.max(backoff, failure.retryAfterMs ?? 0);
        if (wait + MIN_ATTEMPT_MS > left()) {
          throw new LlmFailure(`${reason} (${attempts}; no time left for another)`);
        }
        log(`${what}: attempt ${i + 1} failed (${reason}); retrying in ${formatMs(wait)}`);
        await sleep(wait);
      } finally {
        clearTimeout(timer);
      }
    }
  }

  async function generate(
    question: string,
    sources: readonly Source[],
    onToken: ((t: string) => void) | undefined,
    deadline: Deadline | undefined,
  ): Promise<Answer> {
    const language = detectLanguage(question);
    const input: PromptInput = {
      languageInstruction: LANGUAGE_INSTRUCTIONS[language],
      sources: formatSources(sources),
      question,
    };
    const chain = onToken ? chains.streaming : chains.plain;
    let text: string;
    try {
      text = await runWithRetries(
        "answer",
        (signal, emit) => callChain(chain.answer, input, signal, onToken && emit),
        onToken,
        deadline,
      );
    } catch (error) {
      if (!(error instanceof LlmFailure)) throw error;
      const notice = `LLM unavailable (server ${server}, model ${opts.model}): ${error.reason}; showing the extractive answer.`;
      log(notice);
      const fallbackAnswer = await opts.fallback.answer(question, sources);
      return { ...fallbackAnswer, notices: [...fallbackAnswer.notices, notice] };
    }

    const notices: string[] = [];
    // The answer rests on the sources it cites (SPEC §3: the primary source is the first cited).
    // Citing none is how the model says the notes do not cover the question (prompt rule 4), so
    // the flag is none: retrieval alone cannot tell a near miss from a hit, the model can.
    const answerSources = parseCitations(text, sources.length)
      .map((n) => sources[n - 1])
      .filter((s) => s !== undefined);
    if (answerSources.length === 0 && sources.length > 0) {
      notices.push(
        `The model cited none of the ${sources.length} retrieved notes, so the answer is not shown as coming from your notes.`,
      );
    }
    const flag: Flag = flagFromSources(answerSources);

    if (opts.generalKnowledge && (flag === "unknown" || flag === "none")) {
      const general = await generalKnowledge(question, language, chain, onToken, deadline);
      if ("text" in general) text = `${text}${general.text}`;
      else notices.push(general.notice);
    }

    return { question, flag, mode: "llm", answer: text, sources: answerSources, notices };
  }

  /**
   * The labelled general-knowledge part added to an unknown or none answer (streamed after the
   * answer, the label first), or the notice saying why there is none.
   */
  async function generalKnowledge(
    question: string,
    language: Language,
    chain: (typeof chains)["plain"],
    onToken: ((t: string) => void) | undefined,
    deadline: Deadline | undefined,
  ): Promise<{ text: string } | { notice: string }> {
    const separator = `\n\n${GENERAL_KNOWLEDGE_LABEL[language]}\n`;
    let separatorShown = false;
    const emit = onToken
      ? (token: string): void => {
          if (!separatorShown) {
            separatorShown = true;
            onToken(separator);
          }
          onToken(token);
        }
      : undefined;
    try {
      const general = await runWithRetries(
        "general knowledge",
        (signal, emitToken) =>
          callChain(
            chain.general,
            { languageInstruction: LANGUAGE_INSTRUCTIONS[language], question },
            signal,
            emit && emitToken,
          ),
        emit,
        deadline,
      );
      if (!separatorShown) onToken?.(separator);
      return { text: `${separator}${general}` };
    } catch (error) {
      if (!(error instanceof LlmFailure)) throw error;
      const notice = `General knowledge unavailable (server ${server}, model ${opts.model}): ${error.reason}.`;
      log(notice);
      return { notice };
    }
  }

  return {
    mode: "llm",
    answer: (question, sources, options) =>
      generate(question, sources, undefined, options?.deadline),
    stream: (question, sources, onToken, options) =>
      generate(question, sources, onToken, options?.deadline),
  };
}

type StringChain<I> = {
  invoke(input: I, options: { signal: AbortSignal }): Promise<string>;
  stream(input: I, options: { signal: AbortSignal }): Promise<AsyncIterable<string>>;
};

async function callChain<I>(
  chain: StringChain<I>,
  input: I,
  signal: AbortSignal,
  onToken: ((t: string) => void) | undefined,
): Promise<string> {
  if (!onToken) return chain.invoke(input, { signal });
  let text = "";
  for await (const token of await chain.stream(input, { signal })) {
    text += token;
    onToken(token);
  }
  return text;
}

class EmptyReplyError extends Error {
  constructor() {
    super("empty reply");
  }
}

/** Turns whatever the client threw into a short reason and whether another attempt may help. */
function classifyError(error: unknown, model: string): Classified {
  if (error instanceof EmptyReplyError) {
    return { reason: "the server sent an empty or malformed reply", retryable: true };
  }
  const e = (typeof error === "object" && error !== null ? error : {}) as {
    name?: unknown;
    message?: unknown;
    status?: unknown;
    headers?: unknown;
    retryAfterMs?: unknown;
    constructor?: { name?: string };
  };
  const message = firstLine(typeof e.message === "string" ? e.message : String(error));
  const status = typeof e.status === "number" ? e.status : undefined;
  if (status === 429) {
    const retryAfterMs =
      retryAfterFromHeaders(e.headers) ??
      (typeof e.retryAfterMs === "number" ? e.retryAfterMs : undefined);
    return {
      reason: `rate limited (HTTP 429)`,
      retryable: true,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (status !== undefined && (status >= 500 || status === 408)) {
    return { reason: `server error (${withStatus(status, message)})`, retryable: true };
  }
  if (status === 401 || status === 403) {
    return { reason: `not authorized (HTTP ${status}); check the API key`, retryable: false };
  }
  if (status === 404) {
    return {
      reason: `not found (HTTP 404); is model "${model}" available on the server?`,
      retryable: false,
    };
  }
  if (status !== undefined) return { reason: withStatus(status, message), retryable: false };
  if (e.name === "TimeoutError") return { reason: "the request timed out", retryable: true };
  if (e.constructor?.name === "APIConnectionError") {
    const code = findCauseCode(error);
    return { reason: `cannot connect${code ? ` (${code})` : ""}`, retryable: true };
  }
  if (error instanceof SyntaxError || error instanceof TypeError) {
    // JSON that doesn't parse, or a body without `choices`.
    return { reason: `the server sent a malformed reply (${message})`, retryable: true };
  }
  return { reason: message || "unknown error", retryable: false };
}

function withStatus(status: number, message: string): string {
  return `HTTP ${truncate(withStatusCode(status, message), 160)}`;
}

function retryAfterFromHeaders(headers: unknown): number | undefined {
  let value: unknown;
  if (headers && typeof (headers as { get?: unknown }).get === "function") {
    value = (headers as { get(name: string): unknown }).get("retry-after");
  } else if (headers && typeof headers === "object") {
    value = (headers as Record<string, unknown>)["retry-after"];
  }
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function findCauseCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^E[A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function firstLine(text: string): string {
  return (text.split("\n").find((line) => line.trim() !== "") ?? "").trim();
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms)} ms`;
}
