/** `/mark topic status`: corrects an item's status (known, partial or unknown). */
import { SlashCommandBuilder } from "discord.js";
import type { MarkedStatus } from "../../notes/edit.js";
import type { SlashCommand } from "../command.js";
import {
  changeStatus,
  deferPrivately,
  finish,
  statusReply,
  suggestChoices,
} from "../learning-actions.js";

export const mark = {
  kind: "slash",
  writes: true,
  data: new SlashCommandBuilder()
    .setName("mark")
    .setDescription("Set an item's status in your notes: known, partial or unknown")
    .setDescriptionLocalizations({ ja: "ノートの項目のステータスを変更します" })
    .addStringOption((o) =>
      o
        .setName("topic")
        .setDescription("The item (pick from the list, or type a topic)")
        .setDescriptionLocalizations({ ja: "項目(一覧から選ぶか、話題を入力)" })
        .setRequired(true)
        .setAutocomplete(true)
        .setMaxLength(200),
    )
    .addStringOption((o) =>
      o
        .setName("status")
        .setDescription("The new status")
        .setDescriptionLocalizations({ ja: "新しいステータス" })
        .setRequired(true)
        .addChoices(
          { name: "✅ known", value: "known" },
          { name: "🔺 partial", value: "partial" },
          { name: "❓ unknown", value: "unknown" },
        ),
    ),
  async autocomplete(interaction, ctx) {
    await interaction.respond(await suggestChoices(ctx, interaction.options.getFocused()));
  },
  async execute(interaction, ctx) {
    const topic = interaction.options.getString("topic", true);
    const to = interaction.options.getString("status", true) as MarkedStatus;
    await deferPrivately(interaction);
    const outcome = await changeStatus(ctx, topic, to, undefined);
    await finish(interaction, statusReply(ctx, outcome, interaction.user.id, undefined));
  },
} satisfies SlashCommand;
