import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { getWeeklyProgress } from "../../src/learning/digest.js";
import { openHistoryFile } from "../../src/learning/history.js";
import { renderDigest } from "../../src/learning/render.js";
import { makeWorkspace } from "../support/cli.js";

const NOTE = "k8s-weekly-log-2.md";
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let ws: ReturnType<typeof makeWorkspace>;
let now: Date;
let app: App;

function openApp(env: Record<string, string> = {}): App {
  const config = loadConfig(
    { MICHI_TIMEZONE: "Asia/Tokyo", ...env },
    { notesDir: ws.notes, dataDir: ws.data },
  );
  return createApp(config, { now: () => now });
}

beforeEach(() => {
  ws = makeWorkspace();
  now = new Date("2026-11-16T01:00:00Z"); // Monday 10:00 in Tokyo
  app = openApp();
});
afterEach(() => {
  app.close();
  ws.cleanup();
});

const notePath = () => path.join(ws.notes, NOTE);
const readNoteText = () => readFileSync(notePath(), "utf8");
/** A hand edit in an editor: swaps one line of the note. */
function editByHand(from: string, to: string): void {
  const text = readNoteText();
  expect(text).toContain(from);
  writeFileSync(notePath(), text.replace(from, to));
}
async function history() {
  return openHistoryFile(app.config.dataDir);
}
async function allEvents() {
  return (await history()).eventsBetween(new Date(0), new Date(8.64e15));
}

describe("status history", () => {
  it("takes the first ingest as the baseline, recording no events", async () => {
    await app.ingest();
    expect(await allEvents()).toEqual([]);
    expect((await history()).baselineAt()?.toISOString()).toBe(now.toISOString());
    expect((await history()).snapshot()).toHaveLength(45);
  });

  it("records flipping a marker by hand as learned, origin edit", async () => {
    await app.ingest();
    now = new Date("2026-11-24T02:00:00Z");
    editByHand("- X kubeletの役割をあまり知らない", "- O kubeletの役割をあまり知らない");
    await app.ingest();
    const events = await allEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: "learned",
      origin: "edit",
      file: NOTE,
      text: "kubeletの役割をあまり知らない",
      sectionPath: ["アーキテクチャ、高位ランタイム"],
      line: 64,
      from: "unknown",
      to: "known",
      note: null,
      at: now,
    });
  });

  it("records regressions, new items and deleted items", async () => {
    await app.ingest();
    editByHand("- O DaemonSetは", "- △ DaemonSetは");
    editByHand("- X Deploymentが何かは忘れた\n", "");
    editByHand("## NW\n", "## NW\n\n- X CNIプラグインの選び方\n");
    await app.ingest();
    const kinds = (await allEvents()).map((e) => [e.kind, e.text]).sort();
    expect(kinds).toEqual([
      ["added", "CNIプラグインの選び方"],
      ["regressed", "DaemonSetは各ノードに1つずつPodを配置するという認識"],
      ["removed", "Deploymentが何かは忘れた"],
    ]);
  });

  it("records nothing when the index is rebuilt or nothing changed", async () => {
    await app.ingest();
    await app.ingest();
    await app.ingest({ rebuild: true });
    await app.ingest();
    expect(await allEvents()).toEqual([]);
  });

  it("keeps the snapshot of a note that cannot be read, so fixing it records nothing", async () => {
    await app.ingest();
    const good = readNoteText();
    writeFileSync(notePath(), good.replace("title:", "title: [unclosed"));
    await app.ingest();
    writeFileSync(notePath(), good);
    await app.ingest();
    expect(await allEvents()).toEqual([]);
  });

  it("records every item of a deleted note as removed (unmarked ones aside)", async () => {
    await app.ingest();
    rmSync(notePath());
    await app.ingest();
    const events = await allEvents();
    expect(events).toHaveLength(44);
    expect(new Set(events.map((e) => e.kind))).toEqual(new Set(["removed"]));
  });
});

