/**
 * The contract of a Discord command module (as in the discord.js guide): the builder that
 * registers it and the handler that runs it. Every command is listed once, in commands/index.ts,
 * which both the bot and `deploy-commands` read.
 */
import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  MessageContextMenuCommandInteraction,
  RESTPostAPIApplicationCommandsJSONBody,
} from "discord.js";
import type { BotContext } from "./context.js";

interface CommandBase {
  readonly data: { readonly name: string; toJSON(): RESTPostAPIApplicationCommandsJSONBody };
  /** Changes notes: only MICHI_OWNER_IDS may run it (checked before `execute`). */
  readonly writes?: boolean;
}

export interface SlashCommand extends CommandBase {
  readonly kind: "slash";
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
}

export interface MessageCommand extends CommandBase {
  readonly kind: "message";
  execute(interaction: MessageContextMenuCommandInteraction, ctx: BotContext): Promise<void>;
}

export type Command = SlashCommand | MessageCommand;
