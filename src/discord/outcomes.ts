/**
 * Discord's wording of the learning commands' outcomes (the core returns them as data). An
 * ambiguous topic becomes a select menu of the candidates; a topic the notes mark known becomes
 * an "Add anyway" button; a change gets an "Undo" button for exactly that change. Notes are
 * named relative to the notes folder, kept versions relative to the data folder.
 */
import { ButtonStyle, ComponentType } from "discord.js";
import type { Language } from "../ask/language.js";
import type { LearningEvent } from "../learning/history.js";
import { formatPlace, icon } from "../learning/render.js";
import type {
  StatusChangeOutcome,
  UndoChangeOutcome,
  UndoOutcome,
  UnknownOutcome,
} from "../learning/service.js";
import { type ChangeRecord, VERSIONS_DIR } from "../learning/versions.js";
import { type ActionRow, CUSTOM_IDS, noticeMessage, type OutgoingMessage } from "./embeds.js";
import { LIMITS, truncate } from "./limits.js";

const GREEN = 0x2ecc71;
const BLUE = 0x5865f2;
const GREY = 0x95a5a6;
const ORANGE = 0xe67e22;

/** The "Undo" button under a change: it acts on that change only (see `undoChange`). */
function undoRow(changeId: string): ActionRow {
  return {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.Button,
        style: ButtonStyle.Secondary,
        label: "Undo",
        emoji: { name: "↩️" },
        custom_id: CUSTOM_IDS.undo(changeId),
      },
    ],
  };
}

/** Where a select menu's pick goes: `pick:<pending key>`. */
export function statusMessage(
  outcome: StatusChangeOutcome,
  pickKey: (ids: readonly string[]) => string,
): OutgoingMessage {
  switch (outcome.kind) {
    case "changed": {
      const lines = [
        `${icon(outcome.to)} **${outcome.item.text}**: ${outcome.from} → ${outcome.to}`,
        `\`${formatPlace(outcome.item)}\``,
      ];
      if (outcome.noteLine !== null) lines.push(`+ ${outcome.noteLine}`);
      return {
        ...noticeMessage(lines.join("\n"), GREEN),
        components: [undoRow(outcome.changeId)],
      };
    }
    case "already":
      return noticeMessage(
        `${icon(outcome.to)} Already ${outcome.to}: **${outcome.item.text}**; nothing changed.\n\`${formatPlace(outcome.item)}\``,
        GREY,
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
            placeholder: "Which item do you mean?",
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
        ...noticeMessage(
          `"${outcome.topic}" matches several items; nothing was changed yet. Pick the one you mean (→ ${outcome.to}):`,
          BLUE,
        ),
        components: [menu],
      };
    }
    case "none":
      return noticeMessage(
        outcome.topic !== null
          ? `No item matches "${outcome.topic}"; nothing was changed.`
          : "That item is no longer in your notes; nothing was changed.",
        GREY,
      );
    case "stale":
      return noticeMessage(
        `**${outcome.item.text}** changed in its note meanwhile; nothing was changed. Try again.`,
        GREY,
      );
    case "invalid-pick":
      return noticeMessage(`Pick 1 to ${outcome.count}.`, GREY);
    case "empty-topic":
      return noticeMessage("Give a topic.", GREY);
    case "empty-note":
      return noticeMessage("The note is empty; write what you learned, or leave it out.", GREY);
  }
}

