/** The commands, buttons and select menu that change notes, by an owner and by anyone else. */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RecordedMessage } from "../support/fake-discord/index.js";
import { expectWellBehaved, type Harness, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const EPHEMERAL = 64;
/** The fake's users have a Japanese Discord client unless a test says otherwise. */
const OWNERS_ONLY_JA = "ノートを変更できるのはノートの持ち主だけです";
const DEPLOYMENT = "- X Deploymentが何かは忘れた";

function notesDigest(dir: string): string {
  const hash = createHash("sha256");
  for (const name of readdirSync(dir, { recursive: true }).map(String).sort()) {
    hash.update(name);
    hash.update(readFileSync(path.join(dir, name)));
  }
  return hash.digest("hex");
}

function componentIds(message: RecordedMessage): string[] {
  return message.components.flatMap((row) =>
    (row.components as { custom_id: string }[]).map((c) => c.custom_id),
  );
}

interface Menu {
  readonly custom_id: string;
  readonly options: { readonly value: string; readonly label: string }[];
}
function menuOf(message: RecordedMessage): Menu | undefined {
  return ((message.components[0]?.components ?? []) as Menu[])[0];
}

const text = (m: RecordedMessage | undefined) => JSON.stringify(m?.embeds ?? []);

describe("learning from Discord, as an owner", () => {
  it("/learned autocomplete lists open items with note › section, ≤ 25, values are item ids", async () => {
    h = await startHarness();
    const empty = await h.fake.autocomplete("learned", "topic", "");
    const all = (await empty.response()).data as { choices: { name: string; value: string }[] };
    expect(all.choices.length).toBeGreaterThan(0);
    expect(all.choices.length).toBeLessThanOrEqual(25);
    for (const c of all.choices) {
      expect(c.name.length).toBeLessThanOrEqual(100);
      expect(c.name).toMatch(/^(❓|🔺) .+ — k8s-weekly-log-2\.md › /);
      expect(c.value).toMatch(/^[A-Za-z0-9_-]{16}$/);
    }
    const typed = await h.fake.autocomplete("learned", "topic", "Deployment");
    const found = (await typed.response()).data as { choices: { name: string }[] };
    expect(found.choices[0]?.name).toBe(
      "❓ Deploymentが何かは忘れた — k8s-weekly-log-2.md › Pod関連",
    );
    await h.bot.idle();
    expectWellBehaved(h);
  });

  it("/learned with an autocomplete choice changes exactly that item, with the note", async () => {
    h = await startHarness();
    const before = h.noteText();
    const typed = await h.fake.autocomplete("learned", "topic", "Deployment");
    const [choice] = ((await typed.response()).data as { choices: { value: string }[] }).choices;
    const run = await h.fake.slashCommand(
      "learned",
      { topic: choice?.value ?? "", note: "ReplicaSetを管理する" },
      { userId: h.ownerId },
    );
    expect((await run.response()).type).toBe(5);
    const reply = await run.waitForOriginal();
    expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(text(reply)).toContain("未知 → 既知");
    const after = h.noteText();
    expect(after).toContain("- O Deploymentが何かは忘れた");
    expect(after).toMatch(
      /- O Deploymentが何かは忘れた\n {2}- learned \d{4}-\d\d-\d\d: ReplicaSetを管理する\n/,
    );
    // Only the marker changed and one line was added.
    expect(
      after
        .replace("- O Deploymentが何かは忘れた", DEPLOYMENT)
        .replace(/ {2}- learned [^\n]*\n/, ""),
    ).toBe(before);
    await h.bot.idle();
    expectWellBehaved(h);
  });

  it("/learned with a topic naming several items asks with a select menu, then changes the pick", async () => {
    h = await startHarness();
    const before = h.noteText();
    const run = await h.fake.slashCommand("learned", { topic: "Pod" }, { userId: h.ownerId });
    const reply = await run.waitForOriginal();
    expect(h.noteText()).toBe(before);
    const [menuId] = componentIds(reply);
    expect(menuId).toMatch(/^pick:/);
    const menu = menuOf(reply);
    const option = menu?.options.find((o) => o.label.includes("Podとコンテナの厳密な区別"));
    expect(option).toBeDefined();
    // Someone else may not pick from this user's menu.
    const stranger = await h.fake.selectMenu(menuId ?? "", [option?.value ?? ""], reply, {
      userId: h.fake.user.id,
    });
    expect(JSON.stringify((await stranger.response()).data)).toContain(OWNERS_ONLY_JA);
    const pick = await h.fake.selectMenu(menuId ?? "", [option?.value ?? ""], reply, {
      userId: h.ownerId,
    });
    expect((await pick.response()).type).toBe(6);
    await h.bot.idle();
    expect(h.noteText()).toBe(
      before.replace("- X Podとコンテナの厳密な区別", "- O Podとコンテナの厳密な区別"),
    );
    const updated = h.fake.message(reply.id);
    expect(text(updated)).toContain("未知 → 既知");
    // The menu is gone; the change's Undo button took its place.
    expect(componentIds(updated as RecordedMessage)).toEqual([expect.stringMatching(/^undo:/)]);
    expectWellBehaved(h);
  });

  it("'I learned this' under an unknown answer marks its primary item known", async () => {
    h = await startHarness();
    const before = h.noteText();
    const ask = await h.fake.slashCommand("ask", { question: "Deploymentって何?" });
    const answer = await ask.waitForOriginal();
    expect(String((answer.embeds[0] as { title: string }).title)).toMatch(/^❓/);
    const click = await h.fake.button(`learn:${ask.id}`, answer, { userId: h.ownerId });
    const reply = await click.waitForOriginal();
    expect(text(reply)).toContain("未知 → 既知");
    expect(h.noteText()).toBe(before.replace(DEPLOYMENT, "- O Deploymentが何かは忘れた"));
    await h.bot.idle();
    expectWellBehaved(h);
  });

  it("'Ask michi' asks without the message's mentions, so 'Add to my unknowns' writes none of them", async () => {
    h = await startHarness();
    const run = await h.fake.messageContextMenu("Ask michi", {
      content:
        "<@1300000000000000123> <@&1300000000000000456> Istioのサービスメッシュとは? @everyone",
    });
    const answer = await run.waitForOriginal();
    expect(String((answer.embeds[0] as { title: string }).title)).toMatch(/^🕳️/);
    const click = await h.fake.button(`unknown:${run.id}`, answer, { userId: h.ownerId });
    expect(text(await click.waitForOriginal())).toContain("ノートに追加しました");
    const inbox = readFileSync(path.join(h.ws.notes, "inbox.md"), "utf8");
    expect(inbox).toMatch(/^- X Istioのサービスメッシュとは\?$/m);
    await h.bot.idle();
    expectWellBehaved(h);
  });

  it("'Add to my unknowns' under a none answer adds the question to inbox.md; /unknown too", async () => {
    h = await startHarness();
    const ask = await h.fake.slashCommand("ask", { question: "Istioのサービスメッシュとは?" });
    const answer = await ask.waitForOriginal();
    expect(String((answer.embeds[0] as { title: string }).title)).toMatch(/^🕳️/);
    const click = await h.fake.button(`unknown:${ask.id}`, answer, { userId: h.ownerId });
    expect(text(await click.waitForOriginal())).toContain("ノートに追加しました");
    const inbox = readFileSync(path.join(h.ws.notes, "inbox.md"), "utf8");
    expect(inbox).toMatch(/- X Istioのサービスメッシュとは\?\n/);

    const slash = await h.fake.slashCommand(
      "unknown",
      { topic: "etcdのバックアップ" },
      { userId: h.ownerId },
    );
    expect(text(await slash.waitForOriginal())).toContain("ノートに追加しました");
    expect(readFileSync(path.join(h.ws.notes, "inbox.md"), "utf8")).toContain(
      "- X etcdのバックアップ",
    );
    await h.bot.idle();
    expectWellBehaved(h);
  });

  it("/unknown of a topic marked known offers 'Add anyway', which adds it", async () => {
    h = await startHarness();
    const known = "DaemonSetは各ノードに1つずつPodを配置するという認識";
    const run = await h.fake.slashCommand("unknown", { topic: known }, { userId: h.ownerId });
    const reply = await run.waitForOriginal();
    expect(text(reply)).toContain("それでも未知として追加しますか?");
    expect(existsSync(path.join(h.ws.notes, "inbox.md"))).toBe(false);
    const [forceId] = componentIds(reply);
    const force = await h.fake.button(forceId ?? "", reply, { userId: h.ownerId });
    expect((await force.response()).type).toBe(6);
    await h.bot.idle();
    expect(readFileSync(path.join(h.ws.notes, "inbox.md"), "utf8")).toContain(`- X ${known}`);
    expect(text(h.fake.message(reply.id))).toContain("ノートに追加しました");
    expectWellBehaved(h);
  });

  it("/mark sets any status", async () => {
    h = await startHarness();
    const before = h.noteText();
    const run = await h.fake.slashCommand(
      "mark",
      { topic: "Deploymentが何かは忘れた", status: "partial" },
      { userId: h.ownerId },
    );
    expect(text(await run.waitForOriginal())).toContain("未知 → 一部既知");
    expect(h.noteText()).toBe(before.replace(DEPLOYMENT, "- △ Deploymentが何かは忘れた"));
    await h.bot.idle();
    expectWellBehaved(h);
  });
});

describe("learning from Discord, as anyone else", () => {
  it("refuses every write, ephemerally, and no note byte changes", async () => {
    h = await startHarness();
    const stranger = { userId: h.fake.user.id };
    const before = notesDigest(h.ws.notes);
    const refusals: unknown[] = [];
    const expectRefused = async (handle: {
      response(): Promise<{ type: number; data: unknown }>;
    }) => {
      const response = await handle.response();
      expect(response.type).toBe(4);
      expect((response.data as { flags: number }).flags & EPHEMERAL).toBe(EPHEMERAL);
      expect(JSON.stringify(response.data)).toContain(OWNERS_ONLY_JA);
      refusals.push(response);
    };
    const typed = await h.fake.autocomplete("learned", "topic", "Deployment");
    const [choice] = ((await typed.response()).data as { choices: { value: string }[] }).choices;
    await expectRefused(
      await h.fake.slashCommand("learned", { topic: choice?.value ?? "" }, stranger),
    );
    await expectRefused(
      await h.fake.slashCommand("learned", { topic: "Deployment", note: "x" }, stranger),
    );
    await expectRefused(
      await h.fake.slashCommand("mark", { topic: "Deployment", status: "known" }, stranger),
    );
    await expectRefused(await h.fake.slashCommand("unknown", { topic: "Istio" }, stranger));
    const unknownAsk = await h.fake.slashCommand(
      "ask",
      { question: "Deploymentって何?" },
      stranger,
    );
    const unknownAnswer = await unknownAsk.waitForOriginal();
    await expectRefused(await h.fake.button(`learn:${unknownAsk.id}`, unknownAnswer, stranger));
    const noneAsk = await h.fake.slashCommand(
      "ask",
      { question: "Istioのサービスメッシュとは?" },
      stranger,
    );
    const noneAnswer = await noneAsk.waitForOriginal();
    await expectRefused(await h.fake.button(`unknown:${noneAsk.id}`, noneAnswer, stranger));
    // The owner's menu and "Add anyway" button, used by someone else.
    const ambiguous = await h.fake.slashCommand("learned", { topic: "Pod" }, { userId: h.ownerId });
    const menuMessage = await ambiguous.waitForOriginal();
    const menu = menuOf(menuMessage);
    await expectRefused(
      await h.fake.selectMenu(
        menu?.custom_id ?? "",
        [menu?.options[0]?.value ?? ""],
        menuMessage,
        stranger,
      ),
    );
    const contradicts = await h.fake.slashCommand(
      "unknown",
      { topic: "DaemonSetは各ノードに1つずつPodを配置するという認識" },
      { userId: h.ownerId },
    );
    const forceMessage = await contradicts.waitForOriginal();
    await expectRefused(
      await h.fake.button(componentIds(forceMessage)[0] ?? "", forceMessage, stranger),
    );
    await h.bot.idle();
    expect(refusals).toHaveLength(8);
    expect(notesDigest(h.ws.notes)).toBe(before);
    expect(h.logLines.join("")).toMatch(/"outcome":"refused"/);
    expectWellBehaved(h);
  });
});
