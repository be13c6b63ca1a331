/**
 * What Discord enforces on what a bot sends (https://discord.com/developers/docs/resources/message
 * and …/interactions). Every payload michi builds stays within these; the fake server in the
 * tests rejects anything beyond them, as Discord does.
 */
export const LIMITS = {
  /** Message `content`. */
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  embedFieldName: 256,
  embedFieldValue: 1024,
  embedFooter: 2048,
  embedAuthorName: 256,
  /** All titles, descriptions, field names and values, footers and author names of a message. */
  embedTotal: 6000,
  embedsPerMessage: 10,
  /** Autocomplete: choices per response, and each choice's name and value. */
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  /** Buttons and select menus. */
  customId: 100,
  buttonLabel: 80,
  selectOptions: 25,
  selectOptionLabel: 100,
  selectOptionDescription: 100,
  selectOptionValue: 100,
  actionRows: 5,
  threadName: 100,
  /** An interaction must be acknowledged within this long. */
  interactionDeadlineMs: 3000,
} as const;

/**
 * `text` cut to at most `max` UTF-16 units (JavaScript's `length`, never less than what
 * Discord counts), with an ellipsis when it was longer; never splits a surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  for (const char of text) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out}…`;
}
