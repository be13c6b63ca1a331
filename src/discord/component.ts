/**
 * The contract of a message component handler (buttons, select menus): custom ids are
 * `name:arg:arg…`; the handler registered under `name` gets the args. Listed once, in
 * components/index.ts.
 */
import type { ButtonInteraction, StringSelectMenuInteraction } from "discord.js";
import type { BotContext } from "./context.js";

export type ComponentInteraction = ButtonInteraction | StringSelectMenuInteraction;

export interface ComponentHandler {
  /** The first part of the custom ids it handles. */
  readonly name: string;
  /** Changes notes: only MICHI_OWNER_IDS may use it (checked before `execute`). */
  readonly writes?: boolean;
  execute(
    interaction: ComponentInteraction,
    ctx: BotContext,
    args: readonly string[],
  ): Promise<void>;
}
