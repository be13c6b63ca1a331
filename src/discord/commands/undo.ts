/**
 * `/undo`: puts back the note michi changed last (`/learned`, `/mark`, `/unknown`, their buttons
 * and menus, or the terminal's commands), only if the note still holds exactly what michi wrote.
 */
import { SlashCommandBuilder } from "discord.js";
import type { SlashCommand } from "../command.js";
import { deferPrivately, finish } from "../learning-actions.js";
import { undoMessage } from "../outcomes.js";
import { replyLanguage } from "../reply-language.js";

export const undo = {
  kind: "slash",
  writes: true,
  data: new SlashCommandBuilder()
    .setName("undo")
    .setDescription("Put back the note michi changed last, if it was not edited since")
    .setDescriptionLocalizations({
      ja: "michiが最後に変更したノートを元に戻します(その後に編集されていなければ)",
    }),
  async execute(interaction, ctx) {
    await deferPrivately(interaction);
    const outcome = await ctx.app.undo();
    await finish(interaction, undoMessage(outcome, replyLanguage(interaction)));
  },
} satisfies SlashCommand;
