/**
 * The REST half of the fake: Discord's routes a bot uses, each answering like Discord (status,
 * error code and JSON) and each recorded. A rule broken is a violation plus Discord's error.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  asArray,
  formErrors,
  type Issue,
  isEmptyMessage,
  isObject,
  type Json,
  LIMITS,
  validateAutocomplete,
  validateCommands,
  validateMessage,
  validateModal,
} from "./limits.js";
import { parseMultipart, type UploadedFile } from "./multipart.js";
import { channelPayload, memberPayload, messagePayload, userPayload } from "./payloads.js";
import {
  type Changes,
  computePinged,
  type FakeChannel,
  type FakeUser,
  parseMentionIds,
  type RecordedAttachment,
  type RecordedMessage,
  type RegisteredCommand,
  snowflake,
} from "./state.js";

export interface RecordedRequest {
  readonly method: string;
  /** Path without `/api/v10` and without the query, e.g. `/channels/123/messages`. */
  readonly path: string;
  /** The matched route, e.g. `POST /channels/:channel/messages` (`unhandled` when none). */
  route: string;
  readonly query: Record<string, string>;
  /** Lower-case header names; `authorization` redacted to its scheme. */
  readonly headers: Record<string, string>;
  /** Parsed JSON; multipart → `{ payload_json, files }`; raw text when neither. */
  readonly body: unknown;
  readonly at: number;
  /** The HTTP status the fake answered with (0 until answered). */
  status: number;
  /** The JSON the fake answered with (undefined for 204). */
  response: unknown;
  /** The message payload the request carried (content/embeds…), when it writes a message. */
  message?: Json;
  /** Set when the answer came from `failNext`. */
  injected?: boolean;
}

/** One step of an interaction's life, as the bot's requests made it. */
export interface InteractionEvent {
  readonly kind: "callback" | "followup" | "edit" | "delete";
  /** Callback type (1, 4-9) for callbacks. */
  readonly type?: number;
  readonly data?: Json;
  readonly messageId?: string;
  readonly at: number;
  readonly ok: boolean;
  readonly status: number;
  readonly error?: unknown;
}

export interface InteractionRecord {
  readonly id: string;
  readonly token: string;
  /** 2 command, 3 component, 4 autocomplete, 5 modal submit. */
  readonly type: number;
  /** Command name or custom id. */
  readonly name: string;
  readonly channelId: string;
  readonly userId: string;
  readonly dispatchedAt: number;
  readonly componentMessageId: string | null;
  ackType: number | null;
  ackData: Json | undefined;
  ackAt: number | null;
  expired: boolean;
  originalMessageId: string | null;
  readonly followupIds: string[];
  readonly events: InteractionEvent[];
  timer: NodeJS.Timeout | null;
}

export interface FailRule {
  readonly method: string | null;
  readonly pattern: RegExp;
  readonly status: number;
  readonly body: unknown;
  remaining: number;
}

export interface Store {
  readonly applicationId: string;
  readonly guildId: string;
  readonly botUser: FakeUser;
  readonly owner: FakeUser;
  readonly token: string | undefined;
  readonly interactionDeadlineMs: number;
  readonly interactionTtlMs: number;
  readonly now: () => number;
  readonly joinedAt: number;
  readonly users: Map<string, FakeUser>;
  readonly channels: Map<string, FakeChannel>;
  readonly messages: Map<string, RecordedMessage>;
  readonly interactions: Map<string, InteractionRecord>;
  readonly globalCommands: RegisteredCommand[];
  readonly guildCommands: RegisteredCommand[];
  readonly requests: RecordedRequest[];
  readonly violations: string[];
  readonly failRules: FailRule[];
  readonly changes: Changes;
  baseUrl: string;
  gatewayUrl: string;
  /** Sends a gateway dispatch if the session has the intent (see gateway.ts). */
  dispatch: (t: string, d: unknown, intent?: number) => boolean;
}

const GUILD_MESSAGES = 1 << 9;
const GUILDS = 1 << 0;

interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

class DiscordError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
    readonly violation: string | null,
  ) {
    super(String(body.message));
  }
}

function fail(status: number, code: number, message: string, violation: string | null): never {
  throw new DiscordError(status, { message, code }, violation);
}

function formFail(issues: Issue[], prefix: string, what: string): never {
  const detail = issues
    .map((i) => `${prefix ? `${prefix}.` : ""}${i.path}: ${i.message}`)
    .join("; ");
  throw new DiscordError(400, formErrors(issues, prefix), `${what}: ${detail}`);
}

interface Ctx {
  readonly store: Store;
  readonly request: RecordedRequest;
  readonly params: Record<string, string>;
  readonly json: Json;
  readonly files: UploadedFile[];
}

type Handler = (ctx: Ctx) => Answer;

interface Route {
  readonly method: string;
  readonly template: string;
  readonly segments: string[];
  readonly auth: boolean;
  readonly handler: Handler;
}

// ---------------------------------------------------------------- messages

function botMessageType(record: InteractionRecord | undefined, reply: boolean): number {
  if (record?.type === 2) return 20;
  if (reply) return 19;
  return 0;
}

function buildAttachments(
  store: Store,
  messageId: string,
  body: Json,
  files: UploadedFile[],
  existing: RecordedAttachment[],
  edit: boolean,
): RecordedAttachment[] {
  const described = asArray(body.attachments).filter(isObject);
  const byIndex = new Map<string, UploadedFile>();
  for (const file of files) {
    const index = /^files\[(\d+)\]$/.exec(file.field)?.[1] ?? file.field;
    byIndex.set(index, file);
  }
  const make = (file: UploadedFile, meta: Json | undefined): RecordedAttachment => {
    const id = snowflake(store.now());
    const filename = typeof meta?.filename === "string" ? meta.filename : file.name;
    return {
      id,
      filename,
      contentType: file.contentType,
      size: file.size,
      data: file.data,
      url: `${store.baseUrl}/attachments/${messageId}/${id}/${encodeURIComponent(filename)}`,
      ...(typeof meta?.description === "string" ? { description: meta.description } : {}),
    };
  };
  if (body.attachments === undefined) {
    const added = files.map((f) => make(f, undefined));
    return edit ? [...existing, ...added] : added;
  }
  const result: RecordedAttachment[] = [];
  const used = new Set<UploadedFile>();
  for (const meta of described) {
    const id = String(meta.id);
    const kept = existing.find((a) => a.id === id);
    if (kept) {
      result.push(kept);
      continue;
    }
    const file = byIndex.get(id);
    if (file) {
      used.add(file);
      result.push(make(file, meta));
    }
  }
  for (const file of files) if (!used.has(file)) result.push(make(file, undefined));
  return result;
}

