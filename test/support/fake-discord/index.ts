/**
 * A fake Discord (REST API v10 + gateway) on 127.0.0.1 for tests that run the real discord.js 14
 * `Client` (pass `rest: { api: fake.apiUrl }`, or DISCORD_API_URL for the bot).
 *
 * It records every REST request (`requests`) and ENFORCES what Discord enforces: each broken rule
 * is pushed to `violations` (tests assert it stays empty) AND answered with Discord's real status,
 * code and JSON, so the client sees what Discord would do:
 * - interactions: a callback within `interactionDeadlineMs` (3 s) of dispatch, else 404 10062
 *   (an interaction never answered is a violation too); one callback only, else 400 40060; callback
 *   types valid for the interaction (8 only for autocomplete, 6/7 only for components…);
 *   webhook followups/edits only after a callback and for 15 minutes (10015 / 50027); the first
 *   followup after a deferral fills the loading message, as on Discord;
 * - messages (channel, callback 4/7, webhook): content ≤ 2000; ≤ 10 embeds; title ≤ 256,
 *   description ≤ 4096, ≤ 25 fields, field name ≤ 256 / value ≤ 1024 (both required), footer
 *   ≤ 2048, author ≤ 256, all embed text ≤ 6000; integer colour; an empty message → 50006;
 *   ≤ 5 action rows, ≤ 5 buttons or one select per row, custom_id ≤ 100 and unique, label ≤ 80,
 *   select options 1..25 with label/value ≤ 100; ≤ 10 files, ≤ 10 MiB; valid flags
 *   (64 ephemeral only on interaction responses); `allowed_mentions` parse/users exclusivity;
 * - autocomplete results: ≤ 25 choices, name 1..100, string value ≤ 100;
 * - command registration: CHAT_INPUT names 1-32 lowercase, descriptions 1-100, ≤ 25 options,
 *   required before optional, choices ≤ 25, no choices with autocomplete, unique names;
 * - threads: name 1..100, one thread per message, only in text channels; history `limit` 1..100;
 * - REST: v10, `Authorization: Bot …` (not on interaction/webhook routes), DiscordBot User-Agent;
 *   an unknown route → 404 and an "unhandled route" violation;
 * - gateway: v=10 & encoding=json, IDENTIFY/RESUME once per connection, known intents, privileged
 *   intents only when allowed, RESUME with a valid session/seq (else op 9 / 4007). Dispatches obey
 *   intents: GUILD_CREATE/THREAD_CREATE need Guilds, MESSAGE_CREATE needs GuildMessages, and its
 *   content is empty without MessageContent unless the bot is mentioned.
 * Every message records its `allowed_mentions` and who it would have pinged (`pinged`);
 * `messagesWithoutSafeMentions()` lists message-writing requests whose `allowed_mentions` is
 * missing or parses anything.
 */
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createGateway, type GatewayStats, INTENTS } from "./gateway.js";
import { asArray, isObject, type Json } from "./limits.js";
import { ALL_PERMISSIONS, channelPayload, guildCreatePayload, memberPayload } from "./payloads.js";
import {
  createMessage,
  failRule,
  handleApiRequest,
  handleAttachment,
  type InteractionEvent,
  type InteractionRecord,
  messageCreateEvent,
  type RecordedRequest,
  type Store,
  startThreadFromMessage,
} from "./rest.js";
import {
  Changes,
  type FakeChannel,
  type FakeUser,
  interactionToken,
  type RecordedMessage,
  type RegisteredCommand,
  snowflake,
} from "./state.js";

export type { GatewayStats } from "./gateway.js";
export { INTENTS } from "./gateway.js";
export type { Issue, Json } from "./limits.js";
export { LIMITS } from "./limits.js";
export type { InteractionEvent, RecordedRequest } from "./rest.js";
export type {
  FakeChannel,
  FakeUser,
  Pinged,
  RecordedAttachment,
  RecordedMessage,
} from "./state.js";

