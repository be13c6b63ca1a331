/**
 * The one service both front ends (CLI, Discord) call: wires configuration, store, embedder,
 * retrieval and answerer together. Heavy optional parts (the LLM client) load lazily so a cold
 * `michi ask` stays fast.
 */
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { Turn } from "./ask/condense.js";
import { extractiveAnswerer } from "./ask/extractive.js";
import type { Answer, Answerer, Source } from "./ask/index.js";
import { KeywordIndex } from "./ask/keyword.js";
import { retrieve } from "./ask/retrieve.js";
import type { Config } from "./config.js";
import { embedTextOf } from "./index/chunk.js";
import { type IngestProgress, type IngestSummary, ingest } from "./index/ingest.js";
import { LocalEmbeddings } from "./index/local-embeddings.js";
import { withIngestLock } from "./index/lock.js";
import { type EmbedderInfo, openStore, type Store, type StoredChunk } from "./index/store.js";
import { createLearning, type Learning } from "./learning/service.js";

export interface AskOptions {
  /** How many sources to retrieve. */
  readonly k?: number;
  /** Streams LLM tokens as they arrive (LLM mode only). */
  readonly onToken?: (token: string) => void;
  /** Skip the freshness check (the caller just ingested). */
  readonly skipIngest?: boolean;
  /** Earlier turns of a conversation: with an LLM, a follow-up is condensed into a standalone question. */
  readonly history?: readonly Turn[];
}

export interface IngestRunOptions {
  readonly rebuild?: boolean;
  readonly only?: readonly string[];
  readonly onProgress?: (progress: IngestProgress) => void;
}

/**
 * The service both front ends call. The learning commands (`learned`, `mark`, `unknown`,
 * `digest`, `status`) are the learning service's own, see learning/service.ts.
 */
export interface App extends Pick<Learning, "learned" | "mark" | "unknown" | "digest" | "status"> {
  readonly config: Config;
  ingest(options?: IngestRunOptions): Promise<IngestSummary>;
  ask(question: string, options?: AskOptions): Promise<Answer>;
  /** Retrieval only: the ranked relevant sources for a question. */
  search(question: string, k?: number): Promise<Source[]>;
  store(): Promise<Store>;
  /** History, question log, charts and digest posts. */
  readonly learning: Learning;
  close(): void;
}

/** Collaborators a test (or another front end) may supply instead of the configured ones. */
export interface AppDeps {
  readonly embedder?: EmbeddingsInterface & { readonly info?: EmbedderInfo };
  readonly answerer?: Answerer;
  /** The clock learning events, the question log and digests use. */
  readonly now?: () => Date;
}

export const DEFAULT_K = 5;