function checkFiles(files: UploadedFile[]): void {
  if (files.length > LIMITS.files) {
    formFail(
      [
        {
          path: "files",
          code: "BASE_TYPE_MAX_LENGTH",
          message: `Must be ${LIMITS.files} or fewer in length.`,
        },
      ],
      "",
      "too many files",
    );
  }
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total > LIMITS.uploadBytes) {
    fail(
      413,
      40005,
      "Request entity too large",
      `upload of ${total} bytes exceeds ${LIMITS.uploadBytes}`,
    );
  }
}

/** Validates a message body and answers like Discord when it breaks a limit. */
function checkMessage(body: Json, what: string, interactionResponse: boolean, prefix = ""): void {
  const issues = validateMessage(body, { interactionResponse });
  if (issues.length > 0) formFail(issues, prefix, what);
}

function emptyFail(what: string): never {
  fail(
    400,
    50006,
    "Cannot send an empty message",
    `${what}: empty message (no content, embeds, components or files)`,
  );
}

export function createMessage(
  store: Store,
  init: {
    channelId: string;
    author: FakeUser;
    fromBot: boolean;
    type: number;
    body: Json;
    files: UploadedFile[];
    ephemeral: boolean;
    interactionId?: string;
    flags?: number;
  },
): RecordedMessage {
  const id = snowflake(store.now());
  const body = init.body;
  const content = typeof body.content === "string" ? body.content : "";
  const allowed = isObject(body.allowed_mentions) ? body.allowed_mentions : undefined;
  const message: RecordedMessage = {
    id,
    channelId: init.channelId,
    guildId: store.guildId,
    author: init.author,
    fromBot: init.fromBot,
    type: init.type,
    content,
    embeds: asArray(body.embeds)
      .filter(isObject)
      .map((e) => ({ type: "rich", ...e })),
    components: asArray(body.components).filter(isObject),
    attachments: [],
    allowedMentions: allowed,
    flags:
      (init.flags ?? (typeof body.flags === "number" ? body.flags : 0)) | (init.ephemeral ? 64 : 0),
    ephemeral: init.ephemeral,
    pinged: computePinged(content, allowed),
    mentions: parseMentionIds(content).users,
    ...(isObject(body.message_reference) ? { messageReference: body.message_reference } : {}),
    ...(init.interactionId ? { interactionId: init.interactionId } : {}),
    createdAt: store.now(),
    editedAt: null,
    edits: 0,
    deleted: false,
    threadId: null,
    reactions: [],
  };
  message.attachments = buildAttachments(store, id, body, init.files, [], false);
  store.messages.set(id, message);
  if (!init.ephemeral) {
    const channel = store.channels.get(init.channelId);
    if (channel) {
      channel.lastMessageId = id;
      if (channel.type === 11 || channel.type === 12) channel.messageCount += 1;
    }
  }
  store.changes.notify();
  return message;
}

function editMessage(
  store: Store,
  message: RecordedMessage,
  body: Json,
  files: UploadedFile[],
): void {
  if (typeof body.content === "string" || body.content === null) {
    message.content = typeof body.content === "string" ? body.content : "";
  }
  if (body.embeds !== undefined) {
    message.embeds = asArray(body.embeds)
      .filter(isObject)
      .map((e) => ({ type: "rich", ...e }));
  }
  if (body.components !== undefined) message.components = asArray(body.components).filter(isObject);
  if (body.attachments !== undefined || files.length > 0) {
    message.attachments = buildAttachments(
      store,
      message.id,
      body,
      files,
      message.attachments,
      true,
    );
  }
  if (typeof body.flags === "number") {
    // Ephemerality is fixed when a message is created; an edit cannot add or remove it.
    message.flags = (message.flags & (64 | 128)) | (body.flags & ~(64 | 128));
  }
  message.flags &= ~128;
  if (body.allowed_mentions !== undefined || body.content !== undefined) {
    message.allowedMentions = isObject(body.allowed_mentions) ? body.allowed_mentions : undefined;
    message.pinged = computePinged(message.content, message.allowedMentions);
    message.mentions = parseMentionIds(message.content).users;
  }
  message.editedAt = store.now();
  message.edits += 1;
  store.changes.notify();
}

/**
 * An edit as Discord takes it: one that would leave the message empty is refused and leaves the
 * message as it was; any other is applied and dispatched.
 */
function editAndDispatch(
  store: Store,
  message: RecordedMessage,
  body: Json,
  files: UploadedFile[],
  what: string,
): void {
  const before = { ...message, attachments: [...message.attachments] };
  editMessage(store, message, body, files);
  if (isEmptyMessage(message)) {
    Object.assign(message, before);
    emptyFail(what);
  }
  dispatchMessage(store, "MESSAGE_UPDATE", message);
}

function payloadOf(store: Store, message: RecordedMessage): Json {
  const record = message.interactionId ? store.interactions.get(message.interactionId) : undefined;
  const user = record ? store.users.get(record.userId) : undefined;
  const interaction =
    record && user
      ? {
          id: record.id,
          type: record.type,
          user: userPayload(user),
          authorizing_integration_owners: { "0": store.guildId },
          ...(record.type === 2 ? { name: record.name } : {}),
          ...(record.componentMessageId
            ? { interacted_message_id: record.componentMessageId }
            : {}),
        }
      : undefined;
  return {
    ...messagePayload(message, {
      applicationId: store.applicationId,
      users: store.users,
      ...(interaction ? { interaction } : {}),
    }),
    guild_id: message.guildId,
    ...(message.threadId ? { thread: threadPayload(store, message.threadId) } : {}),
  };
}

function threadPayload(store: Store, threadId: string): Json | undefined {
  const thread = store.channels.get(threadId);
  return thread ? channelPayload(thread, store.guildId) : undefined;
}

