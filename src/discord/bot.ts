/**
 * The Discord bot: one discord.js Client wired to the app. Interactions are dispatched to the
 * command and component modules; every one is rate-limited per user, checked for ownership when
 * it changes notes, logged (id, command, user, ms, outcome) and, should it fail, answered with
 * an ephemeral apology instead of crashing anything. The bot also chats in threads, posts the
 * weekly digest and watches the notes folder while it runs.
 */
import {
  type AutocompleteInteraction,
  Client,
  type ClientOptions,
  Events,
  GatewayIntentBits,
  type Interaction,
  type Message,
  type RepliableInteraction,
} from "discord.js";
import type { App } from "../app.js";
import type { Config } from "../config.js";
import { MichiError } from "../errors.js";
import { openFeedback } from "../learning/feedback.js";
import type { Logger } from "../logger.js";
import { type ChatHandler, createChatHandler } from "./chat.js";
import { findCommand } from "./commands/index.js";
import { findComponent } from "./components/index.js";
import type { BotContext } from "./context.js";
import { createDigestScheduler, type DigestScheduler } from "./digest-schedule.js";
import { COLORS, noticeMessage } from "./embeds.js";
import { createPendingChoices } from "./pending.js";
import { createRateLimiter, type RateLimitOptions } from "./rate-limit.js";
import { REFUSALS } from "./refusals.js";
import { replyLanguage } from "./reply-language.js";
import { SAFE_MENTIONS, toReply } from "./send.js";
import { createNotesWatcher, type NotesWatcher } from "./watcher.js";

export interface BotOptions {
  readonly config: Config;
  readonly app: App;
  readonly logger: Logger;
  /**
   * The clock of the digest schedule and preview, feedback and select-menu expiry (learning
   * events follow the app's own clock, `AppDeps.now`).
   */
  readonly now?: () => Date;
  /** Watch the notes folder (default true). */
  readonly watch?: boolean;
  /** Post the digest on its schedule (default: when MICHI_DIGEST_CHANNEL_ID is set). */
  readonly schedule?: boolean;
  readonly rateLimit?: RateLimitOptions;
  /** Debounce of the notes watcher. */
  readonly watchDebounceMs?: number;
}

export interface Bot {
  readonly client: Client;
  readonly context: BotContext;
  /** Logs in, waits for the gateway, indexes, starts the watcher and the digest schedule. */
  start(): Promise<void>;
  /** Stops taking work, lets the work under way finish, closes the app, destroys the client. */
  stop(): Promise<void>;
  /** Posts the digest of the period due at `at` (default now) unless it was posted already. */
  postDueDigest(at?: Date): Promise<"posted" | "already" | "disabled">;
  /** Resolves when no interaction or message is being handled (tests). */
  idle(): Promise<void>;
}

/** The fewest intents that work: message events only when michi chats in channels. */
function botIntents(config: Config): GatewayIntentBits[] {
  const intents = [GatewayIntentBits.Guilds];
  if (config.discord.chatChannelIds.length > 0) {
    intents.push(GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent);
  }
  return intents;
}

function clientOptions(config: Config): ClientOptions {
  return {
    intents: botIntents(config),
    allowedMentions: SAFE_MENTIONS,
    rest: { api: config.discord.apiUrl },
  };
}

const SHUTDOWN_GRACE_MS = 20_000;

