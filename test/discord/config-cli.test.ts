/** Start-up checks of the Discord settings, and `michi invite` / `deploy-commands` / `bot`. */
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig, requireDiscord } from "../../src/config.js";
import { COMMANDS } from "../../src/discord/commands/index.js";
import { makeWorkspace, runInProcess } from "../support/cli.js";
import { type FakeDiscord, startFakeDiscord } from "../support/fake-discord/index.js";

const ID = "123456789012345678";
let fake: FakeDiscord | undefined;
let ws: ReturnType<typeof makeWorkspace> | undefined;
afterEach(async () => {
  await fake?.close();
  ws?.cleanup();
  fake = undefined;
  ws = undefined;
});

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  return "";
}

describe("Discord configuration", () => {
  it("rejects malformed snowflakes with one line naming the variable", () => {
    expect(errorOf({ DISCORD_CLIENT_ID: "my-bot" })).toMatch(
      /DISCORD_CLIENT_ID: expected a Discord id/,
    );
    expect(errorOf({ DISCORD_GUILD_ID: "12" })).toMatch(/DISCORD_GUILD_ID: expected a Discord id/);
    expect(errorOf({ MICHI_DIGEST_CHANNEL_ID: "#general" })).toMatch(/MICHI_DIGEST_CHANNEL_ID/);
    expect(errorOf({ MICHI_OWNER_IDS: `${ID},alice` })).toMatch(
      /MICHI_OWNER_IDS: .*not one: "alice"/,
    );
    expect(errorOf({ MICHI_CHAT_CHANNEL_IDS: `${ID} 42` })).toMatch(/MICHI_CHAT_CHANNEL_IDS/);
    const both = errorOf({ DISCORD_CLIENT_ID: "x", MICHI_OWNER_IDS: "y" }).split("\n");
    expect(both).toHaveLength(3);
  });

  it("rejects a bad cron expression or time zone", () => {
    expect(errorOf({ MICHI_DIGEST_CRON: "every monday" })).toMatch(
      /MICHI_DIGEST_CRON: expected a cron/,
    );
    expect(errorOf({ MICHI_DIGEST_CRON: "0 25 * * 1" })).toMatch(/MICHI_DIGEST_CRON/);
    expect(errorOf({ MICHI_TIMEZONE: "Tokyo" })).toMatch(/MICHI_TIMEZONE: expected an IANA/);
    expect(errorOf({ MICHI_DIGEST_CRON: "30 8 * * 5", MICHI_TIMEZONE: "Asia/Tokyo" })).toBe("");
  });

  it("names each missing setting on its own line, never echoing the token", () => {
    expect(() => requireDiscord(loadConfig({}), ["token", "clientId"])).toThrow(
      /DISCORD_TOKEN is not set.*\n\s+DISCORD_CLIENT_ID is not set/,
    );
    expect(requireDiscord(loadConfig({ DISCORD_CLIENT_ID: ID }), ["clientId"]).clientId).toBe(ID);
  });
});

describe("michi invite / deploy-commands / bot", () => {
  it("invite prints the link from the client id", async () => {
    ws = makeWorkspace();
    const run = await runInProcess(["invite"], { cwd: ws.dir, env: { DISCORD_CLIENT_ID: ID } });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^https:\/\/discord\.com\/oauth2\/authorize\?client_id=123456789012345678&scope=bot\+applications\.commands&permissions=\d+\n$/,
    );
    const missing = await runInProcess(["invite"], { cwd: ws.dir, env: {} });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^michi: DISCORD_CLIENT_ID is not set/);
  });

  it("deploy-commands registers to the guild when set, globally otherwise", async () => {
    ws = makeWorkspace();
    fake = await startFakeDiscord();
    const env = {
      DISCORD_TOKEN: "t0k3n-value-for-the-test",
      DISCORD_CLIENT_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
    };
    const guild = await runInProcess(["deploy-commands"], {
      cwd: ws.dir,
      env: { ...env, DISCORD_GUILD_ID: fake.guildId },
    });
    expect(guild.stderr).toBe("");
    expect(guild.stdout).toMatch(/registered \d+ commands to guild/);
    expect(fake.commands.guild.map((c) => c.name).sort()).toEqual(
      COMMANDS.map((c) => c.data.name).sort(),
    );
    expect(fake.commands.guild.map((c) => c.name)).toContain("ask");
    expect(fake.commands.global).toEqual([]);
    const global = await runInProcess(["deploy-commands"], { cwd: ws.dir, env });
    expect(global.stdout).toMatch(/globally/);
    expect(fake.commands.global.map((c) => c.name)).toContain("ask");
    expect(fake.violations).toEqual([]);
  });

  it("bot refuses to start without a token, on one line", async () => {
    ws = makeWorkspace();
    const run = await runInProcess(["bot"], { cwd: ws.dir, env: { DISCORD_CLIENT_ID: ID } });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "michi: DISCORD_TOKEN is not set: the bot's token (Developer Portal › your application › Bot › Reset Token)\n",
    );
  });
});
