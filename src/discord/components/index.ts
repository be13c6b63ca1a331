/** Every button and select menu handler, once, by the first part of its custom id. */
import type { ComponentHandler } from "../component.js";
import { feedback } from "./feedback.js";
import {
  learnButton,
  pickMenu,
  undoButton,
  unknownAnywayButton,
  unknownButton,
} from "./learning.js";

export const COMPONENTS: readonly ComponentHandler[] = [
  feedback,
  learnButton,
  unknownButton,
  unknownAnywayButton,
  pickMenu,
  undoButton,
];

/** The handler of a custom id (`name:arg:…`) and its args. */
export function findComponent(
  customId: string,
): { handler: ComponentHandler; args: string[] } | undefined {
  const [name = "", ...args] = customId.split(":");
  const handler = COMPONENTS.find((c) => c.name === name);
  return handler ? { handler, args } : undefined;
}
