/** A login the gateway refuses for a privileged intent says which switch to turn on. */
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createBot } from "../../src/discord/bot.js";
import { createLogger } from "../../src/logger.js";
import { makeWorkspace } from "../support/cli.js";
import { type FakeDiscord, startFakeDiscord } from "../support/fake-discord/index.js";
import { TOKEN } from "./harness.js";

let fake: FakeDiscord | undefined;
let ws: ReturnType<typeof makeWorkspace> | undefined;
afterEach(async () => {
  await fake?.close();
  ws?.cleanup();
});

describe("bot login", () => {
  it("names the Message Content Intent when chat channels need it and the portal has it off", async () => {
    fake = await startFakeDiscord({ privilegedIntents: 0 });
    ws = makeWorkspace();
    const config = loadConfig(
      {
        DISCORD_TOKEN: TOKEN,
        DISCORD_CLIENT_ID: fake.applicationId,
        DISCORD_API_URL: fake.apiUrl,
        MICHI_CHAT_CHANNEL_IDS: fake.channelId,
      },
      { notesDir: ws.notes, dataDir: ws.data },
    );
    const lines: string[] = [];
    const logger = createLogger({
      level: "debug",
      destination: { write: (line: string) => void lines.push(line) },
      secrets: [TOKEN],
    });
    const app = createApp(config, { logger });
    const bot = createBot({ config, app, logger, watch: false, schedule: false });
    const started = bot.start().then(
      () => "started",
      (error: Error) => error.message,
    );
    const outcome = await Promise.race([
      started,
      new Promise((resolve) => setTimeout(() => resolve("still waiting"), 20_000)),
    ]);
    await bot.stop();
    expect(outcome).toMatch(
      /^cannot log in to Discord: .*Message Content Intent.*MICHI_CHAT_CHANNEL_IDS/,
    );
    expect(lines.join("")).not.toContain(TOKEN);
  }, 60_000);
});
