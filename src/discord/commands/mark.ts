/** `/mark topic status`: corrects an item's status (known, partial or unknown). */
import { SlashCommandBuilder } from "discord.js";
import type { MarkedStatus } from "../../notes/edit.js";
import type { SlashCommand } from "../command.js";
import {
  changeStatus,
  deferPrivately,
  finish,
  respondWithSuggestions,
  statusReply,
  topicOption,
} from "../learning-actions.js";
import { replyLanguage } from "../reply-language.js";

export const mark = {
  kind: "slash",
  writes: true,
  data: new SlashCommandBuilder()
    .setName("mark")
    .setDescription("Set an item's status in your notes: known, partial or unknown")
    .setDescriptionLocalizations({ ja: "ノートの項目のステータスを変更します" })
    .addStringOption(topicOption)
    .addStringOption((o) =>
      o
        .setName("status")
        .setDescription("The new status")
        .setDescriptionLocalizations({ ja: "新しいステータス" })
        .setRequired(true)
        .addChoices(
          { name: "✅ known", name_localizations: { ja: "✅ 既知" }, value: "known" },
          { name: "🔺 partial", name_localizations: { ja: "🔺 一部既知" }, value: "partial" },
          { name: "❓ unknown", name_localizations: { ja: "❓ 未知" }, value: "unknown" },
        ),
    ),
  autocomplete: respondWithSuggestions,
  async execute(interaction, ctx) {
    const topic = interaction.options.getString("topic", true);
    const to = interaction.options.getString("status", true) as MarkedStatus;
    await deferPrivately(interaction);
    const outcome = await changeStatus(ctx, topic, to, undefined);
    await finish(
      interaction,
      statusReply(ctx, outcome, interaction.user.id, undefined, replyLanguage(interaction)),
    );
  },
} satisfies SlashCommand;
