/**
 * The question a Discord message asks (chat, "Ask michi"): its text without mentions, which
 * address people rather than ask anything, and would otherwise be searched for, logged and
 * written into inbox.md by "Add to my unknowns".
 */

/** Questions longer than this are cut (the `/ask` option's limit too). */
export const MAX_QUESTION_LENGTH = 1000;

export function questionOf(content: string): string {
  return content
    .replace(/<@[!&]?\d+>|<#\d+>|@everyone|@here/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, MAX_QUESTION_LENGTH);
}
