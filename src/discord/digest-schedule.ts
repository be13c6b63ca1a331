/**
 * The weekly digest post: on MICHI_DIGEST_CRON in MICHI_TIMEZONE (croner), to
 * MICHI_DIGEST_CHANNEL_ID, with the chart attached. A period is the cron occurrence it is due
 * at; posting claims it in SQLite first (learning/digest-claims.ts), so a period is posted
 * once across restarts and processes, and one missed while the bot was down is posted at
 * start-up.
 */
import { Cron } from "croner";
import type { Client } from "discord.js";
import type { App } from "../app.js";
import type { Config } from "../config.js";
import type { Digest } from "../learning/digest.js";
import { openDigestClaims } from "../learning/digest-claims.js";
import { renderDigest } from "../learning/render.js";
import type { Logger } from "../logger.js";
import { buildDigestMessages, type OutgoingMessage } from "./embeds.js";
import { toPayload } from "./send.js";

export interface DigestScheduler {
  /** Posts the period due at `at` (the latest occurrence at or before it) unless posted. */
  postDue(at: Date): Promise<"posted" | "already">;
  start(): void;
  stop(): void;
}

export interface DigestSchedulerOptions {
  readonly app: App;
  readonly client: Client;
  readonly channelId: string;
  readonly config: Config;
  readonly logger: Logger;
  readonly now: () => Date;
}

/** The latest occurrence of `cron` at or before `at`, or null if it never occurred. */
export function dueOccurrence(cron: string, timezone: string, at: Date): Date | null {
  const schedule = new Cron(cron, { timezone, paused: true });
  // previousRuns excludes its reference; a second later includes an occurrence right at `at`.
  const runs = schedule.previousRuns(2, new Date(+at + 1000));
  schedule.stop();
  return runs.find((run) => +run <= +at) ?? null;
}

/**
 * The digest until `until` as messages (notes named relative to the notes folder), in the
 * language of the notes: the weekly post, and `/digest`'s preview of exactly that. The digest
 * comes along for the post's record (its period).
 */
export async function digestMessages(
  app: App,
  until: Date,
): Promise<{ digest: Digest; messages: OutgoingMessage[] }> {
  const digest = await app.digest({ until });
  const chart = await app.learning.progressChart({ until, language: digest.language });
  return { digest, messages: buildDigestMessages(renderDigest(digest, digest.language), chart) };
}

export function createDigestScheduler(options: DigestSchedulerOptions): DigestScheduler {
  const { app, client, channelId, config, logger, now } = options;
  let job: Cron | null = null;
  // One post at a time in this process; other processes are kept out by the claim.
  let queue: Promise<unknown> = Promise.resolve();

  const post = async (at: Date): Promise<"posted" | "already"> => {
    const due = dueOccurrence(config.digest.cron, config.digest.timezone, at);
    if (due === null) return "already";
    const period = due.toISOString();
    const claims = openDigestClaims((await app.history()).db);
    if (!claims.claim(period, channelId, now())) return "already";
    try {
      const channel = await client.channels.fetch(channelId);
      if (channel === null || !channel.isSendable()) {
        throw new Error(`the digest channel ${channelId} is not a channel michi can post in`);
      }
      const { digest, messages } = await digestMessages(app, due);
      let firstId: string | null = null;
      for (const message of messages) {
        const sent = await channel.send(toPayload(message));
        firstId ??= sent.id;
      }
      if (firstId !== null) claims.posted(period, channelId, firstId);
      await app.learning.recordDigestPost({
        at: now(),
        since: new Date(digest.since),
        until: due,
        channel: channelId,
        messageId: firstId,
      });
      logger.info({ what: "digest", period, channel: channelId }, "digest posted");
      return "posted";
    } catch (error) {
      claims.release(period, channelId);
      throw error;
    }
  };

  return {
    postDue(at) {
      const run = queue.then(() => post(at));
      queue = run.catch(() => undefined);
      return run;
    },
    start() {
      job = new Cron(config.digest.cron, { timezone: config.digest.timezone }, () => {
        void this.postDue(now()).catch((error: unknown) =>
          logger.error({ err: error }, "posting the digest failed"),
        );
      });
    },
    stop() {
      job?.stop();
      job = null;
    },
  };
}
