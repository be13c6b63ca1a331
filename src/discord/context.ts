/** What every command and component handler gets: the app and the bot's shared state. */
import type { App } from "../app.js";
import type { Config } from "../config.js";
import type { Feedback } from "../learning/feedback.js";
import type { Logger } from "../logger.js";
import type { PendingChoices } from "./pending.js";

export interface BotContext {
  readonly app: App;
  readonly config: Config;
  readonly logger: Logger;
  now(): Date;
  /** Whether `userId` may change notes (MICHI_OWNER_IDS). */
  isOwner(userId: string): boolean;
  /** True while the notes watcher keeps the index fresh: asking then skips the freshness scan. */
  watching(): boolean;
  /** Answers shown and their 👍 / 👎. */
  feedback(): Promise<Feedback>;
  /** Choices offered in select menus, waiting for the user's pick. */
  readonly pending: PendingChoices;
}