export function createApp(config: Config, deps: AppDeps = {}): App {
  let storePromise: Promise<Store> | null = null;
  let embedderPromise: Promise<{ embedder: EmbeddingsInterface; info: EmbedderInfo }> | null = null;
  let answererPromise: Promise<Answerer> | null = null;
  let keyword: { revision: number; index: KeywordIndex } | null = null;
  let rebuildNext = false;

  const embedder = () => {
    embedderPromise ??= createEmbedder(config, deps);
    return embedderPromise;
  };

  const openConfiguredStore = async (rebuild: boolean) => {
    const { info } = await embedder();
    return openStore(config.dataDir, info, { rebuild });
  };

  const store = () => {
    storePromise ??= openConfiguredStore(false);
    return storePromise;
  };

  /** The store, reopened if another process committed an ingest since it was opened. */
  const freshStore = async (): Promise<Store> => {
    const s = await store();
    if (!s.isStale()) return s;
    s.close();
    storePromise = openConfiguredStore(false);
    return storePromise;
  };

  const answerer = () => {
    answererPromise ??= deps.answerer ? Promise.resolve(deps.answerer) : createAnswerer(config);
    return answererPromise;
  };

  /** The keyword index of the store's current revision, built from every chunk when needed. */
  const keywordIndex = (s: Store): KeywordIndex => {
    if (keyword === null || keyword.revision !== s.revision()) {
      const index = new KeywordIndex();
      index.addAll(s.embeddedTexts());
      keyword = { revision: s.revision(), index };
    }
    return keyword.index;
  };

  /** Brings the keyword index along with an ingest of this process instead of rebuilding it. */
  const followIngest = ({ textChanges: changes }: IngestSummary) => {
    if (keyword === null || changes.from === changes.to) return;
    if (keyword.revision !== changes.from) {
      keyword = null;
      return;
    }
    for (const id of changes.removed) keyword.index.remove(id);
    for (const chunk of changes.added) {
      keyword.index.add({ id: chunk.id, text: embedTextOf(chunk) });
    }
    keyword.revision = changes.to;
  };

  /** Offline there is no model to rewrite a follow-up, so it is searched as it stands. */
  const condense = async (question: string, history: readonly Turn[]): Promise<string> => {
    if (!config.chat || history.length === 0) return question;
    const [{ condenseQuestion }, { createChatModel }] = await Promise.all([
      import("./ask/condense.js"),
      import("./ask/llm.js"),
    ]);
    const chat = createChatModel({ model: config.chat.model, ...openaiOptions(config) }, false);
    return condenseQuestion({ chat, timeoutMs: config.chat.timeoutMs }, history, question);
  };

  const ingestNow = async (options: IngestRunOptions = {}) => {
    if (options.rebuild || rebuildNext) {
      (await store()).close();
      storePromise = openConfiguredStore(true);
      rebuildNext = false;
    }
    const s = await freshStore();
    s.removeStrayFiles();
    return ingest({
      notesDir: config.notesDir,
      store: s,
      embedder: (await embedder()).embedder,
      ...(options.only ? { only: options.only } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  };

  // One ingest at a time, each followed by its history record: concurrent commands (learned,
  // ask) must not interleave store commits or status diffs.
  let ingestQueue: Promise<unknown> = Promise.resolve();
  const runIngest = (options: IngestRunOptions = {}): Promise<IngestSummary> => {
    const run = ingestQueue.then(() =>
      withIngestLock(config.dataDir, async () => {
        const summary = await ingestNow(options);
        followIngest(summary);
        await learning.recordIngest(summary);
        return summary;
      }),
    );
    ingestQueue = run.catch(() => undefined);
    return run;
  };

  const search = async (question: string, k = DEFAULT_K): Promise<Source[]> => {
    const s = await freshStore();
    const hits = await retrieve(
      question,
      {
        embedder: (await embedder()).embedder,
        searchVectors: (vector, n) => s.searchVectors(vector, n),
        keyword: keywordIndex(s),
      },
      { k },
    );
    const chunks = new Map(s.getChunks(hits.map((h) => h.id)).map((c) => [c.id, c]));
    return hits.flatMap((hit) => {
      const c = chunks.get(hit.id);
      return c ? [toSource(c, hit.score)] : [];
    });
  };

  const learning = createLearning({
    config,
    store,
    search,
    ingest: (options) => runIngest(options),
    now: deps.now ?? (() => new Date()),
  });

  return {
    config,
    ingest: runIngest,
    search,
    async ask(question, options = {}) {
      if (!options.skipIngest) await runIngest();
      const standalone = await condense(question, options.history ?? []);
      const sources = await search(standalone, options.k ?? DEFAULT_K);
      const a = await answerer();
      const answer =
        options.onToken && "stream" in a && typeof a.stream === "function"
          ? await (a.stream as StreamingAnswerer["stream"])(question, sources, options.onToken)
          : await a.answer(question, sources);
      await learning.logQuestion(answer);
      return answer;
    },
    store,
    learned: (topic, options) => learning.learned(topic, options),
    mark: (topic, to, options) => learning.mark(topic, to, options),
    unknown: (topic) => learning.unknown(topic),
    digest: (options) => learning.digest(options),
    status: () => learning.status(),
    learning,
    close() {
      void storePromise?.then((s) => s.close());
    },
  };
}

interface StreamingAnswerer extends Answerer {
  stream(
    question: string,
    sources: readonly Source[],
    onToken: (token: string) => void,
  ): Promise<Answer>;
}

export function toSource(chunk: StoredChunk, score: number): Source {
  return {
    id: chunk.id,
    kind: chunk.kind,
    file: chunk.file,
    title: chunk.title,
    sectionPath: chunk.sectionPath,
    line: chunk.line,
    status: chunk.status,
    text: chunk.text,
    context: chunk.context,
    score,
  };
}

async function createEmbedder(config: Config, deps: AppDeps) {
  if (deps.embedder) {
    const info = deps.embedder.info ?? {
      name: "custom",
      dimensions: (await deps.embedder.embedQuery("probe")).length,
    };
    return { embedder: deps.embedder, info };
  }
  if (config.embeddings === "openai") {
    const { createOpenAIEmbeddings } = await import("./index/openai-embeddings.js");
    const embedder = createOpenAIEmbeddings({
      model: config.embeddingModel,
      ...openaiOptions(config),
    });
    // The server decides the dimension; one probe tells it, so a mismatch triggers a rebuild.
    const dimensions = (await embedder.embedQuery("dimension probe")).length;
    return { embedder, info: { name: `openai:${config.embeddingModel}`, dimensions } };
  }
  const embedder = new LocalEmbeddings();
  return {
    embedder,
    info: { name: embedder.info.signature, dimensions: embedder.info.dimensions },
  };
}

async function createAnswerer(config: Config): Promise<Answerer> {
  if (!config.chat) return extractiveAnswerer;
  const { createLlmAnswerer } = await import("./ask/llm.js");
  return createLlmAnswerer({
    model: config.chat.model,
    timeoutMs: config.chat.timeoutMs,
    generalKnowledge: config.generalKnowledge,
    fallback: extractiveAnswerer,
    ...openaiOptions(config),
  });
}

function openaiOptions(config: Config): { apiKey?: string; baseURL?: string } {
  return {
    ...(config.openai.apiKey ? { apiKey: config.openai.apiKey } : {}),
    ...(config.openai.baseURL ? { baseURL: config.openai.baseURL } : {}),
  };
}
