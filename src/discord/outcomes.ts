/**
 * Discord's wording of the learning commands' outcomes (the core returns them as data). An
 * ambiguous topic becomes a select menu of the candidates; a topic the notes mark known becomes
 * an "Add anyway" button. Notes are named relative to the notes folder.
 */
import { ButtonStyle, ComponentType } from "discord.js";
import { formatPlace, icon } from "../learning/render.js";
import type { StatusChangeOutcome, UnknownOutcome } from "../learning/service.js";
import { type ActionRow, CUSTOM_IDS, noticeMessage, type OutgoingMessage } from "./embeds.js";
import { LIMITS, truncate } from "./limits.js";

const GREEN = 0x2ecc71;
const BLUE = 0x5865f2;
const GREY = 0x95a5a6;

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
      return noticeMessage(lines.join("\n"), GREEN);
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
      return noticeMessage(
        `${icon("unknown")} Added to your notes: **${outcome.item.text}**\n\`${formatPlace(outcome.item)}\``,
        GREEN,
      );
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
