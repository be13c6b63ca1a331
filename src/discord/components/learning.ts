/**
 * The buttons and the select menu that change notes (owners only, checked by the bot before
 * these run): "I learned this" acts on the answer's primary item by id, "Add to my unknowns"
 * adds the answer's question, "Add anyway" adds it although the notes mark it known, and the
 * select menu sets the status of the item picked among a topic's candidates. "Undo" under a
 * change undoes exactly that change, and refuses once michi made another one since.
 */
import type { ComponentHandler } from "../component.js";
import type { BotContext } from "../context.js";
import { noticeMessage, type OutgoingMessage } from "../embeds.js";
import {
  deferPrivately,
  finish,
  replyLanguage,
  statusReply,
  unknownReply,
} from "../learning-actions.js";
import { undoMessage } from "../outcomes.js";
import { toEdit, toReply } from "../send.js";

const GONE = "That answer is no longer on record; ask again.";
const EXPIRED = "This choice has expired; run the command again.";

async function answerOf(ctx: BotContext, key: string | undefined) {
  return key === undefined ? undefined : (await ctx.feedback()).answer(key);
}

export const learnButton = {
  name: "learn",
  writes: true,
  async execute(interaction, ctx, [key]) {
    const shown = await answerOf(ctx, key);
    if (shown === undefined || shown.itemId === null) {
      await interaction.reply(toReply(noticeMessage(GONE), true));
      return;
    }
    await deferPrivately(interaction);
    const outcome = await ctx.app.setStatus(shown.itemId, "known");
    await finish(interaction, statusReply(ctx, outcome, interaction.user.id, undefined));
  },
} satisfies ComponentHandler;

export const unknownButton = {
  name: "unknown",
  writes: true,
  async execute(interaction, ctx, [key]) {
    const shown = await answerOf(ctx, key);
    if (shown === undefined || key === undefined) {
      await interaction.reply(toReply(noticeMessage(GONE), true));
      return;
    }
    await deferPrivately(interaction);
    const outcome = await ctx.app.unknown(shown.question);
    await finish(interaction, unknownReply(ctx, outcome, shown.question, interaction.user.id, key));
  },
} satisfies ComponentHandler;

export const unknownAnywayButton = {
  name: "unknown-force",
  writes: true,
  async execute(interaction, ctx, [source, key]) {
    let topic: string | undefined;
    if (source === "a") topic = (await answerOf(ctx, key))?.question;
    else if (source === "p" && key !== undefined) {
      const pending = ctx.pending.get(key);
      if (pending?.kind === "unknown" && pending.userId === interaction.user.id) {
        topic = pending.topic;
      }
    }
    if (topic === undefined) {
      await interaction.reply(toReply(noticeMessage(EXPIRED), true));
      return;
    }
    await interaction.deferUpdate();
    const outcome = await ctx.app.unknown(topic, { force: true });
    if (source === "p" && key !== undefined) ctx.pending.delete(key);
    await replaceChoice(interaction, unknownReply(ctx, outcome, topic, interaction.user.id));
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
      await interaction.reply(toReply(noticeMessage(EXPIRED), true));
      return;
    }
    await interaction.deferUpdate();
    const outcome = await ctx.app.setStatus(
      picked,
      pending.to,
      pending.note === undefined ? {} : { note: pending.note },
    );
    ctx.pending.delete(key);
    await replaceChoice(interaction, statusReply(ctx, outcome, interaction.user.id, pending.note));
  },
} satisfies ComponentHandler;

export const undoButton = {
  name: "undo",
  writes: true,
  async execute(interaction, ctx, args) {
    // A change id holds colons (its ISO time), so its parts come as several args.
    const changeId = args.join(":");
    await interaction.deferUpdate();
    const outcome = await ctx.app.undoChange(changeId);
    const message = undoMessage(outcome, replyLanguage(interaction));
    // Undone: the change's reply becomes the undo's. Otherwise it stays, with its button, and
    // the reason comes privately (the button may work later, once the later change is undone).
    if (outcome.kind === "undone") await replaceChoice(interaction, message);
    else await interaction.followUp(toReply(message, true));
  },
} satisfies ComponentHandler;

/** Replaces the message that offered the choice (its menu or button goes away). */
async function replaceChoice(
  interaction: Parameters<ComponentHandler["execute"]>[0],
  message: OutgoingMessage,
): Promise<void> {
  await interaction.editReply(toEdit({ components: [], ...message }));
}
