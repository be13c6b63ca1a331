/**
 * One argument of a command michi suggests (`→ learned it? michi learned "…"`), quoted so that
 * pasting the line into a POSIX shell passes exactly `text`: note text may hold backticks
 * (inline code), `$`, quotes or `!`, which double quotes would let the shell expand.
 */
export function shellArg(text: string): string {
  if (!/[`$\\"!]/.test(text)) return `"${text}"`;
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
