/**
 * Embeddings from OpenAI or any OpenAI-compatible server (Ollama, llama.cpp, vLLM).
 * Always asks for float vectors: the openai SDK otherwise requests base64, which several local
 * servers don't implement. Failures become a MichiError naming server and model (never the key).
 *
 * Every request is bounded: one attempt may take `timeoutMs`, a few retries follow transient
 * faults, and a caller's signal (the answer deadline) cuts the whole thing short. The retries
 * are ours, not LangChain's, because only our own loop can abort a hung request: the abort
 * reaches the socket through the client's `fetch`, so a dead server leaves nothing running.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { OpenAIEmbeddings } from "@langchain/openai";
import { formatSeconds, sleepUnless, timeoutSignal } from "../deadline.js";
import { MichiError } from "../errors.js";
import {
  apiKeyOrPlaceholder,
  describeServer,
  raceAbort,
  redactSecrets,
  withStatusCode,
} from "../openai-server.js";

export interface OpenAIEmbeddingsOptions {
  readonly model: string;
  /** Omit for local servers; a placeholder is sent because the client requires one. */
  readonly apiKey?: string;
  /** e.g. `http://127.0.0.1:11434/v1`; default: OpenAI. */
  readonly baseURL?: string;
  /** Texts per request (default 128; OpenAI allows up to 2048, local servers often less). */
  readonly batchSize?: number;
  /** Retries per request after a timeout, 408, 429, 5xx or refused connection (default 2). */
  readonly maxRetries?: number;
  /** Per attempt (default 20 s). */
  readonly timeoutMs?: number;
  /** First wait between retries, doubled each retry (default 500 ms). */
  readonly retryDelayMs?: number;
  /** Told about each retry (the key never appears in it). */
  readonly log?: (msg: string) => void;
}

/** Embeddings whose calls a caller can cut short (the answer deadline). */
export interface AbortableEmbeddings {
  embedQueryWithin(text: string, signal: AbortSignal): Promise<number[]>;
  embedDocumentsWithin(texts: string[], signal: AbortSignal): Promise<number[][]>;
  /** Vectors of another length are an error from now on (the index was built with `n`). */
  expectDimensions(n: number): void;
}

export const DEFAULT_EMBEDDING_BATCH_SIZE = 128;
export const DEFAULT_EMBEDDING_TIMEOUT_MS = 20_000;
/** Batches in flight at once. */
const CONCURRENCY = 2;

/** The signal of the attempt in progress, read by the client's `fetch`. */
const attemptSignal = new AsyncLocalStorage<AbortSignal>();

const abortableFetch: typeof fetch = (input, init) => {
  const signal = attemptSignal.getStore();
  if (signal === undefined) return fetch(input, init);
  const signals = init?.signal ? [init.signal, signal] : [signal];
  return fetch(input, { ...init, signal: AbortSignal.any(signals) });
};

/** OpenAIEmbeddings whose failures and malformed replies surface as a MichiError. */
class CheckedOpenAIEmbeddings extends OpenAIEmbeddings implements AbortableEmbeddings {
  readonly #where: string;
  readonly #apiKey: string;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #retryDelayMs: number;
  readonly #chunkSize: number;
  readonly #log: ((msg: string) => void) | undefined;
  #dimensions: number | undefined;

  constructor(
    fields: ConstructorParameters<typeof OpenAIEmbeddings>[0],
    where: string,
    apiKey: string,
    opts: OpenAIEmbeddingsOptions,
  ) {
    super(fields);
    this.#where = where;
    this.#apiKey = apiKey;
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_EMBEDDING_TIMEOUT_MS;
    this.#maxRetries = Math.max(0, opts.maxRetries ?? 2);
    this.#retryDelayMs = opts.retryDelayMs ?? 500;
    this.#chunkSize = Math.max(1, opts.batchSize ?? DEFAULT_EMBEDDING_BATCH_SIZE);
    this.#log = opts.log;
  }

  expectDimensions(n: number): void {
    this.#dimensions = n;
  }

  override embedDocuments(texts: string[]): Promise<number[][]> {
    return this.embedDocumentsWithin(texts, undefined);
  }

  override embedQuery(text: string): Promise<number[]> {
    return this.embedQueryWithin(text, undefined);
  }

  async embedQueryWithin(text: string, signal: AbortSignal | undefined): Promise<number[]> {
    const vector = await this.#withRetries(() => super.embedQuery(text), signal);
    this.#check([vector], 1);
    return vector;
  }

