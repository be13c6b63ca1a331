/**
 * `/learned topic [note]`: marks an unknown or partial item known. Autocomplete offers the open
 * items (their value is the item's id, so exactly the chosen item changes); typed text is
 * matched, and when it names several items a select menu asks which.
 */
import { SlashCommandBuilder } from "discord.js";
import type { SlashCommand } from "../command.js";
import { respondWithSuggestions, runStatusCommand, topicOption } from "../learning-actions.js";

export const learned = {
  kind: "slash",
  writes: true,
  data: new SlashCommandBuilder()
    .setName("learned")
    .setDescription("Mark an unknown or partial item in your notes as learned (X → O)")
    .setDescriptionLocalizations({ ja: "ノートの未知(X)・一部(△)の項目を学んだ(O)にします" })
    .addStringOption(topicOption)
    .addStringOption((o) =>
      o
        .setName("note")
        .setDescription("What you learned, added under the item")
        .setDescriptionLocalizations({ ja: "学んだこと(項目の下に追記)" })
        .setMaxLength(500),
    ),
  autocomplete: respondWithSuggestions,
  async execute(interaction, ctx) {
    const topic = interaction.options.getString("topic", true);
    const note = interaction.options.getString("note") ?? undefined;
    await runStatusCommand(interaction, ctx, topic, "known", note);
  },
} satisfies SlashCommand;
