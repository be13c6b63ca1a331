/**
 * Discord's wording of the learning commands' outcomes (the core returns them as data). An
 * ambiguous topic becomes a select menu of the candidates; a topic the notes mark known becomes
 * an "Add anyway" button; a change gets an "Undo" button for exactly that change. Notes are
 * named relative to the notes folder, kept versions relative to the data folder. Every reply
 * is worded in English or Japanese (the caller picks: reply-language.ts), and the buttons and
 * menus it offers carry that language on to their own replies.
 */
import { ButtonStyle, ComponentType } from "discord.js";
import type { Language } from "../ask/language.js";
import type { LearningEvent } from "../learning/history.js";
import { formatPlace, icon, STATUS_NAMES } from "../learning/render.js";
import type {
  StatusChangeOutcome,
  UndoChangeOutcome,
  UndoOutcome,
  UnknownOutcome,
} from "../learning/service.js";
import { type ChangeRecord, VERSIONS_DIR } from "../learning/versions.js";
import {
  type ActionRow,
  COLORS,
  CUSTOM_IDS,
  noticeMessage,
  type OutgoingMessage,
} from "./embeds.js";
import { LIMITS, truncate } from "./limits.js";

/**
 * The outcomes' words, English beside Japanese (see reply-language.ts for which one a reply
 * gets). `to` / `status` arrive already translated (STATUS_NAMES), `text` and `place` as they are.
 */
const WORDS = {
  en: {
    undo: "Undo",
    already: (to: string, text: string) => `Already ${to}: **${text}**; nothing changed.`,
    ambiguous: (topic: string, to: string) =>
      `"${topic}" matches several items; nothing was changed yet. Pick the one you mean (→ ${to}):`,
    whichItem: "Which item do you mean?",
    noMatch: (topic: string) => `No item matches "${topic}"; nothing was changed.`,
    gone: "That item is no longer in your notes; nothing was changed.",
    stale: (text: string) =>
      `**${text}** changed in its note meanwhile; nothing was changed. Try again.`,
    invalidPick: (count: number) => `Pick 1 to ${count}.`,
    emptyTopic: "Give a topic.",
    emptyNote: "The note is empty; write what you learned, or leave it out.",
    added: (text: string) => `Added to your notes: **${text}**`,
    exists: (status: string, text: string) => `Already in your notes as ${status}: **${text}**`,
    contradicts: (text: string, place: string) =>
      `Your notes mark this as known: **${text}**\n${place}\nAdd it as unknown anyway?`,
    addAnyway: "Add anyway",
  },
  ja: {
    undo: "取り消す",
    already: (to: string, text: string) => `すでに${to}です: **${text}**。何も変更していません。`,
    ambiguous: (topic: string, to: string) =>
      `「${topic}」に当てはまる項目が複数あります。まだ何も変更していません。どの項目か選んでください(→ ${to}):`,
    whichItem: "どの項目ですか?",
    noMatch: (topic: string) => `「${topic}」に当てはまる項目はありません。何も変更していません。`,
    gone: "その項目はもうノートにありません。何も変更していません。",
    stale: (text: string) =>
      `**${text}** はその間にノートで変更されました。何も変更していません。もう一度お試しください。`,
    invalidPick: (count: number) => `1から${count}の番号を選んでください。`,
    emptyTopic: "話題を入力してください。",
    emptyNote: "メモが空です。学んだことを書くか、メモを省いてください。",
    added: (text: string) => `ノートに追加しました: **${text}**`,
    exists: (status: string, text: string) => `すでに${status}としてノートにあります: **${text}**`,
    contradicts: (text: string, place: string) =>
      `ノートではこれを既知としています: **${text}**\n${place}\nそれでも未知として追加しますか?`,
    addAnyway: "それでも追加",
  },
} as const satisfies Record<Language, unknown>;

