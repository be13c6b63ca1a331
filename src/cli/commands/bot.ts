/** `michi bot`, `michi deploy-commands`, `michi invite`: the Discord front end's commands. */
import type { Command } from "commander";
import { createApp } from "../../app.js";
import { requireDiscord } from "../../config.js";
import { createLogger } from "../../logger.js";
import type { Command as CliCommand } from "../command.js";
import type { CliContext } from "../context.js";
import { writeLine } from "../context.js";

/** Runs the bot until SIGINT or SIGTERM, then shuts it down cleanly. */
export async function runBot(ctx: CliContext): Promise<void> {
  const config = ctx.config();
  requireDiscord(config, ["token", "clientId"]);
  // The bot's log is its output: JSON lines on stdout (the journal, under systemd).
  const logger = createLogger({
    level: config.logLevel ?? "info",
    destination: { write: (line: string) => void ctx.io.stdout.write(line) },
    secrets: [config.discord.token, config.openai.apiKey],
  });
  const app = createApp(config, { logger });
  // discord.js loads only for the bot, so the other commands start as fast as before.
  const { createBot } = await import("../../discord/bot.js");
  const bot = createBot({ config, app, logger });
  let stopping: Promise<void> | null = null;
  const stopped = new Promise<void>((resolve, reject) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, "shutting down");
      stopping ??= bot.stop();
      stopping.then(resolve, reject);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  try {
    await bot.start();
  } catch (error) {
    await bot.stop().catch(() => undefined);
    throw error;
  }
  logger.info(
    { notes: config.notesDir, chatChannels: config.discord.chatChannelIds.length },
    "michi bot ready",
  );
  await stopped;
}

function registerBot(program: Command, ctx: CliContext): void {
  program
    .command("bot")
    .description("run the Discord bot (needs DISCORD_TOKEN and DISCORD_CLIENT_ID)")
    .action(() => runBot(ctx));
  program
    .command("deploy-commands")
    .description("register the bot's slash commands (to DISCORD_GUILD_ID when set, else globally)")
    .action(async () => {
      const { deployCommands } = await import("../../discord/deploy.js");
      const result = await deployCommands(ctx.config());
      writeLine(
        ctx.io.stdout,
        `registered ${result.names.length} commands ${result.scope === "guild" ? `to guild ${ctx.config().discord.guildId}` : "globally (they may take a while to appear)"}: ${result.names.join(", ")}`,
      );
    });
  program
    .command("invite")
    .description("print the link that adds the bot to a server (needs DISCORD_CLIENT_ID)")
    .action(async () => {
      const { clientId } = requireDiscord(ctx.config(), ["clientId"]);
      const { inviteUrl } = await import("../../discord/invite.js");
      writeLine(ctx.io.stdout, inviteUrl(clientId));
    });
}

export const bot = { name: "bot", register: registerBot } satisfies CliCommand;