/** MESSAGE_CREATE as Discord sends it, content hidden without the MessageContent intent. */
export function messageCreateEvent(store: Store, message: RecordedMessage, intents: number): Json {
  const payload = payloadOf(store, message);
  const mentioned = message.mentions.includes(store.botUser.id);
  const visible =
    (intents & (1 << 15)) !== 0 || mentioned || message.author.id === store.botUser.id;
  const event: Json = {
    ...payload,
    member: {
      roles: [],
      joined_at: new Date(store.joinedAt).toISOString(),
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      premium_since: null,
      nick: null,
      avatar: null,
      communication_disabled_until: null,
    },
  };
  if (!visible) {
    event.content = "";
    event.embeds = [];
    event.attachments = [];
    event.components = [];
  }
  return event;
}

function dispatchMessage(
  store: Store,
  t: "MESSAGE_CREATE" | "MESSAGE_UPDATE",
  message: RecordedMessage,
) {
  if (message.ephemeral) return;
  store.dispatch(t, messageCreateEvent(store, message, 0xffffffff), GUILD_MESSAGES);
}

// ---------------------------------------------------------------- interactions

function interactionBy(store: Store, id: string, token: string): InteractionRecord | undefined {
  const record = store.interactions.get(id);
  return record && record.token === token ? record : undefined;
}

const CALLBACK_TYPES: Record<number, number[]> = {
  2: [4, 5, 9],
  3: [4, 5, 6, 7, 9],
  4: [8],
  5: [4, 5, 6, 7],
};

function record(recordOf: InteractionRecord, event: InteractionEvent, store: Store): void {
  recordOf.events.push(event);
  store.changes.notify();
}

function callback(ctx: Ctx): Answer {
  const { store, json, files } = ctx;
  const id = ctx.params.interaction as string;
  const rec = interactionBy(store, id, ctx.params.token as string);
  const type = typeof json.type === "number" ? json.type : -1;
  const data = isObject(json.data) ? json.data : undefined;
  const at = store.now();
  const note = (ok: boolean, status: number, error?: unknown) => {
    if (rec) {
      record(
        rec,
        {
          kind: "callback",
          type,
          ...(data ? { data } : {}),
          at,
          ok,
          status,
          ...(error ? { error } : {}),
        },
        store,
      );
    }
  };
  try {
    if (!rec) fail(404, 10062, "Unknown interaction", `callback for unknown interaction ${id}`);
    const age = at - rec.dispatchedAt;
    if (rec.ackType !== null) {
      fail(
        400,
        40060,
        "Interaction has already been acknowledged.",
        `interaction ${rec.id} (${rec.name}) acknowledged twice (callback type ${type} after ${rec.ackType})`,
      );
    }
    if (age > store.interactionDeadlineMs) {
      rec.expired = true;
      fail(
        404,
        10062,
        "Unknown interaction",
        `interaction ${rec.id} (${rec.name}) answered after ${age} ms, past the ${store.interactionDeadlineMs} ms deadline`,
      );
    }
    if (!(CALLBACK_TYPES[rec.type] ?? []).includes(type)) {
      formFail(
        [
          {
            path: "type",
            code: "INTERACTION_RESPONSE_TYPE_INVALID",
            message: `Callback type ${type} is not valid for interaction type ${rec.type}`,
          },
        ],
        "",
        `interaction ${rec.id} (${rec.name})`,
      );
    }
    if ((type === 6 || type === 7) && rec.componentMessageId === null) {
      formFail(
        [
          {
            path: "type",
            code: "INTERACTION_RESPONSE_TYPE_INVALID",
            message: "No message to update",
          },
        ],
        "",
        `interaction ${rec.id} (${rec.name})`,
      );
    }
    let message: RecordedMessage | undefined;
    const what = `interaction ${rec.id} (${rec.name}) callback type ${type}`;
    if (type === 4 || type === 7) {
      const body = data ?? {};
      checkMessage(body, what, true, "data");
      checkFiles(files);
    }
    if (type === 8) {
      const issues = validateAutocomplete(data);
      if (issues.length > 0) formFail(issues, "", what);
    }
    if (type === 9) {
      const issues = validateModal(data);
      if (issues.length > 0) formFail(issues, "", what);
    }
    if (type === 4) {
      const body = data ?? {};
      if (isEmptyMessage({ ...body, attachments: files.length > 0 ? files : body.attachments }))
        emptyFail(what);
      const ephemeral = typeof body.flags === "number" && (body.flags & 64) !== 0;
      message = createMessage(store, {
        channelId: rec.channelId,
        author: store.botUser,
        fromBot: true,
        type: botMessageType(rec, false),
        body,
        files,
        ephemeral,
        interactionId: rec.id,
      });
      rec.originalMessageId = message.id;
      dispatchMessage(store, "MESSAGE_CREATE", message);
    } else if (type === 5) {
      const ephemeral = typeof data?.flags === "number" && (data.flags & 64) !== 0;
      message = createMessage(store, {
        channelId: rec.channelId,
        author: store.botUser,
        fromBot: true,
        type: botMessageType(rec, false),
        body: {},
        files: [],
        ephemeral,
        interactionId: rec.id,
        flags: 128,
      });
      rec.originalMessageId = message.id;
      dispatchMessage(store, "MESSAGE_CREATE", message);
    } else if (type === 6 || type === 7) {
      message = store.messages.get(rec.componentMessageId as string);
      rec.originalMessageId = rec.componentMessageId;
      if (type === 7 && message) {
        editAndDispatch(store, message, data ?? {}, files, what);
      }
    }
    rec.ackType = type;
    rec.ackData = data;
    rec.ackAt = at;
    if (rec.timer) clearTimeout(rec.timer);
    note(true, ctx.request.query.with_response === "true" ? 200 : 204);
    if (ctx.request.query.with_response !== "true") return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: {
          id: rec.id,
          type: rec.type,
          ...(message
            ? {
                response_message_id: message.id,
                response_message_loading: (message.flags & 128) !== 0,
                response_message_ephemeral: message.ephemeral,
              }
            : {}),
        },
        resource: {
          type,
          ...(message && type !== 6 ? { message: payloadOf(store, message) } : {}),
        },
      },
    };
  } catch (error) {
    if (error instanceof DiscordError) note(false, error.status, error.body);
    throw error;
  }
}