describe("learned", () => {
  it("marks the Deployment item known with a note, as a command event", async () => {
    await app.ingest();
    const before = readNoteText();
    now = new Date("2026-11-25T05:00:00Z");
    const outcome = await app.learned("Deployment", {
      note: "ReplicaSetを管理してローリングアップデートする",
    });
    expect(outcome).toMatchObject({
      kind: "changed",
      from: "unknown",
      to: "known",
      noteLine: "learned 2026-11-25: ReplicaSetを管理してローリングアップデートする",
      item: { text: "Deploymentが何かは忘れた", line: 35, status: "known" },
    });
    expect(readNoteText()).toBe(
      before.replace(
        "- X Deploymentが何かは忘れた\n",
        "- O Deploymentが何かは忘れた\n  - learned 2026-11-25: ReplicaSetを管理してローリングアップデートする\n",
      ),
    );
    const events = await allEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: "learned",
      origin: "command",
      note: "ReplicaSetを管理してローリングアップデートする",
      at: now,
    });
    expect(outcome.kind === "changed" && outcome.events[0]?.seq).toBe(events[0]?.seq);
    const answer = await app.ask("Deploymentとは何ですか");
    expect(answer.flag).toBe("known");
    expect(answer.sources[0]?.text).toBe("Deploymentが何かは忘れた");
  });

  it("reports and records a multi-line note as the one line it writes", async () => {
    await app.ingest();
    const before = readNoteText();
    now = new Date("2026-11-25T05:00:00Z");
    const outcome = await app.learned("Deployment", {
      note: "ReplicaSetを管理する\n- O 別の項目\r\n",
    });
    const line = "learned 2026-11-25: ReplicaSetを管理する - O 別の項目";
    expect(outcome).toMatchObject({ kind: "changed", noteLine: line });
    expect(readNoteText()).toBe(
      before.replace(
        "- X Deploymentが何かは忘れた\n",
        `- O Deploymentが何かは忘れた\n  - ${line}\n`,
      ),
    );
    expect((await allEvents())[0]).toMatchObject({ note: "ReplicaSetを管理する - O 別の項目" });
  });

  it("lists candidates for an ambiguous topic and changes nothing", async () => {
    await app.ingest();
    const before = readNoteText();
    const outcome = await app.learned("Pod");
    expect(outcome.kind).toBe("ambiguous");
    if (outcome.kind !== "ambiguous") return;
    expect(outcome.candidates.length).toBeGreaterThanOrEqual(3);
    const literal = outcome.candidates.filter((c) => c.tier !== "retrieval");
    expect(literal.length).toBeGreaterThanOrEqual(3);
    expect(literal.every((c) => c.text.includes("Pod"))).toBe(true);
    // The items that start with "Pod" come first, the shortest (most fully named) first.
    expect(outcome.candidates.slice(0, 3).map((c) => [c.line, c.status])).toEqual([
      [27, "known"],
      [28, "partial"],
      [30, "partial"],
    ]);
    expect(readNoteText()).toBe(before);
    expect(await allEvents()).toEqual([]);

    const picked = await app.learned("Pod", { pick: 3 });
    expect(picked).toMatchObject({ kind: "changed", item: { id: outcome.candidates[2]?.id } });
    expect(readNoteText()).toBe(before.replace("- △ Podを管理する", "- O Podを管理する"));
    // The change moves no candidate: the list the user saw still holds.
    const again = await app.learned("Pod");
    expect(again.kind === "ambiguous" && again.candidates.map((c) => c.id)).toEqual(
      outcome.candidates.map((c) => c.id),
    );
  });

  it("says already for a pick at the target status, writing nothing (not another item)", async () => {
    await app.ingest();
    const before = readNoteText();
    const listed = await app.mark("Pod作成時", "partial");
    expect(listed).toMatchObject({ kind: "already", item: { line: 28 } });
    const picked = await app.mark("Pod作成時", "partial", { pick: 1 });
    expect(picked).toMatchObject({ kind: "already", item: { line: 28 }, to: "partial" });
    expect(readNoteText()).toBe(before);
    expect(await allEvents()).toEqual([]);
  });

  it('says "DaemonSet" is already known (line 34) and changes no byte, for learned and mark', async () => {
    await app.ingest();
    const before = readFileSync(notePath());
    for (const outcome of [await app.learned("DaemonSet"), await app.mark("DaemonSet", "known")]) {
      expect(outcome).toMatchObject({
        kind: "already",
        to: "known",
        item: { line: 34, status: "known", file: NOTE },
      });
    }
    expect(readFileSync(notePath()).equals(before)).toBe(true);
    expect(await allEvents()).toEqual([]);
  });

  it("says an already partial item is already partial", async () => {
    await app.ingest();
    const before = readNoteText();
    expect(await app.mark("Pod作成時", "partial")).toMatchObject({
      kind: "already",
      item: { line: 28, status: "partial" },
    });
    expect(readNoteText()).toBe(before);
  });

  it("says so when nothing matches, and changes nothing", async () => {
    await app.ingest();
    const before = readNoteText();
    expect(await app.learned("Helm")).toEqual({ kind: "none", topic: "Helm", id: null });
    expect(readNoteText()).toBe(before);
  });

  it("attributes a hand edit made before the command to the hand, and its own change to itself", async () => {
    await app.ingest();
    editByHand("- X kubeletの役割をあまり知らない", "- O kubeletの役割をあまり知らない");
    await app.learned("Deployment");
    const origins = (await allEvents()).map((e) => [e.text, e.origin]);
    expect(origins).toEqual([
      ["kubeletの役割をあまり知らない", "edit"],
      ["Deploymentが何かは忘れた", "command"],
    ]);
  });

  it("loses nothing when several learned calls edit one note at once", async () => {
    await app.ingest();
    const before = readNoteText();
    const outcomes = await Promise.all([
      app.learned("Deployment", { note: "ReplicaSetを管理する" }),
      app.learned("kubeletの役割"),
      app.learned("シークレットの仕組み", { note: "etcdにbase64で保存" }),
      app.learned("shimの周り"),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(["changed", "changed", "changed", "changed"]);
    const expected = before
      .replace(
        "- X Deploymentが何かは忘れた\n",
        "- O Deploymentが何かは忘れた\n  - learned 2026-11-16: ReplicaSetを管理する\n",
      )
      .replace("- X kubeletの役割", "- O kubeletの役割")
      .replace(
        "- X シークレットの仕組みや実体を知らない\n",
        "- O シークレットの仕組みや実体を知らない\n  - learned 2026-11-16: etcdにbase64で保存\n",
      )
      .replace("- X shimの周り", "- O shimの周り");
    expect(readNoteText()).toBe(expected);
    const events = await allEvents();
    expect(events).toHaveLength(4);
    expect(events.every((e) => e.kind === "learned" && e.origin === "command")).toBe(true);
    expect(events.map((e) => e.note).sort()).toEqual(
      [null, null, "ReplicaSetを管理する", "etcdにbase64で保存"].sort(),
    );
  });

  it("mark sets any status, in the note's marker family", async () => {
    await app.ingest();
    const before = readNoteText();
    const outcome = await app.mark("Deploymentが何か", "partial");
    expect(outcome).toMatchObject({ kind: "changed", from: "unknown", to: "partial" });
    expect(readNoteText()).toBe(before.replace("- X Deploymentが何か", "- △ Deploymentが何か"));
    const back = await app.mark("Deploymentが何か", "unknown");
    expect(back).toMatchObject({ kind: "changed", from: "partial", to: "unknown" });
    expect(readNoteText()).toBe(before);
    expect((await allEvents()).map((e) => e.kind)).toEqual(["learned", "regressed"]);
  });
});