export function createBot(options: BotOptions): Bot {
  const { config, app, logger } = options;
  const now = options.now ?? (() => new Date());
  const client = new Client(clientOptions(config));
  const limiter = createRateLimiter({ ...options.rateLimit });
  const owners = new Set(config.discord.ownerIds);
  let watcher: NotesWatcher | null = null;
  let scheduler: DigestScheduler | null = null;
  let closing = false;
  const inFlight = new Set<Promise<unknown>>();

  const context: BotContext = {
    app,
    config,
    logger,
    now,
    isOwner: (userId) => owners.has(userId),
    watching: () => watcher !== null,
    feedback: async () => openFeedback((await app.history()).db),
    pending: createPendingChoices(() => +now()),
  };
  const chat: ChatHandler = createChatHandler(context, client, limiter);

  /** Runs `work` as tracked work, so shutdown can wait for it. */
  const track = (work: Promise<unknown>) => {
    const p = work.finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  client.on(Events.InteractionCreate, (interaction) => {
    track(handleInteraction(interaction));
  });
  client.on(Events.MessageCreate, (message: Message) => {
    if (closing) return;
    track(
      chat.handle(message).catch((error: unknown) => {
        logger.error({ err: error, message: message.id }, "chat message failed");
      }),
    );
  });
  client.on(Events.ShardDisconnect, (event, shard) =>
    logger.warn({ shard, code: event.code }, "gateway disconnected"),
  );
  client.on(Events.ShardReconnecting, (shard) => logger.info({ shard }, "gateway reconnecting"));
  client.on(Events.ShardResume, (shard, replayed) =>
    logger.info({ shard, replayed }, "gateway resumed"),
  );
  client.on(Events.Error, (error) => logger.error({ err: error }, "client error"));
  client.on(Events.Warn, (message) => logger.warn(message));

  async function handleInteraction(interaction: Interaction): Promise<void> {
    const started = Date.now();
    const name = describeInteraction(interaction);
    let outcome = "ok";
    try {
      if (interaction.isAutocomplete()) {
        outcome = await autocomplete(interaction);
      } else if (interaction.isRepliable()) {
        outcome = await dispatch(interaction);
      } else {
        outcome = "ignored";
      }
    } catch (error) {
      outcome = "error";
      logger.error(
        { err: error, interaction: interaction.id, command: name },
        "interaction failed",
      );
      if (interaction.isRepliable()) await apologize(interaction);
      // An autocomplete that failed still answers (with no choices), so Discord does not hang.
      else if (interaction.isAutocomplete() && !interaction.responded) {
        await interaction.respond([]).catch(() => undefined);
      }
    } finally {
      logger.info(
        {
          what: "interaction",
          id: interaction.id,
          command: name,
          user: interaction.user.id,
          ms: Date.now() - started,
          outcome,
        },
        "interaction",
      );
    }
  }

  async function autocomplete(interaction: AutocompleteInteraction): Promise<string> {
    const command = findCommand(interaction.commandName);
    if (command?.kind !== "slash" || !command.autocomplete || closing) {
      await interaction.respond([]);
      return "ignored";
    }
    await command.autocomplete(interaction, context);
    return "ok";
  }

  async function dispatch(interaction: RepliableInteraction): Promise<string> {
    const words = REFUSALS[replyLanguage(interaction)];
    if (closing) {
      await refuse(interaction, words.closing);
      return "closing";
    }
    let run: (() => Promise<void>) | null = null;
    let writes = false;
    if (interaction.isChatInputCommand()) {
      const command = findCommand(interaction.commandName);
      if (command?.kind === "slash") {
        writes = command.writes === true;
        run = () => command.execute(interaction, context);
      }
    } else if (interaction.isMessageContextMenuCommand()) {
      const command = findCommand(interaction.commandName);
      if (command?.kind === "message") {
        writes = command.writes === true;
        run = () => command.execute(interaction, context);
      }
    } else if (interaction.isButton() || interaction.isStringSelectMenu()) {
      const found = findComponent(interaction.customId);
      if (found) {
        writes = found.handler.writes === true;
        run = () => found.handler.execute(interaction, context, found.args);
      }
    }
    if (run === null) {
      await refuse(interaction, words.unknownCommand);
      return "unknown";
    }
    if (writes && !context.isOwner(interaction.user.id)) {
      await refuse(interaction, words.ownersOnly);
      return "refused";
    }
    if (!limiter.take(interaction.user.id)) {
      const seconds = Math.ceil(limiter.retryAfterMs(interaction.user.id) / 1000);
      await refuse(interaction, words.slowDown(seconds));
      return "rate-limited";
    }
    await run();
    return "ok";
  }

  async function refuse(interaction: RepliableInteraction, text: string): Promise<void> {
    await interaction.reply(toReply(noticeMessage(`🚫 ${text}`, COLORS.red), true));
  }

  /** An ephemeral apology; never the error itself (it may name paths or worse). */
  async function apologize(interaction: RepliableInteraction): Promise<void> {
    const message = toReply(
      noticeMessage(REFUSALS[replyLanguage(interaction)].apology(interaction.id), COLORS.red),
      true,
    );
    try {
      if (interaction.deferred || interaction.replied) await interaction.followUp(message);
      else await interaction.reply(message);
    } catch (error) {
      logger.warn({ err: error, interaction: interaction.id }, "could not send the apology");
    }
  }

  async function postDueDigest(at: Date = now()): Promise<"posted" | "already" | "disabled"> {
    if (scheduler === null) scheduler = makeScheduler();
    if (scheduler === null) return "disabled";
    return scheduler.postDue(at);
  }

  function makeScheduler(): DigestScheduler | null {
    const channelId = config.discord.digestChannelId;
    if (channelId === undefined) return null;
    return createDigestScheduler({ app, client, channelId, config, logger, now });
  }

  return {
    client,
    context,
    async start() {
      const token = config.discord.token;
      if (token === undefined) throw new MichiError("DISCORD_TOKEN is not set.");
      const ready = new Promise<void>((resolve) =>
        client.once(Events.ClientReady, () => resolve()),
      );
      try {
        await client.login(token);
      } catch (error) {
        client.destroy();
        throw new MichiError(`cannot log in to Discord: ${describeLoginError(error)}`, {
          cause: error,
        });
      }
      await ready;
      logger.info({ user: client.user?.id, intents: botIntents(config) }, "logged in");
      await app.ingest();
      await app.prepareSearch();
      if (options.watch !== false) {
        watcher = createNotesWatcher({
          notesDir: config.notesDir,
          ingest: () => app.ingest(),
          logger,
          ...(options.watchDebounceMs !== undefined ? { debounceMs: options.watchDebounceMs } : {}),
        });
        await watcher.ready;
      }
      if (options.schedule !== false) {
        scheduler = makeScheduler();
        if (scheduler !== null) {
          // A period that came due while the bot was down is posted now, once.
          track(
            scheduler.postDue(now()).catch((error: unknown) => {
              logger.error({ err: error }, "posting the missed digest failed");
            }),
          );
          scheduler.start();
        }
      }
    },
    async stop() {
      if (closing) return;
      closing = true;
      scheduler?.stop();
      await watcher?.close();
      watcher = null;
      const settled = Promise.allSettled([...inFlight]);
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SHUTDOWN_GRACE_MS);
      });
      await Promise.race([settled, grace]);
      clearTimeout(timer);
      await app.close();
      await client.destroy();
      logger.info("stopped");
    },
    postDueDigest,
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

/** The interaction as the log names it: its command, or its component's custom id prefix. */
function describeInteraction(interaction: Interaction): string {
  if (interaction.isAutocomplete()) return `${interaction.commandName} (autocomplete)`;
  if (interaction.isCommand()) return interaction.commandName;
  if (interaction.isMessageComponent()) return interaction.customId.split(":")[0] ?? "component";
  return `type ${interaction.type}`;
}

/** The reason a login failed, without the token. */
function describeLoginError(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  if (e?.code === "TokenInvalid") return "the token is invalid (DISCORD_TOKEN)";
  const message = typeof e?.message === "string" ? e.message : String(error);
  // Close code 4014: michi asks for Message Content only for chat channels.
  if (e?.code === "DisallowedIntents" || /disallowed intents/i.test(message)) {
    return "Discord refused the Message Content Intent, which chat in MICHI_CHAT_CHANNEL_IDS needs: turn it on (Developer Portal › your application › Bot › Message Content Intent), or unset MICHI_CHAT_CHANNEL_IDS";
  }
  return message.split("\n")[0]?.replace(/[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_.-]+/g, "***") ?? "";
}