/** The interaction behind a webhook token, if it may still use its webhook. */
function webhookInteraction(ctx: Ctx, action: string): InteractionRecord {
  const { store } = ctx;
  const app = ctx.params.app as string;
  const token = ctx.params.token as string;
  if (app !== store.applicationId) {
    fail(404, 10015, "Unknown Webhook", `${action}: webhook id ${app} is not the application id`);
  }
  const rec = [...store.interactions.values()].find((r) => r.token === token);
  if (!rec) fail(401, 50027, "Invalid Webhook Token", `${action}: unknown interaction token`);
  if (store.now() - rec.dispatchedAt > store.interactionTtlMs) {
    fail(
      401,
      50027,
      "Invalid Webhook Token",
      `${action}: interaction ${rec.id} token used after 15 minutes`,
    );
  }
  if (rec.ackType === null || rec.ackType === 8 || rec.ackType === 9) {
    fail(
      404,
      10015,
      "Unknown Webhook",
      `${action}: interaction ${rec.id} (${rec.name}) ${rec.ackType === null ? "not acknowledged yet" : `answered with type ${rec.ackType}, which has no messages`}`,
    );
  }
  return rec;
}

function webhookMessage(ctx: Ctx, rec: InteractionRecord, action: string): RecordedMessage {
  const { store } = ctx;
  const requested = ctx.params.message as string;
  const id = requested === "@original" ? rec.originalMessageId : requested;
  const allowed = id !== null && (id === rec.originalMessageId || rec.followupIds.includes(id));
  const message = id === null ? undefined : store.messages.get(id);
  if (!allowed || !message || message.deleted) {
    fail(
      404,
      10008,
      "Unknown Message",
      `${action}: no message ${requested} for interaction ${rec.id}`,
    );
  }
  return message;
}

function webhookEvent(
  ctx: Ctx,
  kind: InteractionEvent["kind"],
  run: (rec: InteractionRecord) => { answer: Answer; messageId?: string },
): Answer {
  const { store } = ctx;
  const token = ctx.params.token as string;
  const rec = [...store.interactions.values()].find((r) => r.token === token);
  const at = store.now();
  try {
    const { answer, messageId } = run(webhookInteraction(ctx, `${kind} ${ctx.request.path}`));
    if (rec) {
      record(
        rec,
        {
          kind,
          data: ctx.json,
          at,
          ok: true,
          status: answer.status,
          ...(messageId ? { messageId } : {}),
        },
        store,
      );
    }
    return answer;
  } catch (error) {
    if (rec && error instanceof DiscordError) {
      record(
        rec,
        { kind, data: ctx.json, at, ok: false, status: error.status, error: error.body },
        store,
      );
    }
    throw error;
  }
}

function followup(ctx: Ctx): Answer {
  return webhookEvent(ctx, "followup", (rec) => {
    const { store, json, files } = ctx;
    const what = `followup for interaction ${rec.id} (${rec.name})`;
    checkMessage(json, what, true);
    checkFiles(files);
    if (isEmptyMessage({ ...json, attachments: files.length > 0 ? files : json.attachments }))
      emptyFail(what);
    const original = rec.originalMessageId ? store.messages.get(rec.originalMessageId) : undefined;
    let message: RecordedMessage;
    // Discord: the first followup after a deferral (type 5) fills the loading message.
    if (rec.ackType === 5 && original && (original.flags & 128) !== 0 && original.edits === 0) {
      message = original;
      editMessage(store, message, json, files);
      dispatchMessage(store, "MESSAGE_UPDATE", message);
    } else {
      const ephemeral = typeof json.flags === "number" && (json.flags & 64) !== 0;
      message = createMessage(store, {
        channelId: rec.channelId,
        author: store.botUser,
        fromBot: true,
        type: 0,
        body: json,
        files,
        ephemeral,
        interactionId: rec.id,
      });
      rec.followupIds.push(message.id);
      dispatchMessage(store, "MESSAGE_CREATE", message);
    }
    const wait = ctx.request.query.wait === "true";
    return {
      answer: wait ? { status: 200, body: payloadOf(store, message) } : { status: 204 },
      messageId: message.id,
    };
  });
}

function webhookGet(ctx: Ctx): Answer {
  const rec = webhookInteraction(ctx, `GET ${ctx.request.path}`);
  const message = webhookMessage(ctx, rec, `GET ${ctx.request.path}`);
  return { status: 200, body: payloadOf(ctx.store, message) };
}

function webhookEdit(ctx: Ctx): Answer {
  return webhookEvent(ctx, "edit", (rec) => {
    const { store, json, files } = ctx;
    const what = `edit of ${ctx.params.message} for interaction ${rec.id} (${rec.name})`;
    const message = webhookMessage(ctx, rec, what);
    checkMessage(json, what, true);
    checkFiles(files);
    editAndDispatch(store, message, json, files, what);
    return { answer: { status: 200, body: payloadOf(store, message) }, messageId: message.id };
  });
}

function webhookDelete(ctx: Ctx): Answer {
  return webhookEvent(ctx, "delete", (rec) => {
    const message = webhookMessage(ctx, rec, `delete of ${ctx.params.message}`);
    message.deleted = true;
    ctx.store.changes.notify();
    if (!message.ephemeral) {
      ctx.store.dispatch(
        "MESSAGE_DELETE",
        { id: message.id, channel_id: message.channelId, guild_id: ctx.store.guildId },
        GUILD_MESSAGES,
      );
    }
    return { answer: { status: 204 }, messageId: message.id };
  });
}

// ---------------------------------------------------------------- channels

function channelOf(ctx: Ctx): FakeChannel {
  const id = ctx.params.channel as string;
  const channel = ctx.store.channels.get(id);
  if (!channel) fail(404, 10003, "Unknown Channel", `${ctx.request.route}: unknown channel ${id}`);
  return channel;
}

function channelMessage(ctx: Ctx, channel: FakeChannel): RecordedMessage {
  const id = ctx.params.message as string;
  const message = ctx.store.messages.get(id);
  if (!message || message.channelId !== channel.id || message.ephemeral || message.deleted) {
    fail(404, 10008, "Unknown Message", `${ctx.request.route}: unknown message ${id}`);
  }
  return message;
}

