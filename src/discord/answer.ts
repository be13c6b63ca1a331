/**
 * Answering a question in Discord, shared by `/ask`, the "Ask michi" message command and the
 * chat: ask the app (streaming when an LLM answers), remember the answer for its buttons, and
 * build the messages. Interactions are acknowledged in time: an answer ready within
 * QUICK_REPLY_MS is the reply itself, anything slower is deferred first (Discord allows 3 s).
 */
import type { ChatInputCommandInteraction, MessageContextMenuCommandInteraction } from "discord.js";
import type { Answer } from "../ask/index.js";
import type { Turn } from "../ask/turns.js";
import type { BotContext } from "./context.js";
import { buildAnswerMessages, buildStreamingMessage, type OutgoingMessage } from "./embeds.js";
import { toEdit, toReply } from "./send.js";
import { createThrottledEditor } from "./throttle.js";

/** Answers ready this fast are sent as the reply itself; slower ones defer first. */
export const QUICK_REPLY_MS = 400;

export interface ProducedAnswer {
  readonly answer: Answer;
  readonly messages: OutgoingMessage[];
}

/** Asks the app and records the answer under `key` for the buttons under it. */
export async function produceAnswer(
  ctx: BotContext,
  question: string,
  key: string,
  options: { history?: readonly Turn[]; onText?: (text: string) => void } = {},
): Promise<ProducedAnswer> {
  let text = "";
  const onText = options.onText;
  const answer = await ctx.app.ask(question, {
    skipIngest: ctx.watching(),
    ...(options.history ? { history: options.history } : {}),
    ...(onText
      ? {
          onToken: (token: string) => {
            text += token;
            onText(text);
          },
        }
      : {}),
  });
  (await ctx.feedback()).recordAnswer(key, answer, ctx.now());
  return { answer, messages: buildAnswerMessages(answer, { key, question }) };
}

type AskInteraction = ChatInputCommandInteraction | MessageContextMenuCommandInteraction;

/** Answers `question` as the reply to `interaction`; returns the answer's flag for the log. */
export async function replyWithAnswer(
  interaction: AskInteraction,
  ctx: BotContext,
  question: string,
  ephemeral: boolean,
): Promise<string> {
  const key = interaction.id;
  let produced: ProducedAnswer;
  if (ctx.config.chat !== null) {
    // An LLM takes seconds: acknowledge now, show the text as it streams, then the answer.
    await interaction.deferReply(ephemeral ? { flags: "Ephemeral" } : {});
    const editor = createThrottledEditor(
      (text) => interaction.editReply(toEdit(buildStreamingMessage(question, text))),
      { onError: (error) => ctx.logger.warn({ err: error }, "streaming edit failed") },
    );
    try {
      produced = await produceAnswer(ctx, question, key, { onText: (t) => editor.update(t) });
    } finally {
      await editor.finish();
    }
    await sendAnswer(interaction, produced.messages, ephemeral, true);
    return produced.answer.flag;
  }
  const work = produceAnswer(ctx, question, key);
  const quick = await Promise.race([
    work,
    new Promise<null>((resolve) => setTimeout(() => resolve(null), QUICK_REPLY_MS).unref()),
  ]).catch(() => null);
  if (quick === null) {
    await interaction.deferReply(ephemeral ? { flags: "Ephemeral" } : {});
    produced = await work;
    await sendAnswer(interaction, produced.messages, ephemeral, true);
  } else {
    produced = quick;
    await sendAnswer(interaction, produced.messages, ephemeral, false);
  }
  return produced.answer.flag;
}

/** The first message as the reply (or its edit, when deferred), the rest as follow-ups. */
async function sendAnswer(
  interaction: AskInteraction,
  messages: readonly OutgoingMessage[],
  ephemeral: boolean,
  deferred: boolean,
): Promise<void> {
  const [first, ...rest] = messages;
  if (first) {
    if (deferred) await interaction.editReply(toEdit(first));
    else await interaction.reply(toReply(first, ephemeral));
  }
  for (const message of rest) await interaction.followUp(toReply(message, ephemeral));
}
