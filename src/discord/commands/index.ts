/** Every Discord command, once: the bot dispatches from this list and deploy-commands registers it. */
import type { Command } from "../command.js";
import { ask } from "./ask.js";
import { askMichi } from "./ask-michi.js";
import { digest } from "./digest.js";
import { status } from "./status.js";

export const COMMANDS: readonly Command[] = [ask, digest, status, askMichi];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.data.name === name);
}
