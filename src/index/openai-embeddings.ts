/**
 * Embeddings from OpenAI or any OpenAI-compatible server (Ollama, llama.cpp, vLLM).
 * Always asks for float vectors: the openai SDK otherwise requests base64, which several local
 * servers don't implement. Failures become a MichiError naming server and model (never the key).
 */
import { OpenAIEmbeddings } from "@langchain/openai";
import { MichiError } from "../errors.js";
import {
  apiKeyOrPlaceholder,
  describeServer,
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
  /** Retries per request, with LangChain's exponential backoff from 1 s (default 2). */
  readonly maxRetries?: number;
  /** Per request (default 60 s). */
  readonly timeoutMs?: number;
}

export const DEFAULT_EMBEDDING_BATCH_SIZE = 128;

/** OpenAIEmbeddings whose failures and malformed replies surface as a MichiError. */
class CheckedOpenAIEmbeddings extends OpenAIEmbeddings {
  readonly #where: string;
  readonly #apiKey: string;

  constructor(
    fields: ConstructorParameters<typeof OpenAIEmbeddings>[0],
    where: string,
    apiKey: string,
  ) {
    super(fields);
    this.#where = where;
    this.#apiKey = apiKey;
  }

  override async embedDocuments(texts: string[]): Promise<number[][]> {
    if (texts.length === 0) return [];
    const vectors = await this.#guard(() => super.embedDocuments(texts));
    this.#check(vectors, texts.length);
    return vectors;
  }

  override async embedQuery(text: string): Promise<number[]> {
    const vector = await this.#guard(() => super.embedQuery(text));
    this.#check([vector], 1);
    return vector;
  }

  async #guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new MichiError(`Embedding failed (${this.#where}): ${this.#reason(error)}`, {
        cause: error,
      });
    }
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
      throw new MichiError(
        `Embedding failed (${this.#where}): the server returned malformed vectors (expected ${expected} vectors of one dimension).`,
      );
    }
  }

  #reason(error: unknown): string {
    const e = error as { status?: unknown; message?: unknown } | null;
    const status = typeof e?.status === "number" ? e.status : undefined;
    const message = typeof e?.message === "string" ? e.message : String(error);
    const line = (message.split("\n")[0] ?? "").trim();
    let reason = status === undefined ? line : `HTTP ${withStatusCode(status, line)}`;
    if (status === 401 || status === 403) reason += " (check the API key)";
    if (status === 404) reason += " (is the embedding model available on the server?)";
    return redactSecrets(reason, this.#apiKey).slice(0, 300);
  }
}

export function createOpenAIEmbeddings(opts: OpenAIEmbeddingsOptions): OpenAIEmbeddings {
  const apiKey = apiKeyOrPlaceholder(opts.apiKey);
  const where = `server ${describeServer(opts.baseURL)}, model ${opts.model}`;
  return new CheckedOpenAIEmbeddings(
    {
      model: opts.model,
      apiKey,
      configuration: opts.baseURL ? { baseURL: opts.baseURL } : {},
      encodingFormat: "float",
      batchSize: Math.max(1, opts.batchSize ?? DEFAULT_EMBEDDING_BATCH_SIZE),
      maxRetries: Math.max(0, opts.maxRetries ?? 2),
      timeout: opts.timeoutMs ?? 60_000,
    },
    where,
    apiKey,
  );
}
