/**
 * The contract of a `michi` subcommand module, as a discord.js guide command is for Discord
 * (src/discord/command.ts): one module per command, `satisfies Command`, all listed once in
 * program.ts.
 */
import type { Command as Program } from "commander";
import type { CliContext } from "./context.js";

export interface Command {
  /** The subcommand as typed after `michi`. */
  readonly name: string;
  /** Declares it on the program (arguments, options, help) and wires its handler. */
  register(program: Program, ctx: CliContext): void;
}
