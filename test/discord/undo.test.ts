/**
 * `/undo` and the "Undo" button, through the real discord.js client against the fake Discord:
 * only owners, only exactly the change meant, byte for byte, never over a later edit.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { InteractionHandle, RecordedMessage } from "../support/fake-discord/index.js";
import { expectWellBehaved, type Harness, NOTE, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const EPHEMERAL = 64;
const EN = { locale: "en-US" };
const text = (m: RecordedMessage | undefined) => JSON.stringify(m?.embeds ?? []);
const notePath = (harness: Harness) => path.join(harness.ws.notes, NOTE);
const noteBytes = (harness: Harness) => readFileSync(notePath(harness));
const journal = (harness: Harness) => {
  const file = path.join(harness.ws.data, "versions", "journal.jsonl");
  return existsSync(file) ? readFileSync(file, "utf8") : "";
};

/** A bot whose rate limit these multi-step flows do not reach (interactions.test tests the limit). */
const start = () => startHarness({ rateLimit: { capacity: 50 } });

function buttonIds(message: RecordedMessage): string[] {
  return message.components.flatMap((row) =>
    (row.components as { custom_id: string }[]).map((c) => c.custom_id),
  );
}

/** Runs a slash command as the owner and returns its finished private reply. */
async function asOwner(
  harness: Harness,
  name: string,
  options: Record<string, string> = {},
  locale = "en-US",
): Promise<RecordedMessage> {
  const run = await harness.fake.slashCommand(name, options, { userId: harness.ownerId, locale });
  const reply = await run.waitForOriginal();
  expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
  expect(text(reply)).not.toContain("🚫 Slow down");
  return reply;
}