describe("suggest", () => {
  it("offers open items starting with, then containing, the prefix; NFKC and case-insensitive", async () => {
    await app.ingest();
    const texts = async (prefix: string, limit = 25) =>
      (await app.suggest(prefix, limit)).map((s) => s.text);
    expect(await texts("deploy")).toEqual([
      "Deploymentが何かは忘れた",
      "Podを管理するリソースとしてReplicaSet, StatefulSet, DaemonSet, Deploymentが定義できる事は知っているが、他にあるかどうかは知らない",
    ]);
    const pod = await texts("ＰＯＤ");
    expect(pod.slice(0, 3)).toEqual([
      "Pod作成時には特殊なコンテナを作るらしい事は知っているが、どんな名前でどんな役割かは忘れた・知らない",
      "Podとコンテナの厳密な区別ができていない(少なくともnetnsは共通というぐらいの認識)",
      "Podを管理するリソースとしてReplicaSet, StatefulSet, DaemonSet, Deploymentが定義できる事は知っているが、他にあるかどうかは知らない",
    ]);
    // Known items are never offered, though they start with Pod too.
    expect(pod).not.toContain("Pod単位でデプロイ等が管理されることは知っている*1");
    expect(await texts("シークレット")).toEqual(["シークレットの仕組みや実体を知らない"]);
    expect(await texts("コンテナ 厳密")).toEqual([
      "Podとコンテナの厳密な区別ができていない(少なくともnetnsは共通というぐらいの認識)",
    ]);
    expect(await texts("Helm")).toEqual([]);
  });

  it("gives the first open items for an empty prefix, at most limit, in a stable order", async () => {
    await app.ingest();
    const first = await app.suggest("", 3);
    expect(first.map((s) => [s.line, s.status])).toEqual([
      [19, "unknown"],
      [22, "unknown"],
      [28, "partial"],
    ]);
    expect(first[0]).toEqual({
      id: expect.any(String),
      file: NOTE,
      title: "Weekly Log 2 -- Kubernetesについて今知っていること・知らないこと --",
      sectionPath: ["概要"],
      line: 19,
      text: "Docker Swarm, Apache Mesos等と比べてなぜk8sが勝ち残ったかは説明できない",
      status: "unknown",
    });
    expect(await app.suggest("", 3)).toEqual(first);
    expect(await app.suggest("", 0)).toEqual([]);
    expect(await app.suggest("", 100)).toHaveLength(20);
  });

  it("reads the index as it is: no ingest, so a hand edit shows only after one", async () => {
    expect(await app.suggest("", 5)).toEqual([]);
    await app.ingest();
    editByHand("## NW\n", "## NW\n\n- X CNIプラグインの選び方\n");
    expect(await app.suggest("CNI", 5)).toEqual([]);
    expect(await allEvents()).toEqual([]);
    await app.ingest();
    expect((await app.suggest("CNI", 5)).map((s) => s.text)).toEqual(["CNIプラグインの選び方"]);
  });
});

