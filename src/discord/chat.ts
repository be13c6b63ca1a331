/**
 * Chat in Discord: a plain message in a chat channel (MICHI_CHAT_CHANNEL_IDS), or one that
 * mentions michi, is answered in a thread started from it; a follow-up inside that thread is
 * read with the thread's earlier turns (the app condenses it when an LLM is configured). A
 * typing indicator shows while michi works.
 */
import type { AnyThreadChannel, Client, Message, SendableChannels } from "discord.js";
import { ThreadAutoArchiveDuration } from "discord.js";
import { detectLanguage } from "../ask/language.js";
import { type ChatHistory, createChatHistory, type Turn } from "../ask/turns.js";
import { produceAnswer } from "./answer.js";
import type { BotContext } from "./context.js";
import { noticeMessage } from "./embeds.js";
import { LIMITS, truncate } from "./limits.js";
import { questionOf } from "./question.js";
import type { RateLimiter } from "./rate-limit.js";
import { REFUSALS } from "./refusals.js";
import { toPayload } from "./send.js";

/** Turns of a thread kept for follow-ups. */
const HISTORY_TURNS = 4;
/** Threads whose history is kept in memory (the oldest are forgotten first). */
const MAX_THREADS = 500;
/** Discord shows "typing" for about 10 s per request. */
const TYPING_REFRESH_MS = 8000;

export interface ChatHandler {
  handle(message: Message): Promise<void>;
}

export function createChatHandler(
  ctx: BotContext,
  client: Client,
  limiter: RateLimiter,
): ChatHandler {
  const channels = new Set(ctx.config.discord.chatChannelIds);
  /** Threads michi answers in → their turns so far. */
  const threads = new Map<string, ChatHistory>();

  const remember = (threadId: string, history: ChatHistory) => {
    threads.delete(threadId);
    threads.set(threadId, history);
    if (threads.size > MAX_THREADS) {
      const oldest = threads.keys().next().value;
      if (oldest !== undefined) threads.delete(oldest);
    }
  };

  /** Messages of one thread are answered in order, each with the turns before it. */
  const queues = new Map<string, Promise<unknown>>();
  const inOrder = (key: string, work: () => Promise<void>): Promise<void> => {
    const run = (queues.get(key) ?? Promise.resolve()).then(work);
    const settled = run.catch(() => undefined);
    queues.set(key, settled);
    void settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key);
    });
    return run;
  };

  return {
    handle(message) {
      const channel = message.channel;
      return inOrder(channel.isThread() ? channel.id : message.id, () => answerMessage(message));
    },
  };

  /** A thread michi chats in: one it answers in, started, or under a chat channel. */
  function isChatThread(thread: AnyThreadChannel, botId: string): boolean {
    return (
      threads.has(thread.id) ||
      thread.ownerId === botId ||
      (thread.parentId !== null && channels.has(thread.parentId))
    );
  }

  async function answerMessage(message: Message): Promise<void> {
    const me = client.user;
    if (me === null || message.author.bot || message.system || !message.inGuild()) return;
    const mentioned = message.mentions.users.has(me.id);
    const channel = message.channel;
    const thread = channel.isThread() ? channel : null;
    const ours = thread !== null && isChatThread(thread, me.id);
    if (!mentioned && !channels.has(message.channelId) && !ours) return;

    const question = questionOf(message.content);
    if (question === "") return;

    if (!limiter.take(message.author.id)) {
      const seconds = Math.ceil(limiter.retryAfterMs(message.author.id) / 1000);
      // A message has no client locale: the refusal is in the language of the question.
      const words = REFUSALS[detectLanguage(question)];
      await message.reply(toPayload(noticeMessage(`🚫 ${words.slowDown(seconds)}`)));
      return;
    }

    const started = Date.now();
    let target: SendableChannels;
    let history: ChatHistory;
    if (thread !== null) {
      target = thread;
      history = threads.get(thread.id) ?? (await readThreadHistory(thread, me.id, ctx));
    } else {
      target = await message.startThread({
        name: truncate(question.replace(/\s+/g, " "), LIMITS.threadName),
        autoArchiveDuration: ThreadAutoArchiveDuration.OneDay,
      });
      history = createChatHistory(HISTORY_TURNS);
    }
    const stopTyping = keepTyping(target, ctx);
    let flag = "error";
    try {
      const { answer, messages } = await produceAnswer(ctx, question, message.id, {
        history: history.turns,
      });
      stopTyping();
      // Remembered before sending, so a follow-up typed as soon as the answer shows has it.
      remember(target.id, history.add({ question, answer: answer.answer }));
      for (const m of messages) await target.send(toPayload(m));
      flag = answer.flag;
    } finally {
      stopTyping();
      ctx.logger.info(
        {
          what: "chat",
          id: message.id,
          user: message.author.id,
          thread: target.id,
          ms: Date.now() - started,
          outcome: flag,
        },
        "chat message",
      );
    }
  }
}

/**
 * The turns of a thread michi no longer holds in memory (it restarted): its recent messages,
 * each answer of michi's paired with the question before it, the first question being the
 * message the thread was started from.
 */
async function readThreadHistory(
  thread: AnyThreadChannel,
  botId: string,
  ctx: BotContext,
): Promise<ChatHistory> {
  try {
    const recent = [...(await thread.messages.fetch({ limit: 20 })).values()].reverse();
    const starter = await thread.fetchStarterMessage().catch(() => null);
    let question: string | null = starter ? questionOf(starter.content) : null;
    const turns: Turn[] = [];
    for (const m of recent) {
      if (m.system) continue; // the thread's starter notice, written in michi's name
      if (m.author.id === botId) {
        const answer = m.embeds[0]?.description;
        if (question && answer) turns.push({ question, answer });
        question = null;
      } else if (!m.author.bot) {
        question = questionOf(m.content) || question;
      }
    }
    return createChatHistory(HISTORY_TURNS, turns);
  } catch (error) {
    ctx.logger.warn({ err: error, thread: thread.id }, "could not read the thread's history");
    return createChatHistory(HISTORY_TURNS);
  }
}

/** Shows "michi is typing…" until the returned function is called. */
function keepTyping(channel: SendableChannels, ctx: BotContext): () => void {
  const send = () =>
    void channel.sendTyping().catch((error: unknown) => {
      ctx.logger.debug({ err: error }, "typing indicator failed");
    });
  send();
  const timer = setInterval(send, TYPING_REFRESH_MS);
  return () => clearInterval(timer);
}
