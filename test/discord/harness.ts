/**
 * Runs michi's real bot (discord.js Client, app, SQLite, HNSW on disk) against the fake Discord
 * on loopback, over a scratch copy of the fixture notes.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { type Config, loadConfig } from "../../src/config.js";
import { type Bot, createBot } from "../../src/discord/bot.js";
import { deployCommands } from "../../src/discord/deploy.js";
import { createLogger, type Logger } from "../../src/logger.js";
import { makeWorkspace } from "../support/cli.js";
import {
  type FakeDiscord,
  type FakeDiscordOptions,
  startFakeDiscord,
} from "../support/fake-discord/index.js";

export const TOKEN = "MTMwMDAwMDAwMDAwMDAwMDAwMQ.Gfake0.fake-bot-token-for-tests-0123456789";
export const NOTE = "k8s-weekly-log-2.md";

export interface Harness {
  readonly fake: FakeDiscord;
  readonly ws: ReturnType<typeof makeWorkspace>;
  readonly config: Config;
  readonly app: App;
  readonly bot: Bot;
  readonly ownerId: string;
  readonly logLines: string[];
  readonly noteText: () => string;
  /** Starts another bot process-alike (own app, own client) on the same notes and data. */
  startAnother(overrides?: Partial<HarnessOptions>): Promise<{ app: App; bot: Bot }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly env?: Record<string, string> | ((fake: FakeDiscord) => Record<string, string>);
  /** Wraps the app the bot gets (fault injection). */
  readonly wrapApp?: (app: App) => App;
  readonly fakeOptions?: FakeDiscordOptions;
  readonly now?: () => Date;
  readonly watch?: boolean;
  readonly schedule?: boolean;
  /** Reuse a running fake (for a second bot). */
  readonly fake?: FakeDiscord;
  readonly ws?: ReturnType<typeof makeWorkspace>;
  readonly rateLimit?: { capacity?: number; refillMs?: number };
}

export const OWNER_ID = "1300000000000000900";

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const fake = options.fake ?? (await startFakeDiscord(options.fakeOptions));
  const ws = options.ws ?? makeWorkspace();
  fake.addUser({ id: OWNER_ID, username: "owner" });
  const env = {
    DISCORD_TOKEN: TOKEN,
    DISCORD_CLIENT_ID: fake.applicationId,
    DISCORD_GUILD_ID: fake.guildId,
    DISCORD_API_URL: fake.apiUrl,
    MICHI_OWNER_IDS: OWNER_ID,
    MICHI_TIMEZONE: "Asia/Tokyo",
    ...(typeof options.env === "function" ? options.env(fake) : options.env),
  };
  const config = loadConfig(env, { notesDir: ws.notes, dataDir: ws.data });
  const logLines: string[] = [];
  const makeLogger = (): Logger =>
    createLogger({
      level: "debug",
      destination: { write: (line: string) => void logLines.push(line) },
      secrets: [TOKEN],
    });
  if (options.fake === undefined) await deployCommands(config);
  const running: { app: App; bot: Bot }[] = [];
  const launch = async (o: Partial<HarnessOptions>) => {
    const app = createApp(config, { ...(o.now ? { now: o.now } : {}), logger: makeLogger() });
    const bot = createBot({
      config,
      app: o.wrapApp ? o.wrapApp(app) : app,
      logger: makeLogger(),
      ...(o.now ? { now: o.now } : {}),
      watch: o.watch ?? false,
      schedule: o.schedule ?? false,
      watchDebounceMs: 100,
      ...(o.rateLimit ? { rateLimit: o.rateLimit } : {}),
    });
    running.push({ app, bot });
    await bot.start();
    return { app, bot };
  };
  const first = await launch(options);
  return {
    fake,
    ws,
    config,
    app: first.app,
    bot: first.bot,
    ownerId: OWNER_ID,
    logLines,
    noteText: () => readFileSync(path.join(ws.notes, NOTE), "utf8"),
    startAnother: (overrides = {}) => launch({ ...options, ...overrides }),
    async close() {
      for (const r of running.reverse()) await r.bot.stop();
      if (options.fake === undefined) await fake.close();
      if (options.ws === undefined) ws.cleanup();
    },
  };
}

/** What every bot test asserts at its end: nothing Discord would reject, nothing that pings. */
export function expectWellBehaved(h: Harness): void {
  expect(h.fake.violations).toEqual([]);
  expect(h.fake.messagesWithoutSafeMentions().map((r) => `${r.method} ${r.path}`)).toEqual([]);
  for (const m of h.fake.messages()) {
    expect(m.allowedMentions, `message ${m.id}`).toMatchObject({ parse: [] });
    expect(m.pinged, `message ${m.id}`).toEqual({ everyone: false, users: [], roles: [] });
  }
  expect(h.logLines.join("")).not.toContain(TOKEN);
}