describe("setStatus", () => {
  it("changes the item with the id, exactly, with the learned line", async () => {
    await app.ingest();
    const before = readNoteText();
    const [item] = await app.suggest("kubelet", 1);
    expect(item?.text).toBe("kubeletの役割をあまり知らない");
    const outcome = await app.setStatus(item?.id ?? "", "known", { note: "ノードのエージェント" });
    expect(outcome).toMatchObject({
      kind: "changed",
      from: "unknown",
      to: "known",
      item: { id: item?.id, line: 64, status: "known", file: NOTE },
    });
    expect(readNoteText()).toBe(
      before.replace(
        "- X kubeletの役割をあまり知らない\n",
        "- O kubeletの役割をあまり知らない\n  - learned 2026-11-16: ノードのエージェント\n",
      ),
    );
    expect((await allEvents()).map((e) => [e.kind, e.origin, e.note])).toEqual([
      ["learned", "command", "ノードのエージェント"],
    ]);
  });

  it("says already when the item has the status, and writes nothing (nor the note line)", async () => {
    await app.ingest();
    const before = readNoteText();
    const [item] = await app.suggest("kubelet", 1);
    await app.setStatus(item?.id ?? "", "known");
    const after = readNoteText();
    expect(after).not.toBe(before);
    const again = await app.setStatus(item?.id ?? "", "known", { note: "again" });
    expect(again).toMatchObject({ kind: "already", to: "known", item: { line: 64 } });
    expect(readNoteText()).toBe(after);
  });

  it("returns none for an id no item has, and stale for an item gone from its note", async () => {
    // A whole-second mtime, so the edit below can put it back exactly.
    const mtime = new Date("2026-11-01T00:00:00Z");
    utimesSync(notePath(), mtime, mtime);
    await app.ingest();
    const before = readNoteText();
    expect(await app.setStatus("no-such-id", "known")).toEqual({
      kind: "none",
      topic: null,
      id: "no-such-id",
    });
    const [item] = await app.suggest("shim", 1);
    // Same size and mtime: the index cannot see this edit, the note edit must.
    writeFileSync(notePath(), before.replace("shimの周りの事", "shimの周辺の事"));
    utimesSync(notePath(), mtime, mtime);
    const edited = readNoteText();
    expect(await app.setStatus(item?.id ?? "", "known")).toMatchObject({
      kind: "stale",
      item: { text: "shimの周りの事はあまりわかっていない" },
    });
    expect(readNoteText()).toBe(edited);
    expect(await allEvents()).toEqual([]);
  });

  it("returns input mistakes as outcomes, writing nothing", async () => {
    await app.ingest();
    const before = readNoteText();
    const [item] = await app.suggest("shim", 1);
    expect(await app.setStatus(item?.id ?? "", "known", { note: "  " })).toEqual({
      kind: "empty-note",
    });
    expect(await app.learned("  ")).toEqual({ kind: "empty-topic" });
    expect(await app.unknown("")).toEqual({ kind: "empty-topic" });
    expect(await app.learned("Pod", { pick: 99 })).toMatchObject({
      kind: "invalid-pick",
      topic: "Pod",
      pick: 99,
    });
    expect(readNoteText()).toBe(before);
  });

  it("names notes relative to the notes folder in every outcome", async () => {
    await app.ingest();
    const outcomes = [
      await app.learned("Pod"),
      await app.learned("Deployment", { note: "x" }),
      await app.digest(),
      await app.status(),
    ];
    for (const outcome of outcomes) {
      const json = JSON.stringify(outcome);
      expect(json).not.toContain(ws.dir);
      expect(json).toContain(NOTE);
      expect(json).not.toContain(`notes/${NOTE}`);
    }
  });
});

