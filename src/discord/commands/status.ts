/** `/status`: counts, last ingest, index size, history, warnings. */
import { SlashCommandBuilder } from "discord.js";
import { renderStatusReport } from "../../learning/render.js";
import type { SlashCommand } from "../command.js";
import { noticeMessage } from "../embeds.js";
import { replyLanguage } from "../reply-language.js";
import { toReply } from "../send.js";

export const status = {
  kind: "slash",
  data: new SlashCommandBuilder()
    .setName("status")
    .setDescription("What michi has indexed: items by status, last ingest, history")
    .setDescriptionLocalizations({ ja: "インデックスの状態: 項目数、最終取り込み、履歴" }),
  async execute(interaction, ctx) {
    const report = await ctx.app.status();
    const text = renderStatusReport(report, replyLanguage(interaction));
    await interaction.reply(toReply(noticeMessage(text), true));
  },
} satisfies SlashCommand;