/** The private message a button press answered with (a follow-up), or the edited original. */
async function pressed(handle: InteractionHandle): Promise<{ type: number; followup?: string }> {
  const response = await handle.response();
  if (response.type !== 6) return { type: response.type };
  const event = await handle.waitFor((e) => e.kind === "followup" || e.kind === "edit");
  if (event.kind !== "followup") return { type: 6 };
  const [followup] = handle.followups();
  expect((followup?.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
  return { type: 6, followup: text(followup) };
}

describe("/undo", () => {
  it("after /learned puts the note back byte for byte and says what it undid, in English", async () => {
    h = await start();
    const original = noteBytes(h);
    await asOwner(h, "learned", { topic: "Deployment", note: "ReplicaSetを管理する" });
    expect(noteBytes(h).equals(original)).toBe(false);

    const reply = await asOwner(h, "undo");

    expect(noteBytes(h).equals(original)).toBe(true);
    const said = text(reply);
    expect(said).toContain("↩️ Undid **learned: Deploymentが何かは忘れた** (<t:");
    expect(said).toContain(`\`${NOTE}\` is back to the version before it`);
    expect(said).toContain("**Deploymentが何かは忘れた**: known → unknown");
    expect(said).toContain(`${NOTE} › Pod関連:`);
    // Nothing left: the next /undo says so (in Japanese for a Japanese client) and writes nothing.
    const again = await asOwner(h, "undo", {}, "ja");
    expect(text(again)).toContain("取り消せる変更はありません");
    expect(noteBytes(h).equals(original)).toBe(true);
    await h.bot.idle();
    expectWellBehaved(h);
  });

  it("answers in Japanese for a Japanese Discord client, and is described in both", async () => {
    h = await start();
    const original = noteBytes(h);
    await asOwner(h, "mark", { topic: "Deploymentが何かは忘れた", status: "partial" }, "ja");

    const reply = await asOwner(h, "undo", {}, "ja");

    expect(noteBytes(h).equals(original)).toBe(true);
    expect(text(reply)).toContain("**mark partial: Deploymentが何かは忘れた** (<t:");
    expect(text(reply)).toContain("を取り消しました");
    expect(text(reply)).toContain("一部既知 → 未知");
    const registered = h.fake.commands.guild.find((c) => c.name === "undo") as unknown as {
      description: string;
      description_localizations?: Record<string, string>;
    };
    expect(registered.description).toMatch(/^Put back the note michi changed last/);
    expect(registered.description_localizations?.ja).toMatch(/元に戻します/);
    await h.bot.idle();
    expectWellBehaved(h);
  });

  it("says there is nothing to undo when michi changed nothing", async () => {
    h = await start();
    const original = noteBytes(h);
    const reply = await asOwner(h, "undo");
    expect(text(reply)).toContain(
      "Nothing to undo: michi has made no change to a note that is not undone yet.",
    );
    expect(noteBytes(h).equals(original)).toBe(true);
    expect(journal(h)).toBe("");
    await h.bot.idle();
    expectWellBehaved(h);
  });

  it("refuses anyone but an owner, privately, and changes no byte", async () => {
    h = await start();
    await asOwner(h, "learned", { topic: "Deployment" });
    const changed = noteBytes(h);
    const journaled = journal(h);

    const run = await h.fake.slashCommand("undo", {}, { userId: h.fake.user.id, ...EN });
    const response = await run.response();

    expect(response.type).toBe(4);
    expect((response.data as { flags: number }).flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(JSON.stringify(response.data)).toContain(
      "Only the owners of these notes can change them",
    );
    await h.bot.idle();
    expect(noteBytes(h).equals(changed)).toBe(true);
    expect(journal(h)).toBe(journaled);
    expectWellBehaved(h);
  });

  it("refuses when the note was edited since, naming the kept version, and leaves the note alone", async () => {
    h = await start();
    const original = noteBytes(h);
    await asOwner(h, "learned", { topic: "Deployment" });
    appendFileSync(notePath(h), "- X typed by hand after michi's change\n");
    const edited = noteBytes(h);

    const reply = await asOwner(h, "undo");

    expect(noteBytes(h).equals(edited)).toBe(true);
    const said = text(reply);
    expect(said).toContain(
      `🚫 \`${NOTE}\` changed since michi's change to it (**learned: Deploymentが何かは忘れた** (<t:`,
    );
    expect(said).toContain("so undo would overwrite that: nothing was changed");
    const kept = /as `(versions\/[^`]+\.md)`/.exec(said)?.[1];
    expect(kept).toMatch(new RegExp(`^versions/${NOTE.replace(".", "\\.")}/.+\\.md$`));
    // The named version is the note as it was before /learned.
    expect(readFileSync(path.join(h.ws.data, ...(kept ?? "").split("/"))).equals(original)).toBe(
      true,
    );
    // No absolute path of the host reaches Discord.
    expect(said).not.toContain(h.ws.data);
    await h.bot.idle();
    expectWellBehaved(h);
  });

  it("never pings: an undone unknown whose text holds @everyone stays text", async () => {
    h = await start();
    await asOwner(h, "unknown", { topic: "@everyone と <@&1300000000000000777> の違い" });
    expect(existsSync(path.join(h.ws.notes, "inbox.md"))).toBe(true);

    const reply = await asOwner(h, "undo");

    expect(text(reply)).toContain("@everyone");
    expect(text(reply)).toContain("michi had created `inbox.md`, so it is removed");
    expect(existsSync(path.join(h.ws.notes, "inbox.md"))).toBe(false);
    await h.bot.idle();
    expectWellBehaved(h);
  });
});

describe("the Undo button under a change", () => {
  it("undoes exactly that change and replaces the reply, its button gone", async () => {
    h = await start();
    const original = noteBytes(h);
    const reply = await asOwner(h, "learned", { topic: "Deployment" });
    const [undoId] = buttonIds(reply);
    // The reply was in English, so its undo answers in English too.
    expect(undoId).toMatch(/^undo:en:\d{4}-\d\d-\d\dT[\d:.]+Z-[0-9a-f]{8}$/);

    const press = await pressed(
      await h.fake.button(undoId ?? "", reply, { userId: h.ownerId, ...EN }),
    );

    expect(press).toEqual({ type: 6 });
    await h.bot.idle();
    expect(noteBytes(h).equals(original)).toBe(true);
    const updated = h.fake.message(reply.id);
    expect(text(updated)).toContain("Undid **learned: Deploymentが何かは忘れた**");
    expect(updated?.components).toEqual([]);

    expectWellBehaved(h);
  });

  it("says a change /undo already undid was undone, and writes nothing", async () => {
    h = await start();
    const original = noteBytes(h);
    const reply = await asOwner(h, "learned", { topic: "Deployment" });
    await asOwner(h, "undo");
    expect(noteBytes(h).equals(original)).toBe(true);
    await asOwner(h, "mark", { topic: "kubeletの役割", status: "partial" });
    const later = noteBytes(h);

    const press = await pressed(
      await h.fake.button(buttonIds(reply)[0] ?? "", reply, { userId: h.ownerId, ...EN }),
    );

    expect(press.followup).toContain("**learned: Deploymentが何かは忘れた** (<t:");
    expect(press.followup).toContain("was undone already; nothing was changed");
    await h.bot.idle();
    expect(noteBytes(h).equals(later)).toBe(true);
    expectWellBehaved(h);
  });

  it("refuses after another change, even one that left the note as this change did", async () => {
    h = await start();
    const original = noteBytes(h);
    const first = await asOwner(h, "learned", { topic: "Deployment" });
    const learnedBytes = noteBytes(h);
    await asOwner(h, "mark", { topic: "Deploymentが何かは忘れた", status: "unknown" });
    await asOwner(h, "learned", { topic: "Deployment" });
    expect(noteBytes(h).equals(learnedBytes)).toBe(true);
    const [firstUndo] = buttonIds(first);

    const press = await pressed(
      await h.fake.button(firstUndo ?? "", first, { userId: h.ownerId, ...EN }),
    );

    expect(press.followup).toContain(
      "is no longer michi's last change: **learned: Deploymentが何かは忘れた** (<t:",
    );
    expect(press.followup).toContain("Nothing was changed, so as not to undo a different change");
    await h.bot.idle();
    expect(noteBytes(h).equals(learnedBytes)).toBe(true);
    // The first reply keeps its button: once the later changes are undone, it works.
    expect(buttonIds(h.fake.message(first.id) as RecordedMessage)).toEqual([firstUndo]);
    await asOwner(h, "undo");
    await asOwner(h, "undo");
    expect(noteBytes(h).equals(learnedBytes)).toBe(true);
    expect(
      await pressed(await h.fake.button(firstUndo ?? "", first, { userId: h.ownerId })),
    ).toEqual({ type: 6 });
    await h.bot.idle();
    expect(noteBytes(h).equals(original)).toBe(true);
    expectWellBehaved(h);
  });

  it("refuses when the note was edited since, and says so privately in Japanese", async () => {
    h = await start();
    const reply = await asOwner(h, "mark", { topic: "Deploymentが何かは忘れた", status: "known" });
    appendFileSync(notePath(h), "- X 手で追記した項目\n");
    const edited = noteBytes(h);

    const press = await pressed(
      await h.fake.button(buttonIds(reply)[0] ?? "", reply, { userId: h.ownerId, locale: "ja" }),
    );

    expect(press.followup).toContain("の後に編集されています");
    expect(press.followup).toContain(`versions/${NOTE}/`);
    await h.bot.idle();
    expect(noteBytes(h).equals(edited)).toBe(true);
    expectWellBehaved(h);
  });

  it("is under /unknown's and 'I learned this' changes too, and refused to anyone but an owner", async () => {
    h = await start();
    const added = await asOwner(h, "unknown", { topic: "etcdのバックアップ" });
    expect(buttonIds(added)[0]).toMatch(/^undo:/);
    const ask = await h.fake.slashCommand("ask", { question: "Deploymentって何?" });
    const answer = await ask.waitForOriginal();
    const click = await h.fake.button(`learn:${ask.id}`, answer, { userId: h.ownerId });
    const learned = await click.waitForOriginal();
    expect(text(learned)).toContain("未知 → 既知");
    const [learnedUndo] = buttonIds(learned);
    expect(learnedUndo).toMatch(/^undo:/);
    const changed = noteBytes(h);
    const journaled = journal(h);

    const stranger = await h.fake.button(learnedUndo ?? "", learned, { userId: h.fake.user.id });
    const response = await stranger.response();

    expect(response.type).toBe(4);
    expect((response.data as { flags: number }).flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(JSON.stringify(response.data)).toContain("ノートを変更できるのはノートの持ち主だけです");
    await h.bot.idle();
    expect(noteBytes(h).equals(changed)).toBe(true);
    expect(journal(h)).toBe(journaled);
    expect(readdirSync(h.ws.notes)).toContain("inbox.md");
    expectWellBehaved(h);
  });
});