  async embedDocumentsWithin(
    texts: string[],
    signal: AbortSignal | undefined,
  ): Promise<number[][]> {
    if (texts.length === 0) return [];
    const batches: string[][] = [];
    for (let i = 0; i < texts.length; i += this.#chunkSize) {
      batches.push(texts.slice(i, i + this.#chunkSize));
    }
    // The first failure stops the other batches too.
    const stop = new AbortController();
    const bound = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
    const results: number[][][] = new Array(batches.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches.length && !bound.aborted) {
        const i = next++;
        const batch = batches[i] ?? [];
        results[i] = await this.#withRetries(() => super.embedDocuments(batch), bound);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batches.length) }, worker));
    } catch (error) {
      stop.abort();
      throw error;
    }
    const vectors = results.flat();
    this.#check(vectors, texts.length);
    return vectors;
  }

  /** One call with bounded attempts; `outer` (a deadline) ends every wait and attempt early. */
  async #withRetries<T>(call: () => Promise<T>, outer: AbortSignal | undefined): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (outer?.aborted) throw this.#failure("stopped before the answer deadline ran out");
      const signal = timeoutSignal(this.#timeoutMs, outer);
      let reason: string;
      let retryable: boolean;
      try {
        return await raceAbort(
          attemptSignal.run(signal, () => call()),
          signal,
        );
      } catch (error) {
        if (outer?.aborted) {
          throw this.#failure(`no reply within the answer deadline`, error);
        }
        if (signal.aborted) {
          reason = `no reply within ${formatSeconds(this.#timeoutMs)}`;
          retryable = true;
        } else {
          ({ reason, retryable } = this.#classify(error));
        }
        if (!retryable || attempt > this.#maxRetries) {
          const attempts = retryable ? ` (${attempt} attempt${attempt === 1 ? "" : "s"})` : "";
          throw this.#failure(`${reason}${attempts}`, error);
        }
      }
      const wait = this.#retryDelayMs * 2 ** (attempt - 1);
      this.#log?.(
        `Embedding (${this.#where}): attempt ${attempt} failed (${reason}); retrying in ${formatSeconds(wait)}`,
      );
      await sleepUnless(wait, outer);
    }
  }

  #failure(reason: string, cause?: unknown): MichiError {
    return new MichiError(`Embedding failed (${this.#where}): ${reason}`, { cause });
  }

  #check(vectors: readonly unknown[], expected: number): void {
    const dimension = Array.isArray(vectors[0]) ? vectors[0].length : 0;
    const ok =
      vectors.length === expected &&
      dimension > 0 &&
      vectors.every(
        (v) => Array.isArray(v) && v.length === dimension && v.every((x) => typeof x === "number"),
      );
    if (!ok) {
      throw this.#failure(
        `the server returned malformed vectors (expected ${expected} vectors of one dimension).`,
      );
    }
    if (this.#dimensions !== undefined && dimension !== this.#dimensions) {
      throw this.#failure(
        `the server now returns ${dimension}-dimensional vectors, but the index was built with ${this.#dimensions}; run michi ingest --rebuild.`,
      );
    }
  }

  #classify(error: unknown): { reason: string; retryable: boolean } {
    const e = error as { status?: unknown; message?: unknown; name?: unknown } | null;
    const status = typeof e?.status === "number" ? e.status : undefined;
    const message = typeof e?.message === "string" ? e.message : String(error);
    const line = (message.split("\n")[0] ?? "").trim();
    let reason = status === undefined ? line : `HTTP ${withStatusCode(status, line)}`;
    if (status === 401 || status === 403) reason += " (check the API key)";
    if (status === 404) reason += " (is the embedding model available on the server?)";
    // No status: the connection failed or the reply did not parse; both may pass.
    const retryable =
      status === undefined
        ? !(error instanceof MichiError)
        : status === 408 || status === 429 || status >= 500;
    return { reason: redactSecrets(reason, this.#apiKey).slice(0, 300), retryable };
  }
}

export function createOpenAIEmbeddings(
  opts: OpenAIEmbeddingsOptions,
): OpenAIEmbeddings & AbortableEmbeddings {
  const apiKey = apiKeyOrPlaceholder(opts.apiKey);
  const where = `server ${describeServer(opts.baseURL)}, model ${opts.model}`;
  return new CheckedOpenAIEmbeddings(
    {
      model: opts.model,
      apiKey,
      configuration: { ...(opts.baseURL ? { baseURL: opts.baseURL } : {}), fetch: abortableFetch },
      encodingFormat: "float",
      batchSize: Math.max(1, opts.batchSize ?? DEFAULT_EMBEDDING_BATCH_SIZE),
      // Our loop retries and bounds each attempt; LangChain's caller only runs the request.
      maxRetries: 0,
      maxConcurrency: Number.POSITIVE_INFINITY,
      timeout: opts.timeoutMs ?? DEFAULT_EMBEDDING_TIMEOUT_MS,
    },
    where,
    apiKey,
    opts,
  );
}
