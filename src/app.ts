/**
 * The one service both front ends (CLI, Discord) call: wires configuration, store, embedder,
 * retrieval and answerer together. Heavy optional parts (the LLM client) load lazily so a cold
 * `michi ask` stays fast.
 */
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { extractiveAnswerer } from "./ask/extractive.js";
import { followUpQuery, needsContextAnswer } from "./ask/follow-up.js";
import type { Answer, Answerer, Source } from "./ask/index.js";
import { KeywordIndex } from "./ask/keyword.js";
import { NoteIndex } from "./ask/note-index.js";
import {
  type NoneRule,
  type NoteRetrievalOptions,
  type RetrievalOptions,
  type RetrievedHit,
  retrieve,
} from "./ask/retrieve.js";
import type { Turn } from "./ask/turns.js";
import type { Config } from "./config.js";
import { createDeadline, type Deadline, formatSeconds } from "./deadline.js";
import { MichiError } from "./errors.js";
import { EMBED_TEXT_VERSION } from "./index/chunk.js";
import { type IngestProgress, type IngestSummary, ingest } from "./index/ingest.js";
import { LocalEmbeddings } from "./index/local-embeddings.js";
import { type LockHolder, withIngestLock } from "./index/lock.js";
import type { AbortableEmbeddings } from "./index/openai-embeddings.js";
import {
  asStoreError,
  type EmbedderInfo,
  indexedTextOf,
  openStore,
  readBuiltEmbedder,
  removeStoreFiles,
  type Store,
  type StoredChunk,
} from "./index/store.js";
import { type History, openHistoryFile } from "./learning/history.js";
import { createLearning, type Learning } from "./learning/service.js";
import { type Logger, silentLogger } from "./logger.js";
import { checkNotesDir } from "./notes/scan.js";
import { raceAbort } from "./openai-server.js";

