/**
 * The bot's refusals and its apology, in English and Japanese: the same words whether the bot
 * turns down an interaction (bot.ts) or a chat message (chat.ts).
 */
import type { Language } from "../ask/language.js";

export const REFUSALS: Readonly<
  Record<
    Language,
    {
      readonly closing: string;
      readonly unknownCommand: string;
      readonly ownersOnly: string;
      readonly slowDown: (seconds: number) => string;
      readonly apology: (ref: string) => string;
    }
  >
> = {
  en: {
    closing: "michi is restarting; try again in a minute.",
    unknownCommand: "This command or button is not known to this version of michi.",
    ownersOnly: "Only the owners of these notes can change them.",
    slowDown: (seconds) => `Slow down a little: try again in ${seconds} s.`,
    apology: (ref) =>
      `😣 Sorry, something went wrong while handling this (ref ${ref}). It has been logged.`,
  },
  ja: {
    closing: "michiは再起動中です。1分ほどしてからもう一度お試しください。",
    unknownCommand: "このコマンドまたはボタンは、このバージョンのmichiにはありません。",
    ownersOnly: "ノートを変更できるのはノートの持ち主だけです。",
    slowDown: (seconds) => `少し間をおいてください。${seconds}秒後にもう一度お試しください。`,
    apology: (ref) =>
      `😣 すみません、処理中にエラーが発生しました(参照: ${ref})。ログに記録しました。`,
  },
};
