/** What the fake Discord server remembers: users, channels, messages, commands, interactions. */
import { randomBytes } from "node:crypto";
import type { Json } from "./limits.js";

const DISCORD_EPOCH = 1420070400000n;
let increment = 0n;

/** A real-looking snowflake (timestamp in the top bits) so discord.js derives sane dates. */
export function snowflake(at: number = Date.now()): string {
  increment = (increment + 1n) % 4096n;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}

export function interactionToken(): string {
  return `aW50ZXJhY3Rpb246${randomBytes(48).toString("base64url")}`;
}

export interface FakeUser {
  readonly id: string;
  readonly username: string;
  readonly bot?: boolean;
  readonly globalName?: string;
}

export interface FakeChannel {
  readonly id: string;
  /** 0 guild text, 11 public thread, 12 private thread. */
  readonly type: number;
  name: string;
  readonly parentId: string | null;
  readonly ownerId: string | null;
  archived: boolean;
  locked: boolean;
  messageCount: number;
  lastMessageId: string | null;
  readonly createdAt: number;
}

export interface RecordedAttachment {
  readonly id: string;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly data: Buffer;
  readonly url: string;
  readonly description?: string;
}

/** Who would actually have been notified, given the content and `allowed_mentions`. */
export interface Pinged {
  readonly everyone: boolean;
  readonly users: string[];
  readonly roles: string[];
}

export interface RecordedMessage {
  readonly id: string;
  readonly channelId: string;
  readonly guildId: string;
  readonly author: FakeUser;
  /** True when the bot (or its interaction webhook) wrote it. */
  readonly fromBot: boolean;
  type: number;
  content: string;
  embeds: Json[];
  components: Json[];
  attachments: RecordedAttachment[];
  /** `allowed_mentions` exactly as the last request that wrote this message sent it (undefined: absent). */
  allowedMentions: Json | undefined;
  flags: number;
  readonly ephemeral: boolean;
  pinged: Pinged;
  /** User ids written as `<@id>` in the content. */
  mentions: string[];
  readonly messageReference?: Json;
  readonly interactionId?: string;
  readonly createdAt: number;
  editedAt: number | null;
  edits: number;
  deleted: boolean;
  /** Id of the thread started from this message, if any. */
  threadId: string | null;
  /** Emoji the bot reacted with. */
  reactions: string[];
}

export interface RegisteredCommand extends Json {
  id: string;
  name: string;
  type: number;
}

export function parseMentionIds(content: string): { users: string[]; roles: string[] } {
  const users = [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1] as string);
  const roles = [...content.matchAll(/<@&(\d+)>/g)].map((m) => m[1] as string);
  return { users: [...new Set(users)], roles: [...new Set(roles)] };
}

/**
 * Discord's mention rules: without `allowed_mentions` every mention in the content pings; with it,
 * only the kinds in `parse` plus the ids listed in `users` / `roles`.
 */
export function computePinged(content: string, allowed: Json | undefined): Pinged {
  const { users, roles } = parseMentionIds(content);
  const everyone = /@(everyone|here)\b/.test(content);
  if (allowed === undefined) return { everyone, users, roles };
  const parse = Array.isArray(allowed.parse) ? (allowed.parse as unknown[]) : [];
  const listed = (key: string) =>
    new Set(Array.isArray(allowed[key]) ? (allowed[key] as unknown[]).map(String) : []);
  const allowedUsers = listed("users");
  const allowedRoles = listed("roles");
  return {
    everyone: everyone && parse.includes("everyone"),
    users: users.filter((id) => parse.includes("users") || allowedUsers.has(id)),
    roles: roles.filter((id) => parse.includes("roles") || allowedRoles.has(id)),
  };
}

/** Wakes waiters whenever the fake's state changes, so tests wait on conditions, not on sleeps. */
export class Changes {
  readonly #waiters = new Set<() => void>();

  notify(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  /** Resolves with `check()`'s first non-undefined value; rejects after `timeoutMs` naming `what`. */
  waitFor<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    let first: T | undefined;
    try {
      first = check();
    } catch (error) {
      return Promise.reject(error);
    }
    if (first !== undefined) return Promise.resolve(first);
    return new Promise<T>((resolve, reject) => {
      const wake = () => {
        let value: T | undefined;
        try {
          value = check();
        } catch (error) {
          done();
          reject(error);
          return;
        }
        if (value !== undefined) {
          done();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`fake Discord: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
      };
      this.#waiters.add(wake);
    });
  }
}