function postMessage(ctx: Ctx): Answer {
  const { store, json, files } = ctx;
  const channel = channelOf(ctx);
  const what = `message to channel ${channel.id}`;
  if (channel.locked) fail(403, 50083, "Thread is archived", `${what}: thread is locked`);
  checkMessage(json, what, false);
  checkFiles(files);
  if (isEmptyMessage({ ...json, attachments: files.length > 0 ? files : json.attachments }))
    emptyFail(what);
  const reference = isObject(json.message_reference) ? json.message_reference : undefined;
  if (reference) {
    const target = store.messages.get(String(reference.message_id));
    const sameChannel = target && target.channelId === String(reference.channel_id ?? channel.id);
    if ((!target || !sameChannel || target.ephemeral) && reference.fail_if_not_exists !== false) {
      formFail(
        [
          {
            path: "message_reference",
            code: "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
            message: "Unknown message",
          },
        ],
        "",
        what,
      );
    }
  }
  channel.archived = false;
  const message = createMessage(store, {
    channelId: channel.id,
    author: store.botUser,
    fromBot: true,
    type: reference ? 19 : 0,
    body: json,
    files,
    ephemeral: false,
  });
  dispatchMessage(store, "MESSAGE_CREATE", message);
  return { status: 200, body: payloadOf(store, message) };
}

function patchMessage(ctx: Ctx): Answer {
  const { store, json, files } = ctx;
  const channel = channelOf(ctx);
  const message = channelMessage(ctx, channel);
  const what = `edit of message ${message.id}`;
  if (message.author.id !== store.botUser.id || message.interactionId !== undefined) {
    fail(
      403,
      50005,
      "Cannot edit a message authored by another user",
      `${what}: not the bot's own message`,
    );
  }
  checkMessage(json, what, false);
  checkFiles(files);
  editAndDispatch(store, message, json, files, what);
  return { status: 200, body: payloadOf(store, message) };
}

function deleteMessage(ctx: Ctx): Answer {
  const channel = channelOf(ctx);
  const message = channelMessage(ctx, channel);
  // Deleting others' messages needs Manage Messages, which the test guild grants the bot.
  message.deleted = true;
  ctx.store.changes.notify();
  ctx.store.dispatch(
    "MESSAGE_DELETE",
    { id: message.id, channel_id: channel.id, guild_id: ctx.store.guildId },
    GUILD_MESSAGES,
  );
  return { status: 204 };
}

function history(ctx: Ctx): Answer {
  const { store } = ctx;
  const channel = channelOf(ctx);
  const q = ctx.request.query;
  const limit = q.limit === undefined ? 50 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > LIMITS.historyLimit) {
    formFail(
      [
        {
          path: "limit",
          code: "NUMBER_TYPE_MAX",
          message: `Must be between 1 and ${LIMITS.historyLimit}.`,
        },
      ],
      "",
      `history of channel ${channel.id}`,
    );
  }
  let list = [...store.messages.values()]
    .filter((m) => m.channelId === channel.id && !m.ephemeral && !m.deleted)
    .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? 1 : -1));
  for (const key of ["before", "after", "around"] as const) {
    const value = q[key];
    if (value !== undefined && !/^\d{1,20}$/.test(value)) {
      formFail(
        [{ path: key, code: "NUMBER_TYPE_COERCE", message: `Value "${value}" is not snowflake.` }],
        "",
        `history of channel ${channel.id}`,
      );
    }
  }
  if (q.before) list = list.filter((m) => BigInt(m.id) < BigInt(q.before as string));
  if (q.after) {
    list = list
      .filter((m) => BigInt(m.id) > BigInt(q.after as string))
      .reverse()
      .slice(0, limit)
      .reverse();
  }
  if (q.around) {
    // Newest first: the messages just newer than `around` sit before it in the list.
    const pivot = BigInt(q.around);
    const newer = list.filter((m) => BigInt(m.id) > pivot);
    const rest = list.filter((m) => BigInt(m.id) <= pivot);
    const half = Math.floor(limit / 2);
    list = [...newer.slice(Math.max(0, newer.length - half)), ...rest].slice(0, limit);
  }
  return { status: 200, body: list.slice(0, limit).map((m) => payloadOf(store, m)) };
}

function createThreadChannel(
  store: Store,
  init: { id: string; parentId: string; name: string; type: number; ownerId: string },
): FakeChannel {
  const thread: FakeChannel = {
    id: init.id,
    type: init.type,
    name: init.name,
    parentId: init.parentId,
    ownerId: init.ownerId,
    archived: false,
    locked: false,
    messageCount: 0,
    lastMessageId: null,
    createdAt: store.now(),
  };
  store.channels.set(thread.id, thread);
  store.dispatch(
    "THREAD_CREATE",
    { ...channelPayload(thread, store.guildId), newly_created: true },
    GUILDS,
  );
  store.changes.notify();
  return thread;
}

function threadName(ctx: Ctx, what: string): string {
  const name = ctx.json.name;
  if (typeof name !== "string" || name.length < 1 || name.length > LIMITS.threadName) {
    formFail(
      [
        {
          path: "name",
          code: "BASE_TYPE_BAD_LENGTH",
          message: `Must be between 1 and ${LIMITS.threadName} in length.`,
        },
      ],
      "",
      what,
    );
  }
  return name;
}

/** Starts a public thread from a message: the thread's id is the message's id. */
export function startThreadFromMessage(
  store: Store,
  channel: FakeChannel,
  message: RecordedMessage,
  name: string,
  ownerId: string,
): FakeChannel {
  const thread = createThreadChannel(store, {
    id: message.id,
    parentId: channel.id,
    name,
    type: 11,
    ownerId,
  });
  message.threadId = thread.id;
  // Discord opens such a thread with a THREAD_STARTER_MESSAGE (type 21) pointing at the message.
  const owner = store.users.get(ownerId) ?? store.botUser;
  createMessage(store, {
    channelId: thread.id,
    author: owner,
    fromBot: false,
    type: 21,
    body: {
      content: "",
      message_reference: {
        message_id: message.id,
        channel_id: channel.id,
        guild_id: store.guildId,
      },
    },
    files: [],
    ephemeral: false,
  });
  return thread;
}

function threadFromMessage(ctx: Ctx): Answer {
  const { store } = ctx;
  const channel = channelOf(ctx);
  const what = `thread from message ${ctx.params.message}`;
  const name = threadName(ctx, what);
  if (channel.type !== 0 && channel.type !== 5) {
    fail(
      400,
      50024,
      "Cannot execute action on this channel type",
      `${what}: channel ${channel.id} is type ${channel.type}`,
    );
  }
  const message = channelMessage(ctx, channel);
  if (message.threadId !== null) {
    fail(
      400,
      160004,
      "A thread has already been created for this message",
      `${what}: it already has a thread`,
    );
  }
  const thread = startThreadFromMessage(store, channel, message, name, store.botUser.id);
  return { status: 201, body: channelPayload(thread, store.guildId) };
}

