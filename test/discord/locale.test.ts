/**
 * The language of Discord replies (src/discord/reply-language.ts), through the real discord.js
 * client against the fake Discord: Japanese for a Japanese client, else Japanese when the topic
 * typed is Japanese, else English; buttons and menus keep the language of the message they are on.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import type { InteractionHandle, RecordedMessage } from "../support/fake-discord/index.js";
import { expectWellBehaved, type Harness, NOTE, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const EPHEMERAL = 64;
const EN = "en-US";
const JA = "ja";

const text = (m: RecordedMessage | undefined) => JSON.stringify(m?.embeds ?? []);
const noteBytes = (harness: Harness) => readFileSync(path.join(harness.ws.notes, NOTE));

interface Component {
  readonly type: number;
  readonly custom_id: string;
  readonly label?: string;
  readonly placeholder?: string;
  readonly options?: { readonly value: string; readonly label: string }[];
}
function componentsOf(message: RecordedMessage | undefined): Component[] {
  return (message?.components ?? []).flatMap(
    (row) => (row as { components: Component[] }).components,
  );
}

/** A bot whose rate limit these multi-step flows do not reach. */
const start = () => startHarness({ rateLimit: { capacity: 50 } });

/** Runs a slash command as the owner with a client `locale`; returns its finished private reply. */
async function asOwner(
  harness: Harness,
  name: string,
  options: Record<string, string>,
  locale: string,
): Promise<RecordedMessage> {
  const run = await harness.fake.slashCommand(name, options, { userId: harness.ownerId, locale });
  const reply = await run.waitForOriginal();
  expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
  return reply;
}

/** The private, immediate reply an interaction got (a refusal, an expired choice…). */
async function privateReply(handle: InteractionHandle): Promise<string> {
  const response = await handle.response();
  expect(response.type).toBe(4);
  expect((response.data as { flags: number }).flags & EPHEMERAL).toBe(EPHEMERAL);
  return JSON.stringify(response.data);
}

