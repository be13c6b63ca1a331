/** `/unknown topic`: adds the topic to the notes' inbox as a new unknown item. */
import { SlashCommandBuilder } from "discord.js";
import type { SlashCommand } from "../command.js";
import { deferPrivately, finish, unknownReply } from "../learning-actions.js";
import { replyLanguage } from "../reply-language.js";

export const unknown = {
  kind: "slash",
  writes: true,
  data: new SlashCommandBuilder()
    .setName("unknown")
    .setDescription("Add something you don't know yet to your notes (inbox.md)")
    .setDescriptionLocalizations({ ja: "知らないことをノート(inbox.md)に追加します" })
    .addStringOption((o) =>
      o
        .setName("topic")
        .setDescription("What you don't know yet")
        .setDescriptionLocalizations({ ja: "まだ知らないこと" })
        .setRequired(true)
        .setMaxLength(300),
    ),
  async execute(interaction, ctx) {
    const topic = interaction.options.getString("topic", true);
    await deferPrivately(interaction);
    const outcome = await ctx.app.unknown(topic);
    await finish(
      interaction,
      unknownReply(ctx, outcome, topic, interaction.user.id, replyLanguage(interaction)),
    );
  },
} satisfies SlashCommand;
