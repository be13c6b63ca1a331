/**
 * Registers michi's commands with Discord: to DISCORD_GUILD_ID when set (instant, for one
 * server), globally otherwise (every server the bot is in; Discord may take a while to show
 * them). One PUT replaces the whole set, so removed commands disappear too.
 */
import { DiscordAPIError, REST, Routes } from "discord.js";
import { type Config, requireDiscord } from "../config.js";
import { MichiError } from "../errors.js";
import { COMMANDS } from "./commands/index.js";

export interface DeployResult {
  readonly scope: "guild" | "global";
  readonly names: readonly string[];
}

export async function deployCommands(config: Config): Promise<DeployResult> {
  const { token, clientId } = requireDiscord(config, ["token", "clientId"]);
  const rest = new REST({ api: config.discord.apiUrl }).setToken(token);
  const guildId = config.discord.guildId;
  const route =
    guildId === undefined
      ? Routes.applicationCommands(clientId)
      : Routes.applicationGuildCommands(clientId, guildId);
  const body = COMMANDS.map((command) => command.data.toJSON());
  try {
    await rest.put(route, { body });
  } catch (error) {
    throw new MichiError(`Discord refused the commands: ${describeRestError(error)}`, {
      cause: error,
    });
  }
  return { scope: guildId === undefined ? "global" : "guild", names: body.map((c) => c.name) };
}

function describeRestError(error: unknown): string {
  if (error instanceof DiscordAPIError) {
    const hint =
      error.status === 401
        ? " (check DISCORD_TOKEN)"
        : error.status === 403 || error.status === 404
          ? " (check DISCORD_CLIENT_ID and DISCORD_GUILD_ID, and that the bot is in that server)"
          : "";
    return `HTTP ${error.status} ${error.message}${hint}`;
  }
  const e = error as { code?: unknown; message?: unknown };
  return typeof e?.code === "string" ? `cannot reach Discord (${e.code})` : String(e?.message);
}
