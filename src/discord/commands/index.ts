/** Every Discord command, once: the bot dispatches from this list and deploy-commands registers it. */
import type { Command } from "../command.js";
import { ask } from "./ask.js";
import { askMichi } from "./ask-michi.js";
import { digest } from "./digest.js";
import { learned } from "./learned.js";
import { mark } from "./mark.js";
import { status } from "./status.js";
import { undo } from "./undo.js";
import { unknown } from "./unknown.js";

export const COMMANDS: readonly Command[] = [
  ask,
  learned,
  mark,
  unknown,
  undo,
  digest,
  status,
  askMichi,
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.data.name === name);
}