/** The "Undo" button under a change: it acts on that change only (see `undoChange`). */
function undoRow(changeId: string, language: Language): ActionRow {
  return {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.Button,
        style: ButtonStyle.Secondary,
        label: WORDS[language].undo,
        emoji: { name: "↩️" },
        custom_id: CUSTOM_IDS.undo(changeId, language),
      },
    ],
  };
}

const place = (item: Parameters<typeof formatPlace>[0]) => `\`${formatPlace(item)}\``;

/** Where a select menu's pick goes: `pick:<pending key>`. */
export function statusMessage(
  outcome: StatusChangeOutcome,
  pickKey: (ids: readonly string[]) => string,
  language: Language,
): OutgoingMessage {
  const words = WORDS[language];
  const status = STATUS_NAMES[language];
  switch (outcome.kind) {
    case "changed": {
      const lines = [
        `${icon(outcome.to)} **${outcome.item.text}**: ${status[outcome.from]} → ${status[outcome.to]}`,
        place(outcome.item),
      ];
      if (outcome.noteLine !== null) lines.push(`+ ${outcome.noteLine}`);
      return {
        ...noticeMessage(lines.join("\n"), COLORS.green),
        components: [undoRow(outcome.changeId, language)],
      };
    }
    case "already":
      return noticeMessage(
        `${icon(outcome.to)} ${words.already(status[outcome.to], outcome.item.text)}\n${place(outcome.item)}`,
        COLORS.grey,
      );
    case "ambiguous": {
      const candidates = outcome.candidates.slice(0, LIMITS.selectOptions);
      const key = pickKey(candidates.map((c) => c.id));
      const menu: ActionRow = {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.StringSelect,
            custom_id: CUSTOM_IDS.pick(key),
            placeholder: words.whichItem,
            min_values: 1,
            max_values: 1,
            options: candidates.map((c) => ({
              label: truncate(`${icon(c.status)} ${c.text}`, LIMITS.selectOptionLabel),
              description: truncate(formatPlace(c), LIMITS.selectOptionDescription),
              value: c.id,
            })),
          },
        ],
      };
      return {
        ...noticeMessage(words.ambiguous(outcome.topic, status[outcome.to]), COLORS.blue),
        components: [menu],
      };
    }
    case "none":
      return noticeMessage(
        outcome.topic !== null ? words.noMatch(outcome.topic) : words.gone,
        COLORS.grey,
      );
    case "stale":
      return noticeMessage(words.stale(outcome.item.text), COLORS.grey);
    case "invalid-pick":
      return noticeMessage(words.invalidPick(outcome.count), COLORS.grey);
    case "empty-topic":
      return noticeMessage(words.emptyTopic, COLORS.grey);
    case "empty-note":
      return noticeMessage(words.emptyNote, COLORS.grey);
  }
}

/** `forceId` makes the "Add anyway" button's custom id, for a topic the notes mark known. */
export function unknownMessage(
  outcome: UnknownOutcome,
  forceId: () => string,
  language: Language,
): OutgoingMessage {
  const words = WORDS[language];
  switch (outcome.kind) {
    case "added":
      return {
        ...noticeMessage(
          `${icon("unknown")} ${words.added(outcome.item.text)}\n${place(outcome.item)}`,
          COLORS.green,
        ),
        components: [undoRow(outcome.changeId, language)],
      };
    case "exists":
      return noticeMessage(
        `${icon(outcome.item.status)} ${words.exists(STATUS_NAMES[language][outcome.item.status], outcome.item.text)}\n${place(outcome.item)}`,
        COLORS.grey,
      );
    case "contradicts":
      return {
        ...noticeMessage(
          `${icon(outcome.item.status)} ${words.contradicts(outcome.item.text, place(outcome.item))}`,
          COLORS.blue,
        ),
        components: [
          {
            type: ComponentType.ActionRow,
            components: [
              {
                type: ComponentType.Button,
                style: ButtonStyle.Danger,
                label: words.addAnyway,
                custom_id: forceId(),
              },
            ],
          },
        ],
      };
    case "empty-topic":
      return noticeMessage(words.emptyTopic, COLORS.grey);
  }
}

