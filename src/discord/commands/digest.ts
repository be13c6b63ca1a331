/** `/digest`: a private preview of the weekly digest, with its chart. */
import { SlashCommandBuilder } from "discord.js";
import type { SlashCommand } from "../command.js";
import { digestMessages } from "../digest-schedule.js";
import { toEdit, toReply } from "../send.js";

export const digest = {
  kind: "slash",
  data: new SlashCommandBuilder()
    .setName("digest")
    .setDescription("Preview the weekly digest (only you see it)")
    .setDescriptionLocalizations({ ja: "週間ダイジェストのプレビュー(自分だけに表示)" }),
  async execute(interaction, ctx) {
    await interaction.deferReply({ flags: "Ephemeral" });
    const [first, ...rest] = (await digestMessages(ctx.app, ctx.now())).messages;
    if (first) await interaction.editReply(toEdit(first));
    for (const message of rest) await interaction.followUp(toReply(message, true));
  },
} satisfies SlashCommand;
