/** `/mark topic status`: corrects an item's status (known, partial or unknown). */
import { SlashCommandBuilder } from "discord.js";
import { icon, STATUS_NAMES } from "../../learning/render.js";
import { MARKED_STATUSES, type MarkedStatus } from "../../notes/edit.js";
import type { SlashCommand } from "../command.js";
import { respondWithSuggestions, runStatusCommand, topicOption } from "../learning-actions.js";

/** `✅ known` / `✅ 既知`: the status names the replies use (STATUS_NAMES). */
function statusChoice(status: MarkedStatus) {
  return {
    name: `${icon(status)} ${STATUS_NAMES.en[status]}`,
    name_localizations: { ja: `${icon(status)} ${STATUS_NAMES.ja[status]}` },
    value: status,
  };
}

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
        .addChoices(...MARKED_STATUSES.map(statusChoice)),
    ),
  autocomplete: respondWithSuggestions,
  async execute(interaction, ctx) {
    const topic = interaction.options.getString("topic", true);
    const to = interaction.options.getString("status", true) as MarkedStatus;
    await runStatusCommand(interaction, ctx, topic, to, undefined);
  },
} satisfies SlashCommand;