/** A change as the reply names it: what made it and when (Discord shows the user's local time). */
function describeChange(change: ChangeRecord): string {
  const ms = Date.parse(change.at);
  const when = Number.isNaN(ms) ? change.at : `<t:${Math.floor(ms / 1000)}:f>`;
  return `**${change.command}** (${when})`;
}

function eventLine(e: LearningEvent, language: Language): string {
  const words = STATUS_NAMES[language];
  const from = words[e.from ?? "new"];
  const to = words[e.to ?? "gone"];
  return `${icon(e.to)} **${e.text}**: ${from} → ${to}\n\`${formatPlace(e)}\``;
}

/** `/undo` and the "Undo" button: what was put back, or why nothing was. */
export function undoMessage(
  outcome: UndoOutcome | UndoChangeOutcome,
  language: Language,
): OutgoingMessage {
  const ja = language === "ja";
  switch (outcome.kind) {
    case "undone": {
      const { change } = outcome;
      const file = `\`${change.file}\``;
      const head =
        change.before === null
          ? ja
            ? `↩️ ${describeChange(change)}を取り消しました: michiが作成した ${file} を削除しました。`
            : `↩️ Undid ${describeChange(change)}: michi had created ${file}, so it is removed.`
          : ja
            ? `↩️ ${describeChange(change)}を取り消しました: ${file} はその前の版に戻りました。`
            : `↩️ Undid ${describeChange(change)}: ${file} is back to the version before it.`;
      const lines = [head, ...outcome.events.map((e) => eventLine(e, language))];
      return noticeMessage(lines.join("\n"), COLORS.green);
    }
    case "refused": {
      const { change } = outcome;
      const kept = change.before === null ? null : `\`${VERSIONS_DIR}/${change.before}\``;
      const text = ja
        ? `🚫 \`${change.file}\` はmichiの変更 ${describeChange(change)} の後に編集されています。取り消すとその編集が失われるため、何も変更していません。${kept === null ? "" : `変更前の版はmichiのデータフォルダ(MICHI_DATA_DIR)の ${kept} に残っています。`}`
        : `🚫 \`${change.file}\` changed since michi's change to it (${describeChange(change)}), so undo would overwrite that: nothing was changed.${kept === null ? "" : ` The version before it is kept in michi's data folder (MICHI_DATA_DIR) as ${kept}.`}`;
      return noticeMessage(text, COLORS.orange);
    }
    case "not-last": {
      const { change, newest } = outcome;
      const text = ja
        ? `🚫 ${describeChange(change)}はmichiの最後の変更ではありません。その後に ${describeChange(newest)}(\`${newest.file}\`)があります。別の変更を取り消さないよう、何も変更していません。先に /undo でそちらを取り消してください。`
        : `🚫 ${describeChange(change)} is no longer michi's last change: ${describeChange(newest)} (\`${newest.file}\`) came after it. Nothing was changed, so as not to undo a different change; undo that one first with /undo.`;
      return noticeMessage(text, COLORS.orange);
    }
    case "already-undone":
      return noticeMessage(
        ja
          ? `${describeChange(outcome.change)}はすでに取り消されています。何も変更していません。`
          : `${describeChange(outcome.change)} was undone already; nothing was changed.`,
        COLORS.grey,
      );
    case "unknown-change":
      return noticeMessage(
        ja
          ? "この変更の記録がmichiにありません。何も変更していません(/undo は最後の変更を取り消します)。"
          : "michi has no record of this change; nothing was changed (/undo undoes the last change).",
        COLORS.grey,
      );
    case "nothing":
      return noticeMessage(
        ja
          ? "取り消せる変更はありません: michiがノートに加えた変更はすべて取り消し済みか、まだありません。"
          : "Nothing to undo: michi has made no change to a note that is not undone yet.",
        COLORS.grey,
      );
  }
}
