import type { Source } from "./index.js";
import type { Language } from "./language.js";

/** Where a source comes from, as the user sees it: `Title › Section › Sub, line 23`. */
export function formatCitation(
  source: Pick<Source, "title" | "sectionPath" | "line">,
  language: Language = "en",
): string {
  // Indexes built before the parser dropped an H1 restating the title still have it first.
  const path =
    source.sectionPath[0] === source.title ? source.sectionPath.slice(1) : source.sectionPath;
  const where = [source.title, ...path].join(" › ");
  return language === "ja" ? `${where}、${source.line}行目` : `${where}, line ${source.line}`;
}
