/**
 * Shell and template sigils as search terms (`!$`, `$?`, `&&`, `<%=`): the word analysis keeps
 * letters and digits only, so a question built on one ("What does !$ refer to?") could not
 * meet the note that explains it. A sigil is a whole token of two to four symbols, standing
 * alone between spaces, quotes, backticks or brackets, with at least one operator character
 * in it (so `--`, `...` and markdown's `##` are not terms). Keyword search only: the
 * embedder's analysis is unchanged.
 */

/** Prefix that keeps sigil terms apart from every word the analysis emits. */
const SIGIL = "\u0001";

const TOKEN = /(?<=^|[\s`'"([{,;])([!$?@#%^&*~|<>=:+\-_./\\]{2,4})(?=$|[\s`'")\]},;])/g;
const OPERATOR = /[!$?@%^&*~|<>=]/;

/** The sigil terms of a text, in text order, repeats kept. */
export function sigilTerms(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const token = m[1] ?? "";
    if (OPERATOR.test(token)) out.push(SIGIL + token);
  }
  return out;
}

/** Whether a term is a sigil (from sigilTerms). */
export function isSigilTerm(term: string): boolean {
  return term.startsWith(SIGIL);
}
