/**
 * The language of a reply to one user (every interaction reply: outcomes, refusals, errors).
 * Precedence, first match wins:
 *   1. the user's Discord client: Japanese when its locale is `ja` (as Discord shows them the
 *      commands' Japanese descriptions). A Japanese speaker often types an English term
 *      ("Deployment"), so their text never turns their replies English;
 *   2. the text the reply is about, when it is Japanese (kana or kanji: `detectLanguage`, which
 *      also picks an answer's language): what the user typed into the command (its string
 *      options) or the message "Ask michi" was used on; a button or select menu, which carries
 *      no text of its own, reports what it did in the language of the message it is on (its
 *      reply often replaces that message). The bot's refusals and apology come before any
 *      handler looks at that message, so for a button they follow the client alone;
 *   3. English.
 * Answers keep following their question's language (the core words them); posts to a channel
 * that answer nobody in particular (the weekly digest) are not replies and keep theirs.
 */
import type { BaseInteraction } from "discord.js";
import { detectLanguage, type Language } from "../ask/language.js";

/** The language of `interaction`'s reply; `about` defaults to the language of its typed text. */
export function replyLanguage(
  interaction: BaseInteraction,
  about: Language = detectLanguage(typedText(interaction)),
): Language {
  return interaction.locale.startsWith("ja") ? "ja" : about;
}

/** What the user gave the interaction as text: a command's string options, or "Ask michi"'s message. */
function typedText(interaction: BaseInteraction): string {
  if (interaction.isChatInputCommand()) {
    const texts: string[] = [];
    const collect = (options: readonly { value?: unknown; options?: readonly unknown[] }[]) => {
      for (const o of options) {
        if (typeof o.value === "string") texts.push(o.value);
        if (o.options) collect(o.options as typeof options);
      }
    };
    collect(interaction.options.data);
    return texts.join("\n");
  }
  if (interaction.isMessageContextMenuCommand()) return interaction.targetMessage.content;
  return "";
}
