/**
 * The buttons and the select menu that change notes (owners only, checked by the bot before
 * these run): "I learned this" acts on the answer's primary item by id, "Add to my unknowns"
 * adds the answer's question, "Add anyway" adds it although the notes mark it known, and the
 * select menu sets the status of the item picked among a topic's candidates. "Undo" under a
 * change undoes exactly that change, and refuses once michi made another one since. Each
 * replies in the language of the message it is on (reply-language.ts).
 */
import { detectLanguage, type Language } from "../../ask/language.js";
import type { ComponentHandler, ComponentInteraction } from "../component.js";
import type { BotContext } from "../context.js";
import { noticeMessage, type OutgoingMessage } from "../embeds.js";
import { deferPrivately, finish, statusReply, unknownReply } from "../learning-actions.js";
import { undoMessage } from "../outcomes.js";
import { replyLanguage } from "../reply-language.js";
import { toEdit, toReply } from "../send.js";

const WORDS = {
  en: {
    gone: "That answer is no longer on record; ask again.",
    expired: "This choice has expired; run the command again.",
  },
  ja: {
    gone: "この回答の記録はもうありません。もう一度質問してください。",
    expired: "この選択肢は期限切れです。もう一度コマンドを実行してください。",
  },
} as const satisfies Record<Language, unknown>;

async function answerOf(ctx: BotContext, key: string | undefined) {
  return key === undefined ? undefined : (await ctx.feedback()).answer(key);
}

/** A button under an answer replies in the answer's language (its question's). */
function answerLanguage(interaction: ComponentInteraction, question: string | undefined): Language {
  return replyLanguage(interaction, question === undefined ? "en" : detectLanguage(question));
}

export const learnButton = {
  name: "learn",
  writes: true,
  async execute(interaction, ctx, [key]) {
    const shown = await answerOf(ctx, key);
    const language = answerLanguage(interaction, shown?.question);
    if (shown === undefined || shown.itemId === null) {
      await interaction.reply(toReply(noticeMessage(WORDS[language].gone), true));
      return;
    }
    await deferPrivately(interaction);
    const outcome = await ctx.app.setStatus(shown.itemId, "known");
    await finish(interaction, statusReply(ctx, outcome, interaction.user.id, undefined, language));
  },
} satisfies ComponentHandler;

export const unknownButton = {
  name: "unknown",
  writes: true,
  async execute(interaction, ctx, [key]) {
    const shown = await answerOf(ctx, key);
    const language = answerLanguage(interaction, shown?.question);
    if (shown === undefined || key === undefined) {
      await interaction.reply(toReply(noticeMessage(WORDS[language].gone), true));
      return;
    }
    await deferPrivately(interaction);
    const outcome = await ctx.app.unknown(shown.question);
    await finish(
      interaction,
      unknownReply(ctx, outcome, shown.question, interaction.user.id, language, key),
    );
  },
} satisfies ComponentHandler;

export const unknownAnywayButton = {
  name: "unknown-force",
  writes: true,
  async execute(interaction, ctx, [source, key]) {
    let topic: string | undefined;
    let language = replyLanguage(interaction);
    if (source === "a") {
      topic = (await answerOf(ctx, key))?.question;
      language = answerLanguage(interaction, topic);
    } else if (source === "p" && key !== undefined) {
      const pending = ctx.pending.get(key);
      if (pending?.kind === "unknown" && pending.userId === interaction.user.id) {
        topic = pending.topic;
        language = replyLanguage(interaction, pending.language);
      }
    }
    if (topic === undefined) {
      await interaction.reply(toReply(noticeMessage(WORDS[language].expired), true));
      return;
    }
    await interaction.deferUpdate();
    const outcome = await ctx.app.unknown(topic, { force: true });
    if (source === "p" && key !== undefined) ctx.pending.delete(key);
    await replaceChoice(
      interaction,
      unknownReply(ctx, outcome, topic, interaction.user.id, language),
    );
  },
} satisfies ComponentHandler;

export const pickMenu = {
  name: "pick",
  writes: true,
  async execute(interaction, ctx, [key]) {
    const pending = key === undefined ? undefined : ctx.pending.get(key);
    const picked = interaction.isStringSelectMenu() ? interaction.values[0] : undefined;
    if (
      pending?.kind !== "status" ||
      key === undefined ||
      pending.userId !== interaction.user.id ||
      picked === undefined ||
      !pending.ids.includes(picked)
    ) {
      const language = replyLanguage(interaction, pending?.language);
      await interaction.reply(toReply(noticeMessage(WORDS[language].expired), true));
      return;
    }
    await interaction.deferUpdate();
    const outcome = await ctx.app.setStatus(
      picked,
      pending.to,
      pending.note === undefined ? {} : { note: pending.note },
    );
    ctx.pending.delete(key);
    const language = replyLanguage(interaction, pending.language);
    await replaceChoice(
      interaction,
      statusReply(ctx, outcome, interaction.user.id, pending.note, language),
    );
  },
} satisfies ComponentHandler;

export const undoButton = {
  name: "undo",
  writes: true,
  async execute(interaction, ctx, args) {
    // `undo:<language>:<change id>`; a change id holds colons (its ISO time), so its parts come
    // as several args. A button from before the language was added has the change id alone.
    const [first, ...rest] = args;
    const tagged = first === "en" || first === "ja" ? first : undefined;
    const changeId = (tagged === undefined ? args : rest).join(":");
    await interaction.deferUpdate();
    const outcome = await ctx.app.undoChange(changeId);
    const message = undoMessage(outcome, replyLanguage(interaction, tagged));
    // Undone: the change's reply becomes the undo's. Otherwise it stays, with its button, and
    // the reason comes privately (the button may work later, once the later change is undone).
    if (outcome.kind === "undone") await replaceChoice(interaction, message);
    else await interaction.followUp(toReply(message, true));
  },
} satisfies ComponentHandler;

/** Replaces the message that offered the choice (its menu or button goes away). */
async function replaceChoice(
  interaction: ComponentInteraction,
  message: OutgoingMessage,
): Promise<void> {
  await interaction.editReply(toEdit({ components: [], ...message }));
}
