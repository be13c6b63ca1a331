/** The language to answer in: Japanese when the text has kana or kanji, else English. */
export type Language = "ja" | "en";

const JAPANESE = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u;

export function detectLanguage(text: string): Language {
  return JAPANESE.test(text) ? "ja" : "en";
}
