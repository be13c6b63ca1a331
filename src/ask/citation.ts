import type { Source } from "./index.js";
import type { Language } from "./language.js";

/** Where a source comes from, as the user sees it: `Title › Section › Sub, line 23`. */
export function formatCitation(
  source: Pick<Source, "title" | "sectionPath" | "line">,
  language: Language = "en",
): string {
  const where = [source.title, ...source.sectionPath].join(" › ");
  return language === "ja" ? `${where}、${source.line}行目` : `${where}, line ${source.line}`;
}
