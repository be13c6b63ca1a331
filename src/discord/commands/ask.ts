/** `/ask question [private]`: an answer from the notes, flagged, with its sources. */
import { SlashCommandBuilder } from "discord.js";
import { replyWithAnswer } from "../answer.js";
import type { SlashCommand } from "../command.js";

import { MAX_QUESTION_LENGTH } from "../question.js";

export const ask = {
  kind: "slash",
  data: new SlashCommandBuilder()
    .setName("ask")
    .setDescription("Answer a question from your notes, flagged known / unknown / not in notes")
    .setDescriptionLocalizations({ ja: "ノートから答えます(知っている/知らない/ノートにない)" })
    .addStringOption((o) =>
      o
        .setName("question")
        .setDescription("The question")
        .setDescriptionLocalizations({ ja: "質問" })
        .setRequired(true)
        .setMaxLength(MAX_QUESTION_LENGTH),
    )
    .addBooleanOption((o) =>
      o
        .setName("private")
        .setDescription("Only you see the answer")
        .setDescriptionLocalizations({ ja: "自分だけに表示" }),
    ),
  async execute(interaction, ctx) {
    const question = interaction.options.getString("question", true).trim();
    const ephemeral = interaction.options.getBoolean("private") ?? false;
    await replyWithAnswer(interaction, ctx, question, ephemeral);
  },
} satisfies SlashCommand;
