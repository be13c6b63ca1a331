/** The scheduled digest (once per period, across restarts and processes), /digest, the watcher. */
import { appendFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { dueOccurrence } from "../../src/discord/digest-schedule.js";
import { expectWellBehaved, type Harness, NOTE, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
// Monday 2026-11-23 09:00 in Tokyo is 00:00 UTC.
const DUE = new Date("2026-11-23T00:00:00Z");

function digestEnv(fake: { channelId: string }) {
  return {
    MICHI_DIGEST_CHANNEL_ID: fake.channelId,
    MICHI_DIGEST_CRON: "0 9 * * 1",
    MICHI_TIMEZONE: "Asia/Tokyo",
  };
}

describe("dueOccurrence", () => {
  it("is the latest occurrence at or before the instant, in the time zone", () => {
    expect(dueOccurrence("0 9 * * 1", "Asia/Tokyo", DUE)).toEqual(DUE);
    expect(dueOccurrence("0 9 * * 1", "Asia/Tokyo", new Date(+DUE - 1))).toEqual(
      new Date(+DUE - 7 * 86_400_000),
    );
    expect(dueOccurrence("0 9 * * 1", "Asia/Tokyo", new Date(+DUE + 3 * 86_400_000))).toEqual(DUE);
  });
});

describe("the weekly digest post", () => {
  it("posts the due period with the chart attached, once; a second bot on the same data does not", async () => {
    let now = new Date(+DUE + 60_000);
    h = await startHarness({ env: digestEnv, now: () => now });
    expect(await h.bot.postDueDigest()).toBe("posted");
    const [post] = h.fake.messages(h.fake.channelId);
    expect(post?.attachments[0]?.filename).toBe("progress.png");
    expect(post?.attachments[0]?.data.subarray(0, 4)).toEqual(PNG);
    const embed = post?.embeds[0] as { description: string; image: { url: string } };
    expect(embed.image.url).toBe("attachment://progress.png");
    expect(embed.description).toMatch(/^📅 2026-11-16 – 2026-11-23 \(Asia\/Tokyo\)/);
    expect(JSON.stringify(post)).not.toContain(h.ws.dir);
    expect(await h.bot.postDueDigest()).toBe("already");
    const other = await h.startAnother({ now: () => now });
    expect(await other.bot.postDueDigest()).toBe("already");
    // The next period is new.
    now = new Date(+DUE + 7 * 86_400_000 + 1000);
    expect(await other.bot.postDueDigest()).toBe("posted");
    expect(h.fake.messages(h.fake.channelId)).toHaveLength(2);
    expectWellBehaved(h);
  });

  it("posts a period missed while down at start-up, once, whatever restarts and bots follow", async () => {
    const now = new Date(+DUE + 2 * 86_400_000);
    h = await startHarness({ env: digestEnv, now: () => now, schedule: true });
    await h.bot.idle();
    expect(h.fake.messages(h.fake.channelId)).toHaveLength(1);
    // A restart and a second process on the same data dir, both starting up at once.
    const [a, b] = await Promise.all([
      h.startAnother({ now: () => now, schedule: true }),
      h.startAnother({ now: () => now, schedule: true }),
    ]);
    await Promise.all([a.bot.idle(), b.bot.idle()]);
    expect(h.fake.messages(h.fake.channelId)).toHaveLength(1);
    expectWellBehaved(h);
  });

  it("gives the period back when posting fails, so the next attempt posts it", async () => {
    const now = new Date(+DUE + 60_000);
    h = await startHarness({ env: digestEnv, now: () => now });
    h.fake.failNext("POST /channels/:channel/messages", 500, undefined, 5);
    await expect(h.bot.postDueDigest()).rejects.toThrow();
    expect(await h.bot.postDueDigest()).toBe("posted");
    expect(h.fake.messages(h.fake.channelId)).toHaveLength(1);
  });

  it("/digest previews privately with the chart", async () => {
    h = await startHarness();
    const run = await h.fake.slashCommand("digest");
    expect((await run.response()).type).toBe(5);
    const message = await run.waitForOriginal();
    expect(message.flags & 64).toBe(64);
    expect(message.attachments[0]?.filename).toBe("progress.png");
    expect(JSON.stringify(message.embeds)).toContain("📅");
    // The notes are Japanese, so is the digest (the weekly post reads the same).
    expect(JSON.stringify(message.embeds)).toContain("進捗:");
    await h.bot.idle();
    expectWellBehaved(h);
  });
});

describe("the notes watcher", () => {
  it("indexes a hand edit while the bot runs; /ask then finds it without a scan", async () => {
    h = await startHarness({ watch: true });
    appendFileSync(
      path.join(h.ws.notes, NOTE),
      "\n## Ingress\n\n- O Ingressはクラスタ外からのHTTPをServiceへ振り分ける\n",
    );
    const deadline = Date.now() + 20_000;
    let found = false;
    while (!found && Date.now() < deadline) {
      const sources = await h.app.search("Ingressとは?", 3);
      found = sources.some((s) => s.text.startsWith("Ingressはクラスタ外から"));
      if (!found) await new Promise((r) => setTimeout(r, 200));
    }
    expect(found).toBe(true);
    const ask = await h.fake.slashCommand("ask", { question: "Ingressとは?" });
    const answer = await ask.waitForOriginal();
    expect(JSON.stringify(answer.embeds)).toContain("Ingressはクラスタ外から");
    await h.bot.idle();
    expectWellBehaved(h);
  });
});
