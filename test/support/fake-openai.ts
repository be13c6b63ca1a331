/**
 * A fake OpenAI-compatible HTTP server on 127.0.0.1 for tests: chat completions (JSON and SSE),
 * deterministic embeddings, a model list, and programmable faults. It records every request so
 * tests can assert on what the real @langchain/openai client actually sent.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface RecordedRequest {
  readonly method: string;
  /** Path without query string, e.g. `/v1/chat/completions`. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  /** The parsed JSON body, or null when the body was empty or not JSON. */
  readonly body: unknown;
}

export interface ChatMessage {
  readonly role: string;
  readonly content: string;
}

/** The part of a chat completion request a reply function needs. */
export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly stream: boolean;
  readonly body: Record<string, unknown>;
}

export type FakeMode =
  | { readonly kind: "ok" }
  /** Answer with `status` (default 500); the first `times` requests only (default: all). */
  | {
      readonly kind: "error";
      readonly status?: number;
      readonly times?: number;
      readonly message?: string;
    }
  /** 429 with a `retry-after` header (seconds, default "1") for the first `times` requests (default 1). */
  | { readonly kind: "rate-limit"; readonly times?: number; readonly retryAfter?: string }
  /** Accept the request and never answer. */
  | { readonly kind: "hang" }
  /** Streaming requests get headers and one chunk, then silence; other requests hang. */
  | { readonly kind: "stall-stream" }
  /** 200 with a body the client cannot use. */
  | {
      readonly kind: "malformed";
      readonly shape?: "invalid-json" | "no-choices" | "empty-content";
    };

export type FakeModeName = "ok" | "500" | "429" | "hang" | "stall-stream" | "malformed";

export interface FakeOpenAIOptions {
  /** The assistant reply for a chat request (default: a fixed sentence citing [1]). */
  readonly reply?: (request: ChatRequest) => string;
  /** Embedding dimension (default 64). */
  readonly dimension?: number;
  readonly mode?: FakeMode | FakeModeName;
  /** Models listed by `GET /v1/models`. */
  readonly models?: readonly string[];
}

export interface FakeOpenAI {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:40123/v1`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Requests to `/v1/chat/completions` only. */
  chatRequests(): RecordedRequest[];
  /** Requests to `/v1/embeddings` only. */
  embeddingRequests(): RecordedRequest[];
  setMode(mode: FakeMode | FakeModeName): void;
  setReply(reply: (request: ChatRequest) => string): void;
  close(): Promise<void>;
}

const DEFAULT_REPLY = "According to your notes, this is covered [1].";

/** Deterministic unit vector from hashed character bigrams, so similar texts get similar vectors. */
export function embedText(text: string, dimension: number): number[] {
  const vector = new Array<number>(dimension).fill(0);
  const chars = Array.from(` ${text.toLowerCase()} `);
  for (let i = 0; i + 1 < chars.length; i++) {
    const bucket = hashString(`${chars[i]}${chars[i + 1]}`) % dimension;
    vector[bucket] = (vector[bucket] ?? 0) + 1;
  }
  const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0)) || 1;
  return vector.map((v) => v / norm);
}

/** All message contents of a chat request, joined; handy in `reply` functions. */
export function promptText(request: ChatRequest): string {
  return request.messages.map((m) => m.content).join("\n");
}

/** A URL whose port was bound and then released, so connecting to it is refused. */
export async function getRefusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  return `http://127.0.0.1:${port}/v1`;
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const dimension = options.dimension ?? 64;
  const models = options.models ?? ["fake-chat", "fake-embed"];
  let reply = options.reply ?? (() => DEFAULT_REPLY);
  let mode = normalizeMode(options.mode ?? "ok");
  // Counts requests under the current mode, for the "first N requests fail" modes.
  let faultCount = 0;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      const body = parseJson(rawBody);
      requests.push({ method: req.method ?? "GET", path, headers: req.headers, rawBody, body });
      handle(req.method ?? "GET", path, body, res, req.headers);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  function handle(
    method: string,
    path: string,
    body: unknown,
    res: ServerResponse,
    headers: IncomingHttpHeaders,
  ): void {
    const isStream = isRecord(body) && body.stream === true;
    if (applyFault(res, isStream)) return;

    if (method === "GET" && path === "/v1/models") {
      sendJson(res, 200, {
        object: "list",
        data: models.map((id) => ({ id, object: "model", created: 0, owned_by: "fake" })),
      });
      return;
    }
    if (method === "POST" && path === "/v1/embeddings" && isRecord(body)) {
      sendEmbeddings(res, body);
      return;
    }
    if (method === "POST" && path === "/v1/chat/completions" && isRecord(body)) {
      const request = toChatRequest(body);
      const content = reply(request);
      if (isStream) sendStream(res, request, content);
      else sendCompletion(res, request, content);
      return;
    }
    // Echo nothing sensitive; mention the auth header's presence only.
    sendJson(res, 404, {
      error: {
        message: `no route ${method} ${path} (auth: ${headers.authorization ? "yes" : "no"})`,
      },
    });
  }

