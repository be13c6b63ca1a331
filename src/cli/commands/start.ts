import type { Command } from "../command.js";
import { runBot } from "./bot.js";
import { runChat } from "./chat.js";

/** `michi start` (`npm start`): the Discord bot when DISCORD_TOKEN is set, else the terminal chat. */
export const start = {
  name: "start",
  register(program, ctx) {
    program
      .command("start")
      .description("run the Discord bot when DISCORD_TOKEN is set, else the terminal chat")
      .action(async () => {
        if (ctx.config().discord.token) await runBot(ctx);
        else await runChat(ctx);
      });
  },
} satisfies Command;