function threadWithoutMessage(ctx: Ctx): Answer {
  const { store } = ctx;
  const channel = channelOf(ctx);
  const what = `thread in channel ${channel.id}`;
  const name = threadName(ctx, what);
  if (channel.type !== 0 && channel.type !== 5) {
    fail(
      400,
      50024,
      "Cannot execute action on this channel type",
      `${what}: channel is type ${channel.type}`,
    );
  }
  const type = typeof ctx.json.type === "number" ? ctx.json.type : 12;
  const thread = createThreadChannel(store, {
    id: snowflake(store.now()),
    parentId: channel.id,
    name,
    type,
    ownerId: store.botUser.id,
  });
  return { status: 201, body: channelPayload(thread, store.guildId) };
}

function reaction(add: boolean): Handler {
  return (ctx) => {
    const channel = channelOf(ctx);
    const message = channelMessage(ctx, channel);
    const emoji = decodeURIComponent(ctx.params.emoji as string);
    const custom = /^[\w-]+:\d+$/.test(emoji);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range check
    const unicode = emoji.length > 0 && /[^\u0000-\u007f]/.test(emoji);
    if (!custom && !unicode)
      fail(400, 10014, "Unknown Emoji", `reaction with unknown emoji ${emoji}`);
    message.reactions = add
      ? [...new Set([...message.reactions, emoji])]
      : message.reactions.filter((e) => e !== emoji);
    ctx.store.changes.notify();
    return { status: 204 };
  };
}

// ---------------------------------------------------------------- commands

function checkApp(ctx: Ctx): void {
  if (ctx.params.app !== ctx.store.applicationId) {
    fail(
      403,
      20012,
      "You are not authorized to perform this action on this application",
      `${ctx.request.route} for application ${ctx.params.app}, not ${ctx.store.applicationId}`,
    );
  }
  if (ctx.params.guild !== undefined && ctx.params.guild !== ctx.store.guildId) {
    fail(404, 10004, "Unknown Guild", `${ctx.request.route} for unknown guild ${ctx.params.guild}`);
  }
}

function commandList(ctx: Ctx): RegisteredCommand[] {
  return ctx.params.guild === undefined ? ctx.store.globalCommands : ctx.store.guildCommands;
}

function toRegistered(ctx: Ctx, command: Json, existing: RegisteredCommand[]): RegisteredCommand {
  const type = typeof command.type === "number" ? command.type : 1;
  const name = String(command.name);
  const previous = existing.find((c) => c.name === name && c.type === type);
  return {
    default_member_permissions: null,
    dm_permission: true,
    nsfw: false,
    integration_types: [0],
    contexts: null,
    description: "",
    options: [],
    ...command,
    id: previous?.id ?? snowflake(ctx.store.now()),
    application_id: ctx.store.applicationId,
    version: snowflake(ctx.store.now()),
    type,
    name,
    ...(ctx.params.guild === undefined ? {} : { guild_id: ctx.params.guild }),
  };
}

function putCommands(ctx: Ctx): Answer {
  checkApp(ctx);
  const body = ctx.request.body;
  const issues = validateCommands(body);
  if (issues.length > 0) formFail(issues, "", `command registration (${ctx.request.route})`);
  const list = commandList(ctx);
  const next = (body as Json[]).map((c) => toRegistered(ctx, c, list));
  list.splice(0, list.length, ...next);
  ctx.store.changes.notify();
  return { status: 200, body: next };
}

function postCommand(ctx: Ctx): Answer {
  checkApp(ctx);
  const issues = validateCommands([ctx.json]);
  if (issues.length > 0) formFail(issues, "", `command registration (${ctx.request.route})`);
  const list = commandList(ctx);
  const created = toRegistered(ctx, ctx.json, list);
  const index = list.findIndex((c) => c.id === created.id);
  if (index >= 0) list[index] = created;
  else list.push(created);
  ctx.store.changes.notify();
  return { status: index >= 0 ? 200 : 201, body: created };
}

function listCommands(ctx: Ctx): Answer {
  checkApp(ctx);
  return { status: 200, body: commandList(ctx) };
}

/** PATCH /channels/:id: rename a channel, archive or lock a thread. */
function patchChannel(ctx: Ctx): Answer {
  const { store, json } = ctx;
  const channel = channelOf(ctx);
  if (json.name !== undefined) channel.name = threadName(ctx, `edit of channel ${channel.id}`);
  const isThread = channel.type === 11 || channel.type === 12;
  if (json.archived !== undefined || json.locked !== undefined) {
    if (!isThread) {
      formFail(
        [{ path: "archived", code: "BASE_TYPE_INVALID", message: "Only threads can be archived" }],
        "",
        `edit of channel ${channel.id}`,
      );
    }
    if (typeof json.archived === "boolean") channel.archived = json.archived;
    if (typeof json.locked === "boolean") channel.locked = json.locked;
  }
  const payload = channelPayload(channel, store.guildId);
  store.dispatch(isThread ? "THREAD_UPDATE" : "CHANNEL_UPDATE", payload, GUILDS);
  store.changes.notify();
  return { status: 200, body: payload };
}

/** Routes that only need the channel to exist (typing, joining a thread). */
function inChannel204(ctx: Ctx): Answer {
  channelOf(ctx);
  return { status: 204 };
}

function deleteCommand(ctx: Ctx): Answer {
  checkApp(ctx);
  const list = commandList(ctx);
  const index = list.findIndex((c) => c.id === ctx.params.command);
  if (index < 0)
    fail(
      404,
      10063,
      "Unknown application command",
      `delete of unknown command ${ctx.params.command}`,
    );
  list.splice(index, 1);
  return { status: 204 };
}

// ---------------------------------------------------------------- routes

function guildOnly(ctx: Ctx): void {
  if (ctx.params.guild !== ctx.store.guildId) {
    fail(404, 10004, "Unknown Guild", `${ctx.request.route}: unknown guild ${ctx.params.guild}`);
  }
}