describe("reply language", () => {
  it("the same commands answer a Japanese client in Japanese and an English one in English", async () => {
    h = await start();
    const original = noteBytes(h);

    // An English topic naming several items: the menu and its wording follow the client.
    const ja = await asOwner(h, "learned", { topic: "Pod" }, JA);
    expect(text(ja)).toContain("「Pod」に当てはまる項目が複数あります。まだ何も変更していません。");
    expect(text(ja)).toContain("(→ 既知)");
    expect(componentsOf(ja)[0]?.placeholder).toBe("どの項目ですか?");
    const en = await asOwner(h, "learned", { topic: "Pod" }, EN);
    expect(text(en)).toContain('\\"Pod\\" matches several items; nothing was changed yet.');
    expect(text(en)).toContain("(→ known)");
    expect(componentsOf(en)[0]?.placeholder).toBe("Which item do you mean?");
    expect(noteBytes(h).equals(original)).toBe(true);

    // A change: its status words and its Undo button.
    const marked = await asOwner(h, "mark", { topic: "Deployment", status: "partial" }, EN);
    expect(text(marked)).toContain("**Deploymentが何かは忘れた**: unknown → partial");
    expect(componentsOf(marked)[0]).toMatchObject({
      label: "Undo",
      custom_id: expect.stringMatching(/^undo:en:/),
    });
    const learned = await asOwner(h, "learned", { topic: "Deployment" }, JA);
    expect(text(learned)).toContain("**Deploymentが何かは忘れた**: 一部既知 → 既知");
    expect(componentsOf(learned)[0]).toMatchObject({
      label: "取り消す",
      custom_id: expect.stringMatching(/^undo:ja:/),
    });
    const already = await asOwner(h, "learned", { topic: "Deployment" }, EN);
    expect(text(already)).toContain(
      "Already known: **Deploymentが何かは忘れた**; nothing changed.",
    );
    const alreadyJa = await asOwner(h, "learned", { topic: "Deployment" }, JA);
    expect(text(alreadyJa)).toContain(
      "すでに既知です: **Deploymentが何かは忘れた**。何も変更していません。",
    );

    // /status, worded by the core's report in either language.
    const statusJa = await h.fake.slashCommand("status", {}, { locale: JA });
    expect(await privateReply(statusJa)).toMatch(/ノート1件、項目\d+件: ✅ 既知 \d+、/);
    const statusEn = await h.fake.slashCommand("status", {}, { locale: EN });
    expect(await privateReply(statusEn)).toMatch(/1 note, \d+ items: ✅ \d+ known, /);

    await h.bot.idle();
    expectWellBehaved(h);
  });

  it("words the rarer outcomes and the /mark choices in Japanese too", async () => {
    h = await start();
    const original = noteBytes(h);
    const emptyNote = await asOwner(h, "learned", { topic: "Deployment", note: " " }, JA);
    expect(text(emptyNote)).toContain("メモが空です。学んだことを書くか、メモを省いてください。");
    const emptyNoteEn = await asOwner(h, "learned", { topic: "Deployment", note: " " }, EN);
    expect(text(emptyNoteEn)).toContain("The note is empty");
    const emptyTopic = await asOwner(h, "unknown", { topic: " " }, JA);
    expect(text(emptyTopic)).toContain("話題を入力してください。");
    expect(noteBytes(h).equals(original)).toBe(true);
    // Discord shows a Japanese client the status choices' Japanese names.
    const mark = h.fake.commands.guild.find((c) => c.name === "mark") as unknown as {
      options: { name: string; choices?: { name: string; name_localizations?: object }[] }[];
    };
    expect(mark.options.find((o) => o.name === "status")?.choices).toEqual([
      { name: "✅ known", name_localizations: { ja: "✅ 既知" }, value: "known" },
      { name: "🔺 partial", name_localizations: { ja: "🔺 一部既知" }, value: "partial" },
      { name: "❓ unknown", name_localizations: { ja: "❓ 未知" }, value: "unknown" },
    ]);
    await h.bot.idle();
    expectWellBehaved(h);
  });

  it("a Japanese topic from an English client is answered in Japanese, through the menu, its pick and the Undo", async () => {
    h = await start();
    const original = noteBytes(h);

    const menu = await asOwner(h, "learned", { topic: "Podの区別" }, EN);
    expect(text(menu)).toContain("「Podの区別」に当てはまる項目が複数あります");
    const [select] = componentsOf(menu);
    expect(select?.placeholder).toBe("どの項目ですか?");
    const option = select?.options?.find((o) => o.label.includes("Podとコンテナの厳密な区別"));
    expect(option).toBeDefined();

    const pick = await h.fake.selectMenu(select?.custom_id ?? "", [option?.value ?? ""], menu, {
      userId: h.ownerId,
      locale: EN,
    });
    expect((await pick.response()).type).toBe(6);
    await h.bot.idle();
    const picked = h.fake.message(menu.id);
    expect(text(picked)).toContain("**Podとコンテナの厳密な区別ができていない");
    expect(text(picked)).toContain("未知 → 既知");
    const [undo] = componentsOf(picked);
    expect(undo).toMatchObject({
      label: "取り消す",
      custom_id: expect.stringMatching(/^undo:ja:/),
    });

    const press = await h.fake.button(undo?.custom_id ?? "", picked as RecordedMessage, {
      userId: h.ownerId,
      locale: EN,
    });
    expect((await press.response()).type).toBe(6);
    await h.bot.idle();
    expect(noteBytes(h).equals(original)).toBe(true);
    expect(text(h.fake.message(menu.id))).toContain("を取り消しました");

    // An English topic stays English for an English client; a Japanese client gets Japanese.
    const none = await asOwner(h, "learned", { topic: "Terraform" }, EN);
    expect(text(none)).toContain('No item matches \\"Terraform\\"; nothing was changed.');
    const noneJa = await asOwner(h, "learned", { topic: "Terraform" }, JA);
    expect(text(noneJa)).toContain(
      "「Terraform」に当てはまる項目はありません。何も変更していません。",
    );
    // Any language that is not Japanese counts as English.
    const noneFr = await asOwner(h, "learned", { topic: "Terraform" }, "fr");
    expect(text(noneFr)).toContain("No item matches");

    await h.bot.idle();
    expectWellBehaved(h);
  });

  it("'Add anyway' and the buttons under an answer reply in its language, or Japanese for a Japanese client", async () => {
    h = await start();

    // /unknown of something the notes mark known: the prompt and its button.
    const promptEn = await asOwner(h, "unknown", { topic: "DaemonSet" }, EN);
    expect(text(promptEn)).toContain("Your notes mark this as known: **DaemonSetは");
    expect(text(promptEn)).toContain("Add it as unknown anyway?");
    expect(componentsOf(promptEn)[0]?.label).toBe("Add anyway");
    const promptJa = await asOwner(h, "unknown", { topic: "DaemonSet" }, JA);
    expect(text(promptJa)).toContain("ノートではこれを既知としています: **DaemonSetは");
    expect(text(promptJa)).toContain("それでも未知として追加しますか?");
    const [force] = componentsOf(promptJa);
    expect(force?.label).toBe("それでも追加");
    const forced = await h.fake.button(force?.custom_id ?? "", promptJa, {
      userId: h.ownerId,
      locale: JA,
    });
    expect((await forced.response()).type).toBe(6);
    await h.bot.idle();
    expect(text(h.fake.message(promptJa.id))).toContain("ノートに追加しました: **DaemonSet**");

    // "Add to my unknowns" under a Japanese answer, pressed from an English client: Japanese.
    const jaAsk = await h.fake.slashCommand("ask", { question: "Istioのサービスメッシュとは?" });
    const jaAnswer = await jaAsk.waitForOriginal();
    expect(String((jaAnswer.embeds[0] as { title: string }).title)).toMatch(/^🕳️/);
    const jaAdd = await h.fake.button(`unknown:${jaAsk.id}`, jaAnswer, {
      userId: h.ownerId,
      locale: EN,
    });
    expect(text(await jaAdd.waitForOriginal())).toContain(
      "ノートに追加しました: **Istioのサービスメッシュとは?**",
    );

    // Under an English answer: English for an English client, Japanese for a Japanese one.
    const question = "How does Terraform state locking work?";
    const enAsk = await h.fake.slashCommand("ask", { question }, { locale: EN });
    const enAnswer = await enAsk.waitForOriginal();
    expect(String((enAnswer.embeds[0] as { title: string }).title)).toMatch(/^🕳️/);
    expect(componentsOf(enAnswer)[0]?.label).toBe("Add to my unknowns");
    const enAdd = await h.fake.button(`unknown:${enAsk.id}`, enAnswer, {
      userId: h.ownerId,
      locale: EN,
    });
    expect(text(await enAdd.waitForOriginal())).toContain(`Added to your notes: **${question}**`);
    const jaAgain = await h.fake.button(`unknown:${enAsk.id}`, enAnswer, {
      userId: h.ownerId,
      locale: JA,
    });
    expect(text(await jaAgain.waitForOriginal())).toContain(
      `すでに未知としてノートにあります: **${question}**`,
    );
    expect(readFileSync(path.join(h.ws.notes, "inbox.md"), "utf8")).toContain(`- X ${question}`);

    // 👍 / 👎 thank in the same language.
    const upEn = await h.fake.button(`fb:up:${enAsk.id}`, enAnswer, { locale: EN });
    expect(await privateReply(upEn)).toContain("👍 Thanks! Recorded.");
    const downJa = await h.fake.button(`fb:down:${jaAsk.id}`, jaAnswer, { locale: EN });
    expect(await privateReply(downJa)).toContain("👎 ありがとうございます。記録しました。");

    await h.bot.idle();
    expectWellBehaved(h);
  });

  it("refusals and private notices follow the same rule", async () => {
    let clock = Date.now();
    h = await startHarness({ rateLimit: { capacity: 50 }, now: () => new Date(clock) });
    const original = noteBytes(h);
    const stranger = h.fake.user.id;

    const refusedEn = await h.fake.slashCommand(
      "learned",
      { topic: "Deployment" },
      { userId: stranger, locale: EN },
    );
    expect(await privateReply(refusedEn)).toContain(
      "🚫 Only the owners of these notes can change them.",
    );
    const refusedTopic = await h.fake.slashCommand(
      "unknown",
      { topic: "etcdのバックアップ" },
      { userId: stranger, locale: EN },
    );
    expect(await privateReply(refusedTopic)).toContain(
      "🚫 ノートを変更できるのはノートの持ち主だけです。",
    );
    const refusedJa = await h.fake.slashCommand("undo", {}, { userId: stranger, locale: JA });
    expect(await privateReply(refusedJa)).toContain("ノートを変更できるのはノートの持ち主だけです");

    // Choices and answers no longer on record: a button has no text, so the client decides.
    const enMenu = await asOwner(h, "learned", { topic: "Pod" }, EN);
    const jaMenu = await asOwner(h, "learned", { topic: "Pod" }, EN);
    clock += 16 * 60_000;
    for (const [menu, locale, expected] of [
      [enMenu, EN, "This choice has expired; run the command again."],
      [jaMenu, JA, "この選択肢は期限切れです。もう一度コマンドを実行してください。"],
    ] as const) {
      const [select] = componentsOf(menu);
      const value = select?.options?.[0]?.value ?? "";
      const pick = await h.fake.selectMenu(select?.custom_id ?? "", [value], menu, {
        userId: h.ownerId,
        locale,
      });
      expect(await privateReply(pick)).toContain(expected);
    }
    const ask = await h.fake.slashCommand("ask", { question: "Deploymentって何?" });
    const answer = await ask.waitForOriginal();
    // As after the data folder was reset: the answer's record is gone.
    (await h.app.history()).db.prepare("DELETE FROM learning_answers WHERE key = ?").run(ask.id);
    for (const [locale, expected] of [
      [EN, "That answer is no longer on record; ask again."],
      [JA, "この回答の記録はもうありません。もう一度質問してください。"],
    ] as const) {
      const learn = await h.fake.button(`learn:${ask.id}`, answer, { userId: h.ownerId, locale });
      expect(await privateReply(learn)).toContain(expected);
    }
    const vote = await h.fake.button(`fb:up:${ask.id}`, answer, { locale: EN });
    expect(await privateReply(vote)).toContain("That answer is no longer on record.");
    for (const [locale, expected] of [
      [EN, "That message has no text to ask about."],
      [JA, "このメッセージには質問できるテキストがありません。"],
    ] as const) {
      const empty = await h.fake.messageContextMenu("Ask michi", { content: " " }, { locale });
      expect(await privateReply(empty)).toContain(expected);
    }

    await h.bot.idle();
    expect(noteBytes(h).equals(original)).toBe(true);
    expectWellBehaved(h);
  });

  it("the apology and the rate limit are in the client's language", async () => {
    h = await startHarness({
      rateLimit: { capacity: 1, refillMs: 60_000 },
      wrapApp: (app: App): App => ({
        ...app,
        status: async () => {
          throw new Error("disk on fire");
        },
      }),
    });
    const english = h.fake.addUser({ username: "english" });
    const japanese = h.fake.addUser({ username: "japanese" });

    const failedEn = await h.fake.slashCommand("status", {}, { userId: english.id, locale: EN });
    const apologyEn = await failedEn.waitFor((e) => JSON.stringify(e.data ?? {}).includes("ref"));
    expect(JSON.stringify(apologyEn.data)).toContain(
      `😣 Sorry, something went wrong while handling this (ref ${failedEn.id}). It has been logged.`,
    );
    const failedJa = await h.fake.slashCommand("status", {}, { userId: japanese.id, locale: JA });
    const apologyJa = await failedJa.waitFor((e) => JSON.stringify(e.data ?? {}).includes("参照"));
    expect(JSON.stringify(apologyJa.data)).toContain(
      `😣 すみません、処理中にエラーが発生しました(参照: ${failedJa.id})。ログに記録しました。`,
    );
    expect(JSON.stringify([apologyEn.data, apologyJa.data])).not.toContain("disk on fire");

    const slowEn = await h.fake.slashCommand("status", {}, { userId: english.id, locale: EN });
    expect(await privateReply(slowEn)).toMatch(/🚫 Slow down a little: try again in \d+ s\./);
    const slowJa = await h.fake.slashCommand("status", {}, { userId: japanese.id, locale: JA });
    expect(await privateReply(slowJa)).toMatch(
      /🚫 少し間をおいてください。\d+秒後にもう一度お試しください。/,
    );

    await h.bot.idle();
    expectWellBehaved(h);
  });
});