describe("unknown", () => {
  it("adds the topic to inbox.md under today's date, as an added event", async () => {
    await app.ingest();
    now = new Date("2026-11-26T15:30:00Z"); // already the 27th in Tokyo
    const outcome = await app.unknown("Ingressの仕組み");
    expect(outcome).toMatchObject({
      kind: "added",
      item: { file: "inbox.md", text: "Ingressの仕組み", status: "unknown" },
    });
    expect(readFileSync(path.join(ws.notes, "inbox.md"), "utf8")).toBe(
      "# Inbox\n\n## 2026-11-27\n\n- X Ingressの仕組み\n",
    );
    const events = await allEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: "added",
      origin: "command",
      to: "unknown",
      file: "inbox.md",
    });

    expect(await app.unknown("ingressの仕組み")).toMatchObject({ kind: "exists" });
    expect(await allEvents()).toHaveLength(1);
  });

  it("refuses a topic the notes mark known unless forced", async () => {
    await app.ingest();
    const known = "DaemonSetは各ノードに1つずつPodを配置するという認識";
    expect(await app.unknown(known)).toMatchObject({
      kind: "contradicts",
      item: { line: 34, status: "known", file: NOTE },
    });
    expect(await app.unknown("ＤａｅｍｏｎＳｅｔ")).toMatchObject({
      kind: "contradicts",
      item: { line: 34 },
    });
    expect(existsSync(path.join(ws.notes, "inbox.md"))).toBe(false);
    // Pod names open items too: nothing contradicts adding it.
    expect(await app.unknown("Pod")).toMatchObject({ kind: "added" });
    expect(await app.unknown(known, { force: true })).toMatchObject({
      kind: "added",
      item: { file: "inbox.md", text: known },
    });
  });
});