const routeTable: Array<[string, string, boolean, Handler]> = [
  [
    "GET",
    "/gateway/bot",
    true,
    ({ store }) => ({
      status: 200,
      body: {
        url: store.gatewayUrl,
        shards: 1,
        session_start_limit: {
          total: 1000,
          remaining: 999,
          reset_after: 14_400_000,
          max_concurrency: 1,
        },
      },
    }),
  ],
  ["GET", "/gateway", false, ({ store }) => ({ status: 200, body: { url: store.gatewayUrl } })],
  [
    "GET",
    "/users/@me",
    true,
    ({ store }) => ({
      status: 200,
      body: { ...userPayload(store.botUser), verified: true, mfa_enabled: false },
    }),
  ],
  [
    "GET",
    "/users/:user",
    true,
    (ctx) => {
      const user = ctx.store.users.get(ctx.params.user as string);
      if (!user) fail(404, 10013, "Unknown User", `GET of unknown user ${ctx.params.user}`);
      return { status: 200, body: userPayload(user) };
    },
  ],
  [
    "GET",
    "/applications/@me",
    true,
    ({ store }) => ({
      status: 200,
      body: {
        id: store.applicationId,
        name: store.botUser.username,
        icon: null,
        description: "",
        bot_public: false,
        bot_require_code_grant: false,
        verify_key: "0".repeat(64),
        flags: 1 << 19,
        owner: userPayload(store.owner),
        team: null,
        bot: userPayload(store.botUser),
        approximate_guild_count: 1,
        tags: [],
        integration_types_config: { "0": {} },
      },
    }),
  ],
  ["GET", "/applications/:app/commands", true, listCommands],
  ["PUT", "/applications/:app/commands", true, putCommands],
  ["POST", "/applications/:app/commands", true, postCommand],
  ["DELETE", "/applications/:app/commands/:command", true, deleteCommand],
  ["GET", "/applications/:app/guilds/:guild/commands", true, listCommands],
  ["PUT", "/applications/:app/guilds/:guild/commands", true, putCommands],
  ["POST", "/applications/:app/guilds/:guild/commands", true, postCommand],
  ["DELETE", "/applications/:app/guilds/:guild/commands/:command", true, deleteCommand],
  [
    "GET",
    "/guilds/:guild/members/:user",
    true,
    (ctx) => {
      guildOnly(ctx);
      const user = ctx.store.users.get(ctx.params.user as string);
      if (!user) fail(404, 10007, "Unknown Member", `GET of unknown member ${ctx.params.user}`);
      return { status: 200, body: memberPayload(user, ctx.store.joinedAt) };
    },
  ],
  [
    "GET",
    "/guilds/:guild/channels",
    true,
    (ctx) => {
      guildOnly(ctx);
      const list = [...ctx.store.channels.values()].filter((c) => c.type !== 11 && c.type !== 12);
      return { status: 200, body: list.map((c) => channelPayload(c, ctx.store.guildId)) };
    },
  ],
  [
    "GET",
    "/channels/:channel",
    true,
    (ctx) => ({ status: 200, body: channelPayload(channelOf(ctx), ctx.store.guildId) }),
  ],
  ["PATCH", "/channels/:channel", true, patchChannel],
  ["POST", "/channels/:channel/messages", true, postMessage],
  ["GET", "/channels/:channel/messages", true, history],
  [
    "GET",
    "/channels/:channel/messages/:message",
    true,
    (ctx) => ({ status: 200, body: payloadOf(ctx.store, channelMessage(ctx, channelOf(ctx))) }),
  ],
  ["PATCH", "/channels/:channel/messages/:message", true, patchMessage],
  ["DELETE", "/channels/:channel/messages/:message", true, deleteMessage],
  ["POST", "/channels/:channel/typing", true, inChannel204],
  ["POST", "/channels/:channel/messages/:message/threads", true, threadFromMessage],
  ["POST", "/channels/:channel/threads", true, threadWithoutMessage],
  ["PUT", "/channels/:channel/thread-members/@me", true, inChannel204],
  ["PUT", "/channels/:channel/messages/:message/reactions/:emoji/@me", true, reaction(true)],
  ["DELETE", "/channels/:channel/messages/:message/reactions/:emoji/@me", true, reaction(false)],
  ["POST", "/interactions/:interaction/:token/callback", false, callback],
  ["POST", "/webhooks/:app/:token", false, followup],
  ["GET", "/webhooks/:app/:token/messages/:message", false, webhookGet],
  ["PATCH", "/webhooks/:app/:token/messages/:message", false, webhookEdit],
  ["DELETE", "/webhooks/:app/:token/messages/:message", false, webhookDelete],
];

const routes: Route[] = routeTable.map(([method, template, auth, handler]) => ({
  method,
  template,
  segments: template.split("/").slice(1),
  auth,
  handler,
}));

