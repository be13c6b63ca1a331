/** 👍 / 👎 under an answer: one vote per user and answer, kept beside the question log. */
import type { Vote } from "../../learning/feedback.js";
import type { ComponentHandler } from "../component.js";
import { noticeMessage } from "../embeds.js";
import { toReply } from "../send.js";

export const feedback = {
  name: "fb",
  async execute(interaction, ctx, [vote, key]) {
    if ((vote !== "up" && vote !== "down") || key === undefined) {
      throw new Error(`malformed feedback id ${interaction.customId}`);
    }
    const store = await ctx.feedback();
    if (store.answer(key) === undefined) {
      await interaction.reply(toReply(noticeMessage("That answer is no longer on record."), true));
      return;
    }
    store.vote(key, interaction.user.id, vote as Vote, ctx.now());
    const text =
      vote === "up"
        ? "👍 Thanks! Recorded."
        : "👎 Thanks, recorded: it will show in the digest so the notes (or michi) can improve.";
    await interaction.reply(toReply(noticeMessage(text), true));
  },
} satisfies ComponentHandler;