export interface FakeDiscordOptions {
  readonly applicationId?: string;
  readonly botUser?: { id: string; username: string };
  /** Time a client has to answer an interaction (default 3000, Discord's). */
  readonly interactionDeadlineMs?: number;
  /** How long an interaction token's webhook lives (default 15 minutes). */
  readonly interactionTokenTtlMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly guildId?: string;
  /** When set, REST and IDENTIFY must use exactly this token. */
  readonly token?: string;
  /** Privileged intents the application has enabled (default: all three). */
  readonly privilegedIntents?: number;
  /** Port to listen on (default 0: any free port). */
  readonly port?: number;
  /** Clock for deadlines and timestamps (default Date.now). */
  readonly now?: () => number;
}

export interface InteractionResponse {
  /** Callback type: 1 pong, 4 message, 5 deferred, 6 deferred update, 7 update, 8 autocomplete, 9 modal. */
  readonly type: number;
  readonly data: Json | undefined;
  readonly at: number;
}

export interface InteractionHandle {
  readonly id: string;
  readonly token: string;
  /** The accepted initial callback; rejects if none arrived within the deadline. */
  response(): Promise<InteractionResponse>;
  /** Every callback, followup, edit and delete the bot made for it, in order (rejected ones too, `ok: false`). */
  readonly responses: readonly InteractionEvent[];
  /** The current state of the original response message (undefined before one exists). */
  original(): RecordedMessage | undefined;
  followups(): RecordedMessage[];
  /** Resolves with the first event (past or future) matching `predicate`. */
  waitFor(
    predicate: (event: InteractionEvent) => boolean,
    timeoutMs?: number,
  ): Promise<InteractionEvent>;
  /** Resolves once the original response exists and matches `predicate` (default: not loading). */
  waitForOriginal(
    predicate?: (message: RecordedMessage) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedMessage>;
}

export interface InteractionOptions {
  readonly userId?: string;
  readonly channelId?: string;
  readonly locale?: string;
  /** Role ids of the member. */
  readonly roles?: string[];
}

export interface SlashOptions extends InteractionOptions {
  readonly subcommand?: string;
  readonly group?: string;
}

export type OptionValue =
  | string
  | number
  | boolean
  | { value: string | number | boolean; focused?: boolean };

export interface FakeDiscord {
  /** `http://127.0.0.1:PORT/api`: discord.js `rest: { api }` / DISCORD_API_URL. */
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  readonly applicationId: string;
  readonly botUser: FakeUser;
  readonly guildId: string;
  /** The default text channel (`general`). */
  readonly channelId: string;
  /** The default human user interactions and messages come from. */
  readonly user: FakeUser;
  readonly requests: RecordedRequest[];
  readonly violations: string[];
  readonly gateway: GatewayStats;
  readonly commands: { global: RegisteredCommand[]; guild: RegisteredCommand[] };
  waitForReady(timeoutMs?: number): Promise<void>;
  /** Resolves once the gateway has seen `count` IDENTIFYs in total (a restart, a new session). */
  waitForIdentify(count?: number, timeoutMs?: number): Promise<void>;
  /** Resolves once the gateway has seen `count` successful RESUMEs in total. */
  waitForResume(count?: number, timeoutMs?: number): Promise<void>;
  addUser(user: { id?: string; username: string }): FakeUser;
  createChannel(name: string, opts?: { id?: string }): FakeChannel;
  /** A thread a user started: from `fromMessageId` (public, id = message id) or standalone. */
  createThread(
    parentId: string,
    name: string,
    opts?: { fromMessageId?: string; ownerId?: string; type?: 11 | 12 },
  ): FakeChannel;
  channel(id: string): FakeChannel | undefined;
  slashCommand(
    name: string,
    options?: Record<string, OptionValue>,
    opts?: SlashOptions,
  ): Promise<InteractionHandle>;
  autocomplete(
    name: string,
    focusedOption: string,
    value: string,
    otherOptions?: Record<string, OptionValue>,
    opts?: SlashOptions,
  ): Promise<InteractionHandle>;
  button(
    customId: string,
    message: RecordedMessage | { id: string; channelId: string },
    opts?: InteractionOptions,
  ): Promise<InteractionHandle>;
  selectMenu(
    customId: string,
    values: string[],
    message: RecordedMessage | { id: string; channelId: string },
    opts?: InteractionOptions,
  ): Promise<InteractionHandle>;
  messageContextMenu(
    name: string,
    target: { id?: string; content: string; authorId?: string },
    opts?: InteractionOptions,
  ): Promise<InteractionHandle>;
  modalSubmit(
    customId: string,
    fields: Record<string, string>,
    opts?: InteractionOptions & { message?: RecordedMessage },
  ): Promise<InteractionHandle>;
  userMessage(
    content: string,
    opts?: { userId?: string; channelId?: string; mentionsBot?: boolean; replyTo?: string },
  ): Promise<RecordedMessage>;
  /** Messages the bot wrote (current state; deleted ones left out), optionally in one channel. */
  messages(channelId?: string): RecordedMessage[];
  /** Every message, users' and deleted ones included. */
  allMessages(channelId?: string): RecordedMessage[];
  message(id: string): RecordedMessage | undefined;
  waitForRequest(
    predicate: (r: RecordedRequest) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedRequest>;
  waitForMessage(
    predicate: (m: RecordedMessage) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedMessage>;
  /** Message-writing requests whose `allowed_mentions` is absent or parses anything or lists ids. */
  messagesWithoutSafeMentions(): RecordedRequest[];
  /** The next `times` (default 1) requests matching answer `status` (429 adds retry-after). */
  failNext(route: string | RegExp, status: number, body?: unknown, times?: number): void;
  /** Closes the gateway socket (default 4000, resumable; 1006 = abrupt, no close frame). */
  dropConnection(code?: number): void;
  /** op 9 (not resumable): the client must IDENTIFY again. */
  invalidateSession(): void;
  /** op 7: the client must reconnect and RESUME. */
  requestReconnect(): void;
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT = 10_000;

function isSafeMentions(message: Json): boolean {
  const allowed = message.allowed_mentions;
  if (!isObject(allowed)) return false;
  return (
    asArray(allowed.parse).length === 0 &&
    asArray(allowed.users).length === 0 &&
    asArray(allowed.roles).length === 0
  );
}

/** A new, empty guild text channel (type 0). */
function textChannel(id: string, name: string, createdAt: number): FakeChannel {
  return {
    id,
    type: 0,
    name,
    parentId: null,
    ownerId: null,
    archived: false,
    locked: false,
    messageCount: 0,
    lastMessageId: null,
    createdAt,
  };
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const now = options.now ?? Date.now;
  const applicationId = options.applicationId ?? "1300000000000000001";
  const guildId = options.guildId ?? "1300000000000000100";
  const botUser: FakeUser = {
    id: options.botUser?.id ?? applicationId,
    username: options.botUser?.username ?? "michi",
    bot: true,
  };
  const human: FakeUser = { id: "1300000000000000200", username: "alice" };
  const owner: FakeUser = { id: "1300000000000000300", username: "app-owner" };
  const general = textChannel("1300000000000000400", "general", now());
  const changes = new Changes();
  const store: Store = {
    applicationId,
    guildId,
    botUser,
    owner,
    token: options.token,
    interactionDeadlineMs: options.interactionDeadlineMs ?? 3000,
    interactionTtlMs: options.interactionTokenTtlMs ?? 15 * 60_000,
    now,
    joinedAt: now(),
    users: new Map([
      [botUser.id, botUser],
      [human.id, human],
      [owner.id, owner],
    ]),
    channels: new Map([[general.id, general]]),
    messages: new Map(),
    interactions: new Map(),
    globalCommands: [],
    guildCommands: [],
    requests: [],
    violations: [],
    failRules: [],
    changes,
    baseUrl: "",
    gatewayUrl: "",
    dispatch: () => false,
  };

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    if (path.startsWith("/attachments/")) {
      handleAttachment(store, path, res);
      return;
    }
    handleApiRequest(store, req, res).catch((error: unknown) => {
      store.violations.push(`fake Discord crashed: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  const members = () => [memberPayload(botUser, store.joinedAt)];
  const gateway = createGateway(server, {
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    applicationId,
    botUser,
    guildId,
    privilegedIntents:
      options.privilegedIntents ??
      INTENTS.GuildMembers | INTENTS.GuildPresences | INTENTS.MessageContent,
    token: options.token,
    guildCreate: () =>
      guildCreatePayload({
        guildId,
        ownerId: owner.id,
        bot: botUser,
        joinedAt: store.joinedAt,
        channels: [...store.channels.values()],
        members: members(),
      }),
    violation: (message) => {
      store.violations.push(message);
      changes.notify();
    },
    changes,
    port: () => (server.address() as AddressInfo).port,
  });
  store.dispatch = (t, d, intent) => gateway.dispatch(t, d, intent);

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  store.baseUrl = `http://127.0.0.1:${port}`;
  store.gatewayUrl = `ws://127.0.0.1:${port}/gateway`;

  // ------------------------------------------------------------ interactions

  function userOf(id: string | undefined): FakeUser {
    if (id === undefined) return human;
    const known = store.users.get(id);
    if (known) return known;
    const created: FakeUser = { id, username: `user${id.slice(-4)}` };
    store.users.set(id, created);
    return created;
  }

  function channelOf(id: string | undefined): FakeChannel {
    const channel = store.channels.get(id ?? general.id);
    if (!channel) throw new Error(`fake Discord: unknown channel ${id}`);
    return channel;
  }

  function handleOf(record: InteractionRecord): InteractionHandle {
    const original = () =>
      record.originalMessageId === null ? undefined : store.messages.get(record.originalMessageId);
    return {
      id: record.id,
      token: record.token,
      responses: record.events,
      response: () =>
        changes.waitFor(
          () => {
            if (record.ackType !== null) {
              return { type: record.ackType, data: record.ackData, at: record.ackAt ?? 0 };
            }
            if (record.expired) {
              throw new Error(
                `fake Discord: interaction ${record.id} (${record.name}) was not acknowledged within ${store.interactionDeadlineMs} ms`,
              );
            }
            return undefined;
          },
          store.interactionDeadlineMs + DEFAULT_TIMEOUT,
          `the callback of interaction ${record.name}`,
        ),
      original,
      followups: () =>
        record.followupIds
          .map((id) => store.messages.get(id))
          .filter((m): m is RecordedMessage => m !== undefined && !m.deleted),
      waitFor: (predicate, timeoutMs = DEFAULT_TIMEOUT) =>
        changes.waitFor(
          () => record.events.find(predicate),
          timeoutMs,
          `an event of interaction ${record.name}`,
        ),
      waitForOriginal: (predicate = (m) => (m.flags & 128) === 0, timeoutMs = DEFAULT_TIMEOUT) =>
        changes.waitFor(
          () => {
            const message = original();
            return message && predicate(message) ? message : undefined;
          },
          timeoutMs,
          `the original response of interaction ${record.name}`,
        ),
    };
  }

  async function dispatchInteraction(init: {
    type: number;
    name: string;
    data: Json;
    opts: InteractionOptions | undefined;
    message?: RecordedMessage;
  }): Promise<InteractionHandle> {
    if (!gateway.hasSession())
      throw new Error("fake Discord: no identified gateway session to send the interaction to");
    const user = userOf(init.opts?.userId);
    const channel = channelOf(init.opts?.channelId ?? init.message?.channelId);
    const id = snowflake(now());
    const record: InteractionRecord = {
      id,
      token: interactionToken(),
      type: init.type,
      name: init.name,
      channelId: channel.id,
      userId: user.id,
      dispatchedAt: now(),
      componentMessageId: init.message?.id ?? null,
      ackType: null,
      ackData: undefined,
      ackAt: null,
      expired: false,
      originalMessageId: null,
      followupIds: [],
      events: [],
      timer: null,
    };
    store.interactions.set(id, record);
    // Discord tells the user "The application did not respond"; here it is a violation.
    record.timer = setTimeout(() => {
      if (record.ackType === null) {
        record.expired = true;
        store.violations.push(
          `interaction ${record.id} (${record.name}) was not acknowledged within ${store.interactionDeadlineMs} ms`,
        );
        changes.notify();
      }
    }, store.interactionDeadlineMs + 20);
    record.timer.unref();
    const payload: Json = {
      id,
      application_id: applicationId,
      type: init.type,
      data: init.data,
      guild_id: guildId,
      guild: { id: guildId, locale: "ja", features: [] },
      channel_id: channel.id,
      channel: channelPayload(channel, guildId),
      member: {
        ...memberPayload(user, store.joinedAt, init.opts?.roles ?? []),
        permissions: ALL_PERMISSIONS,
      },
      token: record.token,
      version: 1,
      app_permissions: ALL_PERMISSIONS,
      locale: init.opts?.locale ?? "ja",
      guild_locale: "ja",
      entitlements: [],
      authorizing_integration_owners: { "0": guildId },
      context: 0,
      attachment_size_limit: 10 * 1024 * 1024,
    };
    if (init.message) {
      payload.message = messageCreateEvent(store, init.message, 0xffffffff);
      delete (payload.message as Json).member;
    }
    gateway.dispatch("INTERACTION_CREATE", payload);
    return handleOf(record);
  }

  function findCommand(name: string, type: number): RegisteredCommand | undefined {
    return [...store.guildCommands, ...store.globalCommands].find(
      (c) => c.name === name && c.type === type,
    );
  }

  function inferType(value: string | number | boolean): number {
    if (typeof value === "boolean") return 5;
    if (typeof value === "number") return Number.isInteger(value) ? 4 : 10;
    return 3;
  }

  function buildOptions(
    values: Record<string, OptionValue>,
    schema: unknown[],
    focused?: string,
  ): Json[] {
    return Object.entries(values).map(([name, raw]) => {
      const value = typeof raw === "object" ? raw.value : raw;
      const declared = schema.find((o) => isObject(o) && o.name === name);
      const type =
        isObject(declared) && typeof declared.type === "number" ? declared.type : inferType(value);
      const isFocused = name === focused || (typeof raw === "object" && raw.focused === true);
      return { name, type, value, ...(isFocused ? { focused: true } : {}) };
    });
  }

  function commandData(
    name: string,
    values: Record<string, OptionValue>,
    opts: SlashOptions | undefined,
    focused?: string,
  ): Json {
    const command = findCommand(name, 1);
    let schema = asArray(command?.options);
    const path: Array<{ name: string; type: number }> = [];
    if (opts?.group) {
      path.push({ name: opts.group, type: 2 });
      const group = schema.find((o) => isObject(o) && o.name === opts.group);
      schema = isObject(group) ? asArray(group.options) : [];
    }
    if (opts?.subcommand) {
      path.push({ name: opts.subcommand, type: 1 });
      const sub = schema.find((o) => isObject(o) && o.name === opts.subcommand);
      schema = isObject(sub) ? asArray(sub.options) : [];
    }
    let options: Json[] = buildOptions(values, schema, focused);
    for (const level of path.reverse()) options = [{ ...level, options }];
    return {
      id: command?.id ?? snowflake(now()),
      name,
      type: 1,
      ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
      options,
    };
  }

  function storedMessage(
    message: RecordedMessage | { id: string; channelId: string },
  ): RecordedMessage {
    const stored = store.messages.get(message.id);
    if (!stored || stored.deleted)
      throw new Error(`fake Discord: no message ${message.id} to interact with`);
    return stored;
  }

  function findComponent(message: RecordedMessage, customId: string): Json | undefined {
    for (const row of message.components) {
      for (const child of asArray(row.components)) {
        if (isObject(child) && child.custom_id === customId) return child;
      }
    }
    return undefined;
  }

  function addThread(
    parentId: string,
    name: string,
    opts: { fromMessageId?: string; ownerId?: string; type?: 11 | 12 } = {},
  ): FakeChannel {
    const parent = channelOf(parentId);
    const ownerId = opts.ownerId ?? human.id;
    if (opts.fromMessageId) {
      const message = store.messages.get(opts.fromMessageId);
      if (!message) throw new Error(`fake Discord: no message ${opts.fromMessageId}`);
      return startThreadFromMessage(store, parent, message, name, ownerId);
    }
    const thread: FakeChannel = {
      id: snowflake(now()),
      type: opts.type ?? 11,
      name,
      parentId: parent.id,
      ownerId,
      archived: false,
      locked: false,
      messageCount: 0,
      lastMessageId: null,
      createdAt: now(),
    };
    store.channels.set(thread.id, thread);
    gateway.dispatch(
      "THREAD_CREATE",
      { ...channelPayload(thread, guildId), newly_created: true },
      INTENTS.Guilds,
    );
    changes.notify();
    return thread;
  }

  const fake: FakeDiscord = {
    apiUrl: `${store.baseUrl}/api`,
    gatewayUrl: store.gatewayUrl,
    applicationId,
    botUser,
    guildId,
    channelId: general.id,
    user: human,
    requests: store.requests,
    violations: store.violations,
    gateway: gateway.stats,
    commands: { global: store.globalCommands, guild: store.guildCommands },
    async waitForReady(timeoutMs = DEFAULT_TIMEOUT) {
      await changes.waitFor(
        () => (gateway.readyCount() > 0 ? true : undefined),
        timeoutMs,
        "a client to IDENTIFY",
      );
    },
    async waitForIdentify(count = 1, timeoutMs = DEFAULT_TIMEOUT) {
      await changes.waitFor(
        () => (gateway.stats.identifies >= count ? true : undefined),
        timeoutMs,
        `${count} IDENTIFY(s)`,
      );
    },
    async waitForResume(count = 1, timeoutMs = DEFAULT_TIMEOUT) {
      await changes.waitFor(
        () => (gateway.stats.resumes >= count ? true : undefined),
        timeoutMs,
        `${count} RESUME(s)`,
      );
    },
    addUser(user) {
      const created: FakeUser = { id: user.id ?? snowflake(now()), username: user.username };
      store.users.set(created.id, created);
      return created;
    },
    createChannel(name, opts = {}) {
      const channel = textChannel(opts.id ?? snowflake(now()), name, now());
      store.channels.set(channel.id, channel);
      gateway.dispatch("CHANNEL_CREATE", channelPayload(channel, guildId), INTENTS.Guilds);
      changes.notify();
      return channel;
    },
    createThread: addThread,
    channel: (id) => store.channels.get(id),
    async slashCommand(name, options = {}, opts) {
      return dispatchInteraction({ type: 2, name, data: commandData(name, options, opts), opts });
    },
    async autocomplete(name, focusedOption, value, otherOptions = {}, opts) {
      return dispatchInteraction({
        type: 4,
        name,
        data: commandData(name, { ...otherOptions, [focusedOption]: value }, opts, focusedOption),
        opts,
      });
    },
    async button(customId, message, opts) {
      const stored = storedMessage(message);
      const component = findComponent(stored, customId);
      if (component?.type !== 2) {
        throw new Error(`fake Discord: message ${stored.id} has no button ${customId}`);
      }
      if (component.disabled === true)
        throw new Error(`fake Discord: button ${customId} is disabled`);
      return dispatchInteraction({
        type: 3,
        name: customId,
        data: { custom_id: customId, component_type: 2 },
        opts,
        message: stored,
      });
    },
    async selectMenu(customId, values, message, opts) {
      const stored = storedMessage(message);
      const component = findComponent(stored, customId);
      if (!component || component.type === 2) {
        throw new Error(`fake Discord: message ${stored.id} has no select menu ${customId}`);
      }
      if (component.disabled === true)
        throw new Error(`fake Discord: select menu ${customId} is disabled`);
      const min = typeof component.min_values === "number" ? component.min_values : 1;
      const max = typeof component.max_values === "number" ? component.max_values : 1;
      if (values.length < min || values.length > max) {
        throw new Error(
          `fake Discord: select ${customId} takes ${min}..${max} values, not ${values.length}`,
        );
      }
      const offered = asArray(component.options).map((o) => (isObject(o) ? o.value : undefined));
      for (const value of values) {
        if (component.type === 3 && !offered.includes(value)) {
          throw new Error(`fake Discord: select ${customId} offers no value ${value}`);
        }
      }
      return dispatchInteraction({
        type: 3,
        name: customId,
        data: { custom_id: customId, component_type: component.type, values },
        opts,
        message: stored,
      });
    },
    async messageContextMenu(name, target, opts) {
      const existing = target.id ? store.messages.get(target.id) : undefined;
      const channel = channelOf(opts?.channelId);
      const message =
        existing ??
        createMessage(store, {
          channelId: channel.id,
          author: userOf(target.authorId),
          fromBot: false,
          type: 0,
          body: { content: target.content },
          files: [],
          ephemeral: false,
        });
      const command = findCommand(name, 3);
      return dispatchInteraction({
        type: 2,
        name,
        data: {
          id: command?.id ?? snowflake(now()),
          name,
          type: 3,
          target_id: message.id,
          resolved: { messages: { [message.id]: messageCreateEvent(store, message, 0xffffffff) } },
        },
        opts: { ...opts, channelId: message.channelId },
      });
    },
    async modalSubmit(customId, fields, opts) {
      return dispatchInteraction({
        type: 5,
        name: customId,
        data: {
          custom_id: customId,
          components: Object.entries(fields).map(([id, value]) => ({
            type: 1,
            components: [{ type: 4, custom_id: id, value }],
          })),
        },
        opts,
        ...(opts?.message ? { message: opts.message } : {}),
      });
    },
    async userMessage(content, opts = {}) {
      const channel = channelOf(opts.channelId);
      const author = userOf(opts.userId);
      const mention = `<@${botUser.id}>`;
      const text =
        opts.mentionsBot && !content.includes(mention) ? `${mention} ${content}` : content;
      const message = createMessage(store, {
        channelId: channel.id,
        author,
        fromBot: false,
        type: opts.replyTo ? 19 : 0,
        body: {
          content: text,
          ...(opts.replyTo
            ? {
                message_reference: {
                  message_id: opts.replyTo,
                  channel_id: channel.id,
                  guild_id: guildId,
                },
              }
            : {}),
        },
        files: [],
        ephemeral: false,
      });
      gateway.dispatch(
        "MESSAGE_CREATE",
        (intents: number) => messageCreateEvent(store, message, intents),
        INTENTS.GuildMessages,
      );
      return message;
    },
    messages: (channelId) =>
      [...store.messages.values()].filter(
        (m) => m.fromBot && !m.deleted && (channelId === undefined || m.channelId === channelId),
      ),
    allMessages: (channelId) =>
      [...store.messages.values()].filter(
        (m) => channelId === undefined || m.channelId === channelId,
      ),
    message: (id) => store.messages.get(id),
    waitForRequest: (predicate, timeoutMs = DEFAULT_TIMEOUT) =>
      changes.waitFor(
        () => store.requests.find((r) => r.status !== 0 && predicate(r)),
        timeoutMs,
        "a matching request",
      ),
    waitForMessage: (predicate, timeoutMs = DEFAULT_TIMEOUT) =>
      changes.waitFor(
        () => [...store.messages.values()].find((m) => m.fromBot && !m.deleted && predicate(m)),
        timeoutMs,
        "a matching message",
      ),
    messagesWithoutSafeMentions: () =>
      store.requests.filter((r) => r.message !== undefined && !isSafeMentions(r.message)),
    failNext(route, status, body, times = 1) {
      store.failRules.push(failRule(route, status, body, times));
    },
    dropConnection: (code) => gateway.dropConnection(code),
    invalidateSession: () => gateway.invalidateSession(),
    requestReconnect: () => gateway.requestReconnect(),
    async close() {
      for (const record of store.interactions.values())
        if (record.timer) clearTimeout(record.timer);
      await gateway.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
