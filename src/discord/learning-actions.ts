/**
 * What the learning commands and buttons share: acting on exactly the item the user chose (an
 * autocomplete choice or select-menu value is an item id), wording the outcome, and remembering
 * the choices a select menu or "Add anyway" button offers.
 */
import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  RepliableInteraction,
  SlashCommandStringOption,
} from "discord.js";
import type { Language } from "../ask/language.js";
import type { StatusChangeOutcome, UnknownOutcome } from "../learning/service.js";
import type { MarkedStatus } from "../notes/edit.js";
import type { BotContext } from "./context.js";
import { CUSTOM_IDS, type OutgoingMessage } from "./embeds.js";
import { LIMITS, truncate } from "./limits.js";
import { statusMessage, unknownMessage } from "./outcomes.js";
import { replyLanguage } from "./reply-language.js";
import { toEdit } from "./send.js";

/** The id of the item `value` names when it is an item id (an autocomplete choice), else null. */
async function itemIdIn(ctx: BotContext, value: string): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{16}$/.test(value)) return null;
  const [item] = (await ctx.app.store()).itemStatesOf([value]);
  return item === undefined ? null : item.id;
}

/** Sets `to` on the item `topic` names: by id when it is one, else by matching the text. */
async function changeStatus(
  ctx: BotContext,
  topic: string,
  to: MarkedStatus,
  note: string | undefined,
): Promise<StatusChangeOutcome> {
  const id = await itemIdIn(ctx, topic.trim());
  const options = note === undefined ? {} : { note };
  if (id !== null) return ctx.app.setStatus(id, to, options);
  return to === "known" ? ctx.app.learned(topic, options) : ctx.app.mark(topic, to, options);
}

/** The outcome as `language` words it; a select menu's choices are remembered for the pick. */
export function statusReply(
  ctx: BotContext,
  outcome: StatusChangeOutcome,
  userId: string,
  note: string | undefined,
  language: Language,
): OutgoingMessage {
  return statusMessage(
    outcome,
    (ids) =>
      ctx.pending.add({
        kind: "status",
        to: outcome.kind === "ambiguous" ? outcome.to : "known",
        note,
        ids,
        userId,
        language,
      }),
    language,
  );
}

export function unknownReply(
  ctx: BotContext,
  outcome: UnknownOutcome,
  topic: string,
  userId: string,
  language: Language,
  answerKey?: string,
): OutgoingMessage {
  return unknownMessage(
    outcome,
    () =>
      answerKey !== undefined
        ? CUSTOM_IDS.addUnknownAnyway("a", answerKey)
        : CUSTOM_IDS.addUnknownAnyway(
            "p",
            ctx.pending.add({ kind: "unknown", topic, userId, language }),
          ),
    language,
  );
}

/**
 * What `/learned` and `/mark` do: acknowledge privately, set `to` on the item `topic` names,
 * and reply with the outcome (or the select menu that asks which item) in the user's language.
 */
export async function runStatusCommand(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
  topic: string,
  to: MarkedStatus,
  note: string | undefined,
): Promise<void> {
  await deferPrivately(interaction);
  const outcome = await changeStatus(ctx, topic, to, note);
  await finish(
    interaction,
    statusReply(ctx, outcome, interaction.user.id, note, replyLanguage(interaction)),
  );
}

/** Acknowledges now (a note edit plus re-index can take longer than Discord's 3 s), privately. */
export async function deferPrivately(interaction: RepliableInteraction): Promise<void> {
  await interaction.deferReply({ flags: "Ephemeral" });
}

export async function finish(
  interaction: RepliableInteraction,
  message: OutgoingMessage,
): Promise<void> {
  await interaction.editReply(toEdit(message));
}

/** Autocomplete choices: open items, `icon text — note › section`, the value the item's id. */
async function suggestChoices(
  ctx: BotContext,
  typed: string,
): Promise<{ name: string; value: string }[]> {
  const items = await ctx.app.suggest(typed, LIMITS.choices);
  return items.slice(0, LIMITS.choices).map((item) => {
    // The place stays visible however long the item's text is.
    const where = truncate([item.file, ...item.sectionPath].join(" › "), 45);
    const icon = item.status === "partial" ? "🔺" : "❓";
    const text = truncate(item.text.replace(/\s+/g, " "), LIMITS.choiceName - where.length - 6);
    return { name: truncate(`${icon} ${text} — ${where}`, LIMITS.choiceName), value: item.id };
  });
}

/** The `topic` option of `/learned` and `/mark`: an open item from autocomplete, or typed text. */
export function topicOption(option: SlashCommandStringOption): SlashCommandStringOption {
  return option
    .setName("topic")
    .setDescription("The item (pick from the list, or type a topic)")
    .setDescriptionLocalizations({ ja: "項目(一覧から選ぶか、話題を入力)" })
    .setRequired(true)
    .setAutocomplete(true)
    .setMaxLength(200);
}

/** Answers a `topic` autocomplete with the open items matching what was typed so far. */
export async function respondWithSuggestions(
  interaction: AutocompleteInteraction,
  ctx: BotContext,
): Promise<void> {
  await interaction.respond(await suggestChoices(ctx, interaction.options.getFocused()));
}
