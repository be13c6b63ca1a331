/** 👍 / 👎 under an answer: one vote per user and answer, kept beside the question log. */
import { detectLanguage, type Language } from "../../ask/language.js";
import type { Vote } from "../../learning/feedback.js";
import type { ComponentHandler } from "../component.js";
import { noticeMessage } from "../embeds.js";
import { replyLanguage } from "../reply-language.js";
import { toReply } from "../send.js";

const WORDS = {
  en: {
    gone: "That answer is no longer on record.",
    up: "👍 Thanks! Recorded.",
    down: "👎 Thanks, recorded: it will show in the digest so the notes (or michi) can improve.",
  },
  ja: {
    gone: "この回答の記録はもうありません。",
    up: "👍 ありがとうございます。記録しました。",
    down: "👎 ありがとうございます。記録しました。ノート(またはmichi)を直せるよう、ダイジェストに載ります。",
  },
} as const satisfies Record<Language, unknown>;

export const feedback = {
  name: "fb",
  async execute(interaction, ctx, [vote, key]) {
    if ((vote !== "up" && vote !== "down") || key === undefined) {
      throw new Error(`malformed feedback id ${interaction.customId}`);
    }
    const store = await ctx.feedback();
    const shown = store.answer(key);
    // Like the answer it is under: in its question's language, or Japanese for a Japanese client.
    const words = WORDS[replyLanguage(interaction, shown && detectLanguage(shown.question))];
    if (shown === undefined) {
      await interaction.reply(toReply(noticeMessage(words.gone), true));
      return;
    }
    store.vote(key, interaction.user.id, vote as Vote, ctx.now());
    await interaction.reply(toReply(noticeMessage(vote === "up" ? words.up : words.down), true));
  },
} satisfies ComponentHandler;