function match(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | null {
  const parts = path.split("/").slice(1);
  for (const route of routes) {
    if (route.method !== method || route.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    route.segments.forEach((segment, i) => {
      const part = parts[i] as string;
      if (segment.startsWith(":")) params[segment.slice(1)] = decodeURIComponent(part);
      else if (segment !== part) ok = false;
    });
    // A literal segment (e.g. @me) beats a parameter: the table lists literals first.
    if (ok) return { route, params };
  }
  return null;
}

/** A `failNext` pattern: `"POST /channels/:id/messages"`, a path template, or a RegExp. */
export function failRule(
  pattern: string | RegExp,
  status: number,
  body: unknown,
  times: number,
): FailRule {
  if (pattern instanceof RegExp) return { method: null, pattern, status, body, remaining: times };
  const [first, ...rest] = pattern.trim().split(/\s+/);
  const hasMethod = rest.length > 0;
  const template = hasMethod ? rest.join(" ") : (first as string);
  const source = template
    .split("/")
    .map((segment) =>
      segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("/");
  return {
    method: hasMethod ? (first as string).toUpperCase() : null,
    pattern: new RegExp(`^${source}$`),
    status,
    body,
    remaining: times,
  };
}

function defaultFailBody(status: number): Json {
  if (status === 429)
    return { message: "You are being rate limited.", retry_after: 0.05, global: false };
  return { message: `${status}: injected failure`, code: 0 };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function redactHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : value;
    headers[key] = key === "authorization" ? `${text.split(" ")[0] ?? ""} [redacted]` : text;
  }
  return headers;
}

function messageOf(route: string, body: Json): Json | undefined {
  if (route === "POST /interactions/:interaction/:token/callback") {
    return (body.type === 4 || body.type === 7) && isObject(body.data) ? body.data : undefined;
  }
  const writes = [
    "POST /channels/:channel/messages",
    "PATCH /channels/:channel/messages/:message",
    "POST /webhooks/:app/:token",
    "PATCH /webhooks/:app/:token/messages/:message",
  ];
  return writes.includes(route) ? body : undefined;
}

function send(res: ServerResponse, answer: Answer, route: string): void {
  const bucket = Buffer.from(route).toString("hex").slice(0, 32);
  const headers: Record<string, string> = {
    "x-ratelimit-limit": "5",
    "x-ratelimit-remaining": "4",
    "x-ratelimit-reset": String((Date.now() + 1000) / 1000),
    "x-ratelimit-reset-after": "1.000",
    "x-ratelimit-bucket": bucket,
    via: "1.1 google",
    ...answer.headers,
  };
  if (answer.status === 204 || answer.body === undefined) {
    res.writeHead(answer.status, headers);
    res.end();
    return;
  }
  res.writeHead(answer.status, { ...headers, "content-type": "application/json" });
  res.end(JSON.stringify(answer.body));
}

export async function handleApiRequest(
  store: Store,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const method = (req.method ?? "GET").toUpperCase();
  const raw = await readBody(req);
  const headers = redactHeaders(req);
  let apiPath = url.pathname;
  const versioned = /^\/api\/v(\d+)(\/.*)$/.exec(apiPath);
  if (versioned) apiPath = versioned[2] as string;
  else apiPath = apiPath.replace(/^\/api/, "");

  let json: Json = {};
  let files: UploadedFile[] = [];
  let body: unknown;
  const type = req.headers["content-type"] ?? "";
  let parseError: string | null = null;
  if (raw.length > 0) {
    if (type.startsWith("multipart/form-data")) {
      const parts = parseMultipart(raw, type);
      files = parts.files;
      let payload: unknown = {};
      try {
        payload =
          parts.fields.payload_json === undefined ? {} : JSON.parse(parts.fields.payload_json);
      } catch {
        parseError = "payload_json is not JSON";
      }
      json = isObject(payload) ? payload : {};
      body = {
        payload_json: payload,
        files: files.map((f) => ({
          name: f.name,
          contentType: f.contentType,
          size: f.size,
          data: f.data,
          field: f.field,
        })),
      };
    } else {
      const text = raw.toString("utf8");
      try {
        body = JSON.parse(text);
        if (isObject(body)) json = body;
      } catch {
        body = text;
        parseError = "body is not JSON";
      }
      if (!type.startsWith("application/json"))
        parseError = `content-type ${type || "(none)"} is not application/json`;
    }
  }
  const matched = match(method, apiPath);
  const request: RecordedRequest = {
    method,
    path: apiPath,
    route: matched ? `${method} ${matched.route.template}` : "unhandled",
    query: Object.fromEntries(url.searchParams),
    headers,
    body,
    at: store.now(),
    status: 0,
    response: undefined,
  };
  const message = matched ? messageOf(request.route, json) : undefined;
  if (message) request.message = message;
  store.requests.push(request);
  store.changes.notify();

  const finish = (answer: Answer) => {
    request.status = answer.status;
    request.response = answer.body;
    store.changes.notify();
    send(res, answer, request.route);
  };
  const violation = (text: string) => {
    store.violations.push(`${method} ${apiPath}: ${text}`);
    store.changes.notify();
  };

  const rule = store.failRules.find(
    (r) => r.remaining > 0 && (r.method === null || r.method === method) && r.pattern.test(apiPath),
  );
  if (rule) {
    rule.remaining -= 1;
    request.injected = true;
    const failBody = rule.body ?? defaultFailBody(rule.status);
    const retryAfter =
      isObject(failBody) && typeof failBody.retry_after === "number" ? failBody.retry_after : 0.05;
    finish({
      status: rule.status,
      body: failBody,
      headers:
        rule.status === 429
          ? { "retry-after": String(retryAfter), "x-ratelimit-scope": "user" }
          : {},
    });
    return;
  }
  if (versioned?.[1] !== "10") {
    violation(`API version ${versioned?.[1] ?? "(none)"} instead of v10`);
  }
  if (!matched) {
    violation(`unhandled route ${method} ${apiPath}`);
    finish({ status: 404, body: { message: "404: Not Found", code: 0 } });
    return;
  }
  if (!(headers["user-agent"] ?? "").startsWith("DiscordBot")) {
    violation(`User-Agent ${headers["user-agent"] ?? "(none)"} does not start with DiscordBot`);
  }
  if (parseError) {
    violation(parseError);
    finish({ status: 400, body: { message: "400: Bad Request", code: 50109 } });
    return;
  }
  if (matched.route.auth) {
    const auth = req.headers.authorization ?? "";
    const [scheme, token] = auth.split(" ");
    if (scheme !== "Bot" || !token || (store.token !== undefined && token !== store.token)) {
      violation(`${request.route} without a valid "Bot <token>" Authorization header`);
      finish({ status: 401, body: { message: "401: Unauthorized", code: 0 } });
      return;
    }
  }
  try {
    finish(matched.route.handler({ store, request, params: matched.params, json, files }));
  } catch (error) {
    if (error instanceof DiscordError) {
      if (error.violation) violation(error.violation);
      finish({ status: error.status, body: error.body });
      return;
    }
    violation(`fake Discord crashed: ${error instanceof Error ? error.stack : String(error)}`);
    finish({ status: 500, body: { message: "500: Internal Server Error", code: 0 } });
  }
}

/** GET /attachments/:message/:attachment/:name serves uploaded bytes back, like Discord's CDN. */
export function handleAttachment(store: Store, path: string, res: ServerResponse): void {
  const [, , messageId, attachmentId] = path.split("/");
  const message = store.messages.get(messageId ?? "");
  const attachment = message?.attachments.find((a) => a.id === attachmentId);
  if (!attachment) {
    res.writeHead(404);
    res.end();
    return;
  }
  res.writeHead(200, { "content-type": attachment.contentType || "application/octet-stream" });
  res.end(attachment.data);
}