export interface AskOptions {
  /** How many sources to retrieve. */
  readonly k?: number;
  /** Streams LLM tokens as they arrive (LLM mode only). */
  readonly onToken?: (token: string) => void;
  /** Skip the freshness check (the caller just ingested). */
  readonly skipIngest?: boolean;
  /** Earlier turns of a conversation: with an LLM, a follow-up is condensed into a standalone question. */
  readonly history?: readonly Turn[];
  /** Progress of the ingest before the answer (a large or first ingest takes a while). */
  readonly onIngestProgress?: (progress: IngestProgress) => void;
  /** false: keep the question out of the question log (an eval's questions are not the user's). */
  readonly logQuestion?: boolean;
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
export interface App
  extends Pick<
    Learning,
    | "suggest"
    | "setStatus"
    | "learned"
    | "mark"
    | "unknown"
    | "undo"
    | "undoChange"
    | "digest"
    | "status"
  > {
  readonly config: Config;
  ingest(options?: IngestRunOptions): Promise<IngestSummary>;
  ask(question: string, options?: AskOptions): Promise<Answer>;
  /**
   * Retrieval only: the ranked relevant sources for a question. `noneRule` replaces the none
   * decision's thresholds (the calibration bench sweeps them).
   */
  search(question: string, k?: number, options?: SearchOptions): Promise<Source[]>;
  /**
   * Builds the keyword indexes of the current index now (seconds at 100k items), so that a
   * long-running front end's first question does not wait for them.
   */
  prepareSearch(): Promise<void>;
  store(): Promise<Store>;
  /**
   * The learning history's own database (history.db): what must survive the index being
   * damaged or rebuilt (feedback, digest claims) belongs there, not in `store().db`.
   */
  history(): Promise<History>;
  /** History, question log, charts and digest posts. */
  readonly learning: Learning;
  readonly logger: Logger;
  /** Waits for the ingest under way, then closes the store. */
  close(): Promise<void>;
}

/** Collaborators a test (or another front end) may supply instead of the configured ones. */
export interface AppDeps {
  readonly embedder?: EmbeddingsInterface & { readonly info?: EmbedderInfo };
  readonly answerer?: Answerer;
  /** The clock learning events, the question log and digests use. */
  readonly now?: () => Date;
  /** Where retries, fallbacks and ingest summaries are logged (default: nowhere). */
  readonly logger?: Logger;
  /** Told when another live process holds the ingest lock and this one waits for it. */
  readonly onLockWait?: (holder: LockHolder) => void;
  /**
   * Stops any ingest of this app between steps (Ctrl-C, SIGTERM: the CLI owns the signals);
   * the last committed index stays in force.
   */
  readonly signal?: AbortSignal;
}

export const DEFAULT_K = 5;

export interface SearchOptions {
  readonly noneRule?: Partial<NoneRule>;
}

/** Ranked sources, with the notices of how they were found (keyword search alone, say). */
interface Retrieved {
  readonly sources: Source[];
  readonly notices: string[];
}

/** An ingest whose embedding calls end when `signal` aborts (the answer deadline). */
interface BoundedIngestOptions extends IngestRunOptions {
  readonly signal?: AbortSignal;
  /** Receives the embedder's first failure. */
  readonly failures?: { error: unknown };
}

export function createApp(config: Config, deps: AppDeps = {}): App {
  let storePromise: Promise<Store> | null = null;
  let embedderPromise: Promise<{ embedder: EmbeddingsInterface; info: EmbedderInfo }> | null = null;
  let answererPromise: Promise<Answerer> | null = null;
  let keyword: { revision: number; index: KeywordIndex; notes: NoteIndex } | null = null;
  let rebuildNext = false;
  const logger = deps.logger ?? silentLogger;

  const embedder = (probe = false) => {
    if (probe) embedderPromise = null;
    if (embedderPromise === null) {
      const created = createEmbedder(config, deps, probe, logger);
      // A server that was down at start may be back for the next command (the bot lives long).
      created.catch(() => {
        if (embedderPromise === created) embedderPromise = null;
      });
      embedderPromise = created;
    }
    return embedderPromise;
  };

  let historyFile: History | null = null;
  const history = async () => {
    historyFile ??= openHistoryFile(config.dataDir);
    return historyFile;
  };

  const openConfiguredStore = async (rebuild: boolean) => {
    // A rebuild asks the server for its dimension again instead of trusting the old index.
    const { info } = await embedder(rebuild);
    if (!rebuild) return openStore(config.dataDir, info);
    // A rebuild never depends on the old index: if it cannot be opened, it is replaced.
    await history(); // (an older michi's history is copied out of the index first)
    try {
      return openStore(config.dataDir, info, { rebuild });
    } catch {
      removeStoreFiles(config.dataDir);
      return openStore(config.dataDir, info, { rebuild });
    }
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
    answererPromise ??= deps.answerer
      ? Promise.resolve(deps.answerer)
      : createAnswerer(config, logger);
    return answererPromise;
  };

  /** The keyword and note indexes of the store's current revision, built when needed. */
  const keywordIndex = (s: Store): { index: KeywordIndex; notes: NoteIndex } => {
    if (keyword === null || keyword.revision !== s.revision()) {
      const index = new KeywordIndex();
      const notes = new NoteIndex({ chunkIndex: index });
      for (const chunk of s.embeddedTexts()) {
        index.add(chunk);
        notes.add(chunk);
      }
      keyword = { revision: s.revision(), index, notes };
    }
    return keyword;
  };

  /** Brings the keyword index along with an ingest of this process instead of rebuilding it. */
  const followIngest = ({ textChanges: changes }: IngestSummary) => {
    if (keyword === null || changes.from === changes.to) return;
    if (keyword.revision !== changes.from) {
      keyword = null;
      return;
    }
    for (const id of changes.removed) {
      keyword.index.remove(id);
      keyword.notes.remove(id);
    }
    for (const chunk of changes.added) {
      const indexed = indexedTextOf(chunk);
      keyword.index.add(indexed);
      keyword.notes.add(indexed);
    }
    keyword.revision = changes.to;
  };

  /** Offline there is no model to rewrite a follow-up (follow-up.ts joins it to its context). */
  const condense = async (
    question: string,
    turns: readonly Turn[],
    deadline: Deadline,
  ): Promise<string> => {
    if (!config.chat || turns.length === 0) return question;
    const [{ condenseQuestion }, { createChatModel }] = await Promise.all([
      import("./ask/condense.js"),
      import("./ask/llm.js"),
    ]);
    const chat = createChatModel({ model: config.chat.model, ...openaiOptions(config) }, false);
    return condenseQuestion(
      {
        chat,
        timeoutMs: Math.min(config.chat.timeoutMs, deadline.remainingMs()),
        signal: deadline.signal,
        log: (msg) => logger.warn({ what: "condense" }, msg),
      },
      turns,
      question,
    );
  };

  const ingestNow = async (options: BoundedIngestOptions = {}) => {
    if (options.rebuild || rebuildNext) {
      await storePromise?.then(
        (s) => s.close(),
        () => undefined, // a damaged index is what a rebuild is for
      );
      storePromise = openConfiguredStore(true);
      rebuildNext = false;
    }
    const s = await freshStore();
    s.removeStrayFiles();
    const e = (await embedder()).embedder;
    return ingest({
      notesDir: config.notesDir,
      store: s,
      embedder: options.signal ? bounded(e, options.signal, options.failures) : e,
      ...(options.only ? { only: options.only } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
    }).catch((error: unknown) => {
      if (deps.signal?.aborted) {
        // The graph in memory may hold vectors of the stopped run: read the committed one again.
        storePromise = null;
        s.close();
      }
      throw error;
    });
  };

  // One ingest at a time, each followed by its history record: concurrent commands (learned,
  // ask) must not interleave store commits or status diffs.
  let ingestQueue: Promise<unknown> = Promise.resolve();
  const runIngest = (options: BoundedIngestOptions = {}): Promise<IngestSummary> => {
    const run = ingestQueue.then(async () => {
      // Before the lock creates the data directory: a wrong --notes leaves no .michi behind.
      await checkNotesDir(config.notesDir);
      return withIngestLock(
        config.dataDir,
        async () => {
          const summary = await ingestNow(options);
          followIngest(summary);
          logger.info(
            {
              what: "ingest",
              notes: summary.notes,
              chunks: summary.chunks,
              embedded: summary.embedded,
              reused: summary.reused,
              removed: summary.removed,
              warnings: summary.warnings.length,
              ms: summary.ms,
              ...(summary.rebuiltBecause ? { rebuiltBecause: summary.rebuiltBecause } : {}),
            },
            "ingest done",
          );
          await learning.recordIngest(summary);
          return summary;
        },
        {
          ...(deps.onLockWait ? { onWait: deps.onLockWait } : {}),
          ...(deps.signal ? { signal: deps.signal } : {}),
        },
      );
    });
    ingestQueue = run.catch(() => undefined);
    return run.catch((error: unknown) => {
      throw asStoreError(error, config.dataDir);
    });
  };

  /**
   * Ranked relevant sources. With a deadline, a query embedding that fails or outlasts it gives
   * way to keyword retrieval alone, with a notice; without one, its failure is the caller's.
   */
  const retrieveSources = (
    question: string,
    options: Partial<NoteRetrievalOptions & RetrievalOptions>,
    deadline?: Deadline,
  ): Promise<Retrieved> =>
    retrieveFromIndex(question, options, deadline).catch((error: unknown) => {
      throw asStoreError(error, config.dataDir);
    });

  const retrieveFromIndex = async (
    question: string,
    options: Partial<NoteRetrievalOptions & RetrievalOptions>,
    deadline?: Deadline,
  ): Promise<Retrieved> => {
    const s = await freshStore();
    const e = (await embedder()).embedder;
    const { index, notes } = keywordIndex(s);
    const searchers = {
      searchVectors: (vector: number[], n: number) => s.searchVectors(vector, n),
      keyword: index,
      notes,
    };
    const notices: string[] = [];
    let hits: RetrievedHit[];
    if (deadline === undefined || e instanceof LocalEmbeddings) {
      hits = await retrieve(question, { embedder: e, ...searchers }, options);
    } else {
      const failures = { error: null as unknown };
      try {
        hits = await retrieve(
          question,
          { embedder: bounded(e, deadline.signal, failures), ...searchers },
          options,
        );
      } catch (error) {
        if (failures.error === null) throw error;
        const notice = `embedding server unavailable: answered from keyword search (${describeFailure(failures.error, deadline)})`;
        logger.warn({ what: "embeddings" }, notice);
        notices.push(notice);
        hits = await retrieve(question, { embedder: null, ...searchers }, options);
      }
    }
    const chunks = new Map(s.getChunks(hits.map((h) => h.id)).map((c) => [c.id, c]));
    const sources = hits.flatMap((hit) => {
      const c = chunks.get(hit.id);
      return c ? [toSource(c, hit.score)] : [];
    });
    return { sources, notices };
  };

  const search = async (
    question: string,
    k = DEFAULT_K,
    options: SearchOptions = {},
  ): Promise<Source[]> => (await retrieveSources(question, { ...options.noneRule, k })).sources;

  /**
   * The ingest before an answer. A remote embedder gets the answer's deadline; when it fails,
   * the answer comes from the last committed index (if there is one) with a notice.
   */
  const ingestBeforeAnswer = async (
    deadline: Deadline,
    onProgress?: (progress: IngestProgress) => void,
  ): Promise<string[]> => {
    const progress = onProgress ? { onProgress } : {};
    if (config.embeddings !== "openai" || deps.embedder) {
      await runIngest(progress);
      return [];
    }
    const failures = { error: null as unknown };
    try {
      await runIngest({ signal: deadline.signal, failures, ...progress });
      return [];
    } catch (error) {
      if (failures.error === null || (await freshStore()).chunkCount() === 0) throw error;
      const notice = `notes changed since the last index, but the embedding server is unavailable (${describeFailure(failures.error, deadline)}); answered from the last index: run michi ingest`;
      logger.warn({ what: "embeddings" }, notice);
      return [notice];
    }
  };

  const learning = createLearning({
    config,
    store,
    history,
    // The learning commands look for one item, possibly among several of the same note.
    search: async (topic, k) => (await retrieveSources(topic, { k, distinctNotes: false })).sources,
    ingest: (options) => runIngest(options),
    now: deps.now ?? (() => new Date()),
  });

  return {
    config,
    ingest: runIngest,
    search,
    async prepareSearch() {
      keywordIndex(await freshStore());
    },
    async ask(question, options = {}) {
      const deadline = createDeadline(config.answerDeadlineMs);
      const notices = options.skipIngest
        ? []
        : await ingestBeforeAnswer(deadline, options.onIngestProgress);
      const turns = options.history ?? [];
      const query = followUpQuery(question, turns, { rewrites: config.chat !== null });
      if (query === null) return needsContextAnswer(question, notices);
      // The answerer gets the standalone question too: "それは？" means nothing to a model
      // that does not see the conversation. Offline, the search words joined to an earlier
      // question are no question to show: the answer is to the one asked, and the joined
      // words are what is logged and offered as an unknown (`standalone`).
      const standalone = await condense(query, turns, deadline);
      const asked = query === question ? standalone : question;
      const found = await retrieveSources(standalone, { k: options.k ?? DEFAULT_K }, deadline);
      notices.push(...found.notices);
      const a = await answerer();
      const answered =
        options.onToken && a.stream
          ? await a.stream(asked, found.sources, options.onToken, { deadline })
          : await a.answer(asked, found.sources, { deadline });
      const withContext = asked === standalone ? answered : { ...answered, standalone };
      const answer = notices.length
        ? { ...withContext, notices: [...notices, ...withContext.notices] }
        : withContext;
      if (options.logQuestion !== false) await learning.logQuestion(answer);
      return answer;
    },
    store,
    history,
    suggest: (prefix, limit) => learning.suggest(prefix, limit),
    setStatus: (id, to, options) => learning.setStatus(id, to, options),
    learned: (topic, options) => learning.learned(topic, options),
    mark: (topic, to, options) => learning.mark(topic, to, options),
    unknown: (topic, options) => learning.unknown(topic, options),
    undo: () => learning.undo(),
    undoChange: (changeId) => learning.undoChange(changeId),
    digest: (options) => learning.digest(options),
    status: () => learning.status(),
    learning,
    logger,
    async close() {
      await ingestQueue;
      const opened = storePromise;
      storePromise = null;
      if (opened) (await opened.catch(() => null))?.close();
      historyFile?.db.close();
      historyFile = null;
    },
  };
}

/**
 * The embedder with every call cut short when `signal` aborts; `failures.error` keeps the first
 * failure, so a caller can tell the embedder's fault from any other.
 */
function bounded(
  embedder: EmbeddingsInterface,
  signal: AbortSignal,
  failures: { error: unknown } = { error: null },
): EmbeddingsInterface {
  const note = (error: unknown): never => {
    failures.error ??= error ?? new Error("embedding failed");
    throw error;
  };
  if (isAbortable(embedder)) {
    return {
      embedQuery: (text) => embedder.embedQueryWithin(text, signal).catch(note),
      embedDocuments: (texts) => embedder.embedDocumentsWithin(texts, signal).catch(note),
    };
  }
  return {
    embedQuery: (text) => raceAbort(embedder.embedQuery(text), signal).catch(note),
    embedDocuments: (texts) => raceAbort(embedder.embedDocuments(texts), signal).catch(note),
  };
}

function isAbortable(embedder: object): embedder is AbortableEmbeddings {
  return "embedQueryWithin" in embedder && "embedDocumentsWithin" in embedder;
}

/** One line on why the query embedding failed, without repeating "Embedding failed". */
function describeFailure(error: unknown, deadline: Deadline): string {
  if (deadline.signal.aborted && !(error instanceof MichiError)) {
    return `no reply within the answer deadline (${formatSeconds(deadline.totalMs)})`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return (message.split("\n")[0] ?? "").replace(/^Embedding failed \((.*?)\): /, "$1: ");
}

function toSource(chunk: StoredChunk, score: number): Source {
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

async function createEmbedder(config: Config, deps: AppDeps, probe: boolean, logger: Logger) {
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
      timeoutMs: config.requestTimeoutMs,
      log: (msg) => logger.warn({ what: "embeddings" }, msg),
      ...openaiOptions(config),
    });
    const name = `openai:${config.embeddingModel};text=${EMBED_TEXT_VERSION}`;
    // The index remembers the dimension, so commands need no server round trip to open it
    // (and still answer while the server is down). Without an index, or on a rebuild, the
    // server decides: one probe tells it.
    const built = probe ? undefined : readBuiltEmbedder(config.dataDir);
    if (built?.name === name) {
      embedder.expectDimensions(built.dimensions);
      return { embedder, info: built };
    }
    const dimensions = (await embedder.embedQuery("dimension probe")).length;
    return { embedder, info: { name, dimensions } };
  }
  const embedder = new LocalEmbeddings();
  return {
    embedder,
    info: {
      name: `${embedder.info.signature};text=${EMBED_TEXT_VERSION}`,
      dimensions: embedder.info.dimensions,
    },
  };
}

async function createAnswerer(config: Config, logger: Logger): Promise<Answerer> {
  if (!config.chat) return extractiveAnswerer;
  const { createLlmAnswerer } = await import("./ask/llm.js");
  return createLlmAnswerer({
    log: (msg) => logger.warn({ what: "llm" }, msg),
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