describe("digest", () => {
  it("lists both items learned this week with origins command and edit, on a fixed clock", async () => {
    await app.ingest(); // baseline, Monday 2026-11-16
    now = new Date("2026-11-24T02:00:00Z");
    editByHand("- X kubeletの役割をあまり知らない", "- O kubeletの役割をあまり知らない");
    await app.ingest();
    now = new Date("2026-11-25T05:00:00Z");
    await app.learned("Deployment", { note: "ReplicaSetを管理してローリングアップデートする" });
    now = new Date("2026-11-27T03:00:00Z"); // Friday noon in Tokyo

    const digest = await app.digest();
    expect(digest.since).toBe("2026-11-19T15:00:00.000Z"); // 2026-11-20 00:00 in Tokyo
    expect(digest.until).toBe(now.toISOString());
    expect(digest.learned.map((e) => [e.text, e.origin, e.learnedNote])).toEqual([
      ["kubeletの役割をあまり知らない", "edit", null],
      ["Deploymentが何かは忘れた", "command", "ReplicaSetを管理してローリングアップデートする"],
    ]);
    expect(digest.learned.every((e) => e.file === NOTE)).toBe(true);
    expect(digest.progress).toMatchObject({
      known: 26,
      partial: 2,
      unknown: 16,
      percentKnown: 59.1,
      previousPercentKnown: 54.5,
      change: 4.6,
      knownGained: 2,
    });
    // A Japanese learning log gets its digest in Japanese where the bot posts it.
    expect(digest.language).toBe("ja");
    const ja = renderDigest(digest, digest.language);
    expect(ja).toContain("学んだこと (2)");
    expect(ja).toContain("(未知 → 既知, 手で編集)");
    expect(renderDigest(digest)).toContain("(unknown → known, by hand edit)");
    expect(ja).toMatch(/^進捗: 59\.1% 既知\(\+4\.6ポイント\)/m);
    expect(renderDigest(digest)).toMatch(/^Progress: 59\.1% known \(\+4\.6 pts\)/m);
    const pod = digest.notes[0]?.sections.find((s) => s.sectionPath[0] === "Pod関連");
    expect(pod).toMatchObject({ known: 6, unknown: 2, knownGained: 1, previousPercentKnown: 50 });
    expect(digest.emptySections.map((s) => [s.sectionPath.join(" › "), s.hasProse])).toEqual([
      ["はじめに", true],
      ["NW", false],
      ["Storage", false],
      ["Image", false],
      ["その他", false],
      ["最後に", true],
    ]);

    // The week before holds neither event.
    const lastWeek = await app.digest({
      since: new Date("2026-11-15T15:00:00Z"),
      until: new Date("2026-11-19T15:00:00Z"),
    });
    expect(lastWeek.learned).toEqual([]);
  });

  it("is in English for a learning log written mostly in English", async () => {
    // Two English items outnumber the one Japanese item.
    writeFileSync(
      notePath(),
      "# Log\n\n- O A Pod is the smallest unit\n- X What a DaemonSet is for\n- △ StatefulSetの使いどころ\n",
    );
    await app.ingest();
    expect((await app.digest()).language).toBe("en");
  });

  it("counts the unknowns asked about, the questions that matched nothing, and suggests a focus", async () => {
    await app.ingest();
    for (const q of [
      "kubeletの役割は?",
      "kubeletは何をする?",
      "コントロールプレーンの実体は?",
      "Helmチャートとは何ですか",
    ]) {
      await app.ask(q);
    }
    const digest = await app.digest();
    expect(digest.askedUnknowns.map((a) => [a.text, a.count])).toEqual([
      ["kubeletの役割をあまり知らない", 2],
      ["コントロールプレーンの実体がよくわかっていない", 1],
    ]);
    expect(digest.unmatchedQuestions.map((q) => [q.question, q.count])).toEqual([
      ["Helmチャートとは何ですか", 1],
    ]);
    expect(digest.focus[0]?.text).toBe("kubeletの役割をあまり知らない");
    expect(digest.questions.total).toBe(4);
  });

  it("records no questions when the question log is off", async () => {
    app.close();
    app = openApp({ MICHI_QUESTION_LOG: "off" });
    await app.ask("kubeletの役割は?");
    expect((await history()).questionCount()).toBe(0);
    expect((await app.digest()).askedUnknowns).toEqual([]);
    expect((await app.status()).history).toMatchObject({ questions: 0, questionLog: false });
  });

  it("draws the weekly chart as a valid PNG of the expected size", async () => {
    await app.ingest();
    now = new Date("2026-11-24T02:00:00Z");
    editByHand("- X kubeletの役割をあまり知らない", "- O kubeletの役割をあまり知らない");
    await app.ingest();
    now = new Date("2026-11-27T03:00:00Z");
    const weeks = getWeeklyProgress(await history(), now, "Asia/Tokyo", 8);
    // History starts with the baseline week: two bars, the second with the hand edit.
    expect(weeks.map((w) => [w.label, w.known, w.partial, w.unknown])).toEqual([
      ["11/16", 24, 2, 18],
      ["11/23", 25, 2, 17],
    ]);
    for (const size of [
      { width: undefined, height: undefined, w: 800, h: 400 },
      { width: 640, height: 360, w: 640, h: 360 },
    ]) {
      const png = await app.learning.progressChart({
        ...(size.width ? { width: size.width, height: size.height } : {}),
      });
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(png.toString("latin1", 12, 16)).toBe("IHDR");
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size.w, size.h]);
    }
  });
});