  /** Returns true when the current mode answered (or deliberately did not answer) the request. */
  function applyFault(res: ServerResponse, isStream: boolean): boolean {
    switch (mode.kind) {
      case "ok":
        return false;
      case "error": {
        if (mode.times !== undefined && faultCount >= mode.times) return false;
        faultCount++;
        sendJson(res, mode.status ?? 500, {
          error: { message: mode.message ?? "internal server error", type: "server_error" },
        });
        return true;
      }
      case "rate-limit": {
        if (faultCount >= (mode.times ?? 1)) return false;
        faultCount++;
        res.setHeader("retry-after", mode.retryAfter ?? "1");
        sendJson(res, 429, {
          error: { message: "rate limited", type: "requests", code: "rate_limit_exceeded" },
        });
        return true;
      }
      case "hang":
        return true;
      case "stall-stream":
        if (isStream) {
          res.writeHead(200, { "content-type": "text/event-stream" });
          res.write(
            sseData({
              id: "chatcmpl-stall",
              object: "chat.completion.chunk",
              created: 0,
              model: "fake",
              choices: [
                { index: 0, delta: { role: "assistant", content: "Partial" }, finish_reason: null },
              ],
            }),
          );
        }
        return true;
      case "malformed": {
        const shape = mode.shape ?? "invalid-json";
        if (shape === "invalid-json") {
          res.writeHead(200, { "content-type": "application/json" });
          res.end('{"id": "chatcmpl-broken", "choices": [ {"message": ');
        } else if (shape === "no-choices") {
          sendJson(res, 200, { id: "chatcmpl-broken", object: "chat.completion", created: 0 });
        } else {
          sendJson(res, 200, {
            id: "chatcmpl-empty",
            object: "chat.completion",
            created: 0,
            model: "fake",
            choices: [
              { index: 0, message: { role: "assistant", content: "" }, finish_reason: "stop" },
            ],
          });
        }
        return true;
      }
    }
  }

  function sendEmbeddings(res: ServerResponse, body: Record<string, unknown>): void {
    const input = body.input;
    const texts = Array.isArray(input) ? input.map(String) : [String(input ?? "")];
    const asBase64 = body.encoding_format === "base64";
    sendJson(res, 200, {
      object: "list",
      model: String(body.model ?? "fake-embed"),
      data: texts.map((text, index) => {
        const vector = embedText(text, dimension);
        return {
          object: "embedding",
          index,
          embedding: asBase64
            ? Buffer.from(new Float32Array(vector).buffer).toString("base64")
            : vector,
        };
      }),
      usage: { prompt_tokens: texts.length, total_tokens: texts.length },
    });
  }

  const closeServer = (): Promise<void> =>
    new Promise<void>((resolve) => {
      // Hanging requests keep sockets open; destroy them so close() always completes.
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    chatRequests: () => requests.filter((r) => r.path === "/v1/chat/completions"),
    embeddingRequests: () => requests.filter((r) => r.path === "/v1/embeddings"),
    setMode(next) {
      mode = normalizeMode(next);
      faultCount = 0;
    },
    setReply(next) {
      reply = next;
    },
    close: closeServer,
  };
}

function normalizeMode(mode: FakeMode | FakeModeName): FakeMode {
  if (typeof mode !== "string") return mode;
  switch (mode) {
    case "ok":
      return { kind: "ok" };
    case "500":
      return { kind: "error", status: 500 };
    case "429":
      return { kind: "rate-limit", times: 1, retryAfter: "1" };
    case "hang":
      return { kind: "hang" };
    case "stall-stream":
      return { kind: "stall-stream" };
    case "malformed":
      return { kind: "malformed", shape: "invalid-json" };
  }
}

function toChatRequest(body: Record<string, unknown>): ChatRequest {
  const rawMessages = Array.isArray(body.messages) ? body.messages : [];
  const messages = rawMessages.filter(isRecord).map((m) => ({
    role: String(m.role ?? ""),
    content: contentToString(m.content),
  }));
  return { model: String(body.model ?? ""), messages, stream: body.stream === true, body };
}

function contentToString(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (isRecord(part) && typeof part.text === "string" ? part.text : ""))
      .join("");
  }
  return "";
}

function sendCompletion(res: ServerResponse, request: ChatRequest, content: string): void {
  sendJson(res, 200, {
    id: "chatcmpl-fake",
    object: "chat.completion",
    created: 0,
    model: request.model,
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  });
}

/** Splits the reply into word-ish pieces (whitespace kept) so token order is observable. */
function splitIntoTokens(content: string): string[] {
  return content.match(/\s*\S+|\s+/gu) ?? [];
}

function sendStream(res: ServerResponse, request: ChatRequest, content: string): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const base = {
    id: "chatcmpl-fake",
    object: "chat.completion.chunk",
    created: 0,
    model: request.model,
  };
  res.write(
    sseData({
      ...base,
      choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
    }),
  );
  for (const token of splitIntoTokens(content)) {
    res.write(
      sseData({ ...base, choices: [{ index: 0, delta: { content: token }, finish_reason: null }] }),
    );
  }
  res.write(sseData({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }));
  const streamOptions = request.body.stream_options;
  if (isRecord(streamOptions) && streamOptions.include_usage === true) {
    res.write(
      sseData({
        ...base,
        choices: [],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      }),
    );
  }
  res.end("data: [DONE]\n\n");
}

function sseData(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(payload));
}

function parseJson(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hashString(text: string): number {
  // FNV-1a, 32-bit: cheap and stable across runs.
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
