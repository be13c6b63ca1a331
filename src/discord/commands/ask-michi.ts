/** The message context-menu command "Ask michi": answers about the message it is used on. */
import { ApplicationCommandType, ContextMenuCommandBuilder } from "discord.js";
import { replyWithAnswer } from "../answer.js";
import type { MessageCommand } from "../command.js";
import { noticeMessage } from "../embeds.js";
import { questionOf } from "../question.js";
import { replyLanguage } from "../reply-language.js";
import { toReply } from "../send.js";

const NO_TEXT = {
  en: "That message has no text to ask about.",
  ja: "このメッセージには質問できるテキストがありません。",
} as const;

export const askMichi = {
  kind: "message",
  data: new ContextMenuCommandBuilder()
    .setName("Ask michi")
    .setNameLocalizations({ ja: "michiに聞く" })
    .setType(ApplicationCommandType.Message),
  async execute(interaction, ctx) {
    const question = questionOf(interaction.targetMessage.content);
    if (question === "") {
      await interaction.reply(toReply(noticeMessage(NO_TEXT[replyLanguage(interaction)]), true));
      return;
    }
    await replyWithAnswer(interaction, ctx, question, false);
  },
} satisfies MessageCommand;