describe("status", () => {
  it("reports counts, last ingest, index size and warnings without ingesting", async () => {
    await app.ingest();
    editByHand("- X kubeletの役割", "- O kubeletの役割");
    const report = await app.status();
    expect(report.items).toEqual({ known: 24, partial: 2, unknown: 18, unmarked: 1 });
    expect(report.notes).toBe(1);
    expect(report.lastIngest).not.toBeNull();
    expect(report.indexBytes).toBeGreaterThan(0);
    expect(report.warnings.map((w) => w.line)).toEqual([52, 76]);
    expect(report.history.events).toBe(0);
  });
});

describe("digest posts", () => {
  it("remembers the last post per channel, for the bot's next period", async () => {
    await app.ingest();
    const post = (at: string, channel: string | null) => ({
      at: new Date(at),
      since: new Date("2026-11-09T15:00:00Z"),
      until: new Date(at),
      channel,
      messageId: channel === null ? null : `m-${at}`,
    });
    expect(await app.learning.lastDigestPost("123")).toBeUndefined();
    await app.learning.recordDigestPost(post("2026-11-16T00:00:00Z", "123"));
    await app.learning.recordDigestPost(post("2026-11-23T00:00:00Z", "123"));
    await app.learning.recordDigestPost(post("2026-11-24T00:00:00Z", null));
    expect(await app.learning.lastDigestPost("123")).toEqual(post("2026-11-23T00:00:00Z", "123"));
    expect(await app.learning.lastDigestPost()).toEqual(post("2026-11-24T00:00:00Z", null));
  });
});