/** `forceKey` names the "Add anyway" button's target, for a topic the notes mark known. */
export function unknownMessage(outcome: UnknownOutcome, forceId: () => string): OutgoingMessage {
  switch (outcome.kind) {
    case "added":
      return {
        ...noticeMessage(
          `${icon("unknown")} Added to your notes: **${outcome.item.text}**\n\`${formatPlace(outcome.item)}\``,
          GREEN,
        ),
        components: [undoRow(outcome.changeId)],
      };
    case "exists":
      return noticeMessage(
        `${icon(outcome.item.status)} Already in your notes as ${outcome.item.status}: **${outcome.item.text}**\n\`${formatPlace(outcome.item)}\``,
        GREY,
      );
    case "contradicts":
      return {
        ...noticeMessage(
          `${icon(outcome.item.status)} Your notes mark this as known: **${outcome.item.text}**\n\`${formatPlace(outcome.item)}\`\nAdd it as unknown anyway?`,
          BLUE,
        ),
        components: [
          {
            type: ComponentType.ActionRow,
            components: [
              {
                type: ComponentType.Button,
                style: ButtonStyle.Danger,
                label: "Add anyway",
                custom_id: forceId(),
              },
            ],
          },
        ],
      };
    case "empty-topic":
      return noticeMessage("Give a topic.", GREY);
  }
}

const STATUS_WORDS: Readonly<Record<Language, Readonly<Record<string, string>>>> = {
  en: {
    known: "known",
    partial: "partial",
    unknown: "unknown",
    unmarked: "unmarked",
    new: "new",
    gone: "gone",
  },
  ja: {
    known: "既知",
    partial: "一部既知",
    unknown: "未知",
    unmarked: "マークなし",
    new: "新規",
    gone: "削除",
  },
};

/** A change as the reply names it: what made it and when (Discord shows the user's local time). */
function describeChange(change: ChangeRecord): string {
  const ms = Date.parse(change.at);
  const when = Number.isNaN(ms) ? change.at : `<t:${Math.floor(ms / 1000)}:f>`;
  return `**${change.command}** (${when})`;
}

function eventLine(e: LearningEvent, language: Language): string {
  const words = STATUS_WORDS[language];
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
      return noticeMessage(lines.join("\n"), GREEN);
    }
    case "refused": {
      const { change } = outcome;
      const kept = change.before === null ? null : `\`${VERSIONS_DIR}/${change.before}\``;
      const text = ja
        ? `🚫 \`${change.file}\` はmichiの変更 ${describeChange(change)} の後に編集されています。取り消すとその編集が失われるため、何も変更していません。${kept === null ? "" : `変更前の版はmichiのデータフォルダ(MICHI_DATA_DIR)の ${kept} に残っています。`}`
        : `🚫 \`${change.file}\` changed since michi's change to it (${describeChange(change)}), so undo would overwrite that: nothing was changed.${kept === null ? "" : ` The version before it is kept in michi's data folder (MICHI_DATA_DIR) as ${kept}.`}`;
      return noticeMessage(text, ORANGE);
    }
    case "not-last": {
      const { change, newest } = outcome;
      const text = ja
        ? `🚫 ${describeChange(change)}はmichiの最後の変更ではありません。その後に ${describeChange(newest)}(\`${newest.file}\`)があります。別の変更を取り消さないよう、何も変更していません。先に /undo でそちらを取り消してください。`
        : `🚫 ${describeChange(change)} is no longer michi's last change: ${describeChange(newest)} (\`${newest.file}\`) came after it. Nothing was changed, so as not to undo a different change; undo that one first with /undo.`;
      return noticeMessage(text, ORANGE);
    }
    case "already-undone":
      return noticeMessage(
        ja
          ? `${describeChange(outcome.change)}はすでに取り消されています。何も変更していません。`
          : `${describeChange(outcome.change)} was undone already; nothing was changed.`,
        GREY,
      );
    case "unknown-change":
      return noticeMessage(
        ja
          ? "この変更の記録がmichiにありません。何も変更していません(/undo は最後の変更を取り消します)。"
          : "michi has no record of this change; nothing was changed (/undo undoes the last change).",
        GREY,
      );
    case "nothing":
      return noticeMessage(
        ja
          ? "取り消せる変更はありません: michiがノートに加えた変更はすべて取り消し済みか、まだありません。"
          : "Nothing to undo: michi has made no change to a note that is not undone yet.",
        GREY,
      );
  }
}
