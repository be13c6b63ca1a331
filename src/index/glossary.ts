/**
 * The English ↔ Japanese glossary of general computing vocabulary, used only to expand queries
 * so that an English question can find a Japanese note and vice versa. The entries are data
 * (glossary-data/en-ja.json, loaded once at start): `[english, japanese]`, Japanese
 * alternatives separated by `|`, English keys possibly phrases (matched on consecutive words).
 */

import { MichiError } from "../errors.js";
import data from "./glossary-data/en-ja.json" with { type: "json" };

export type GlossaryEntry = readonly [english: string, japanese: string];

/** Checks the shape of glossary data; an error names the entry. */
export function parseGlossary(value: unknown, source: string): GlossaryEntry[] {
  const entries = (value as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries)) throw new MichiError(`${source}: expected {"entries": [...]}`);
  return entries.map((entry, i) => {
    if (
      !Array.isArray(entry) ||
      entry.length !== 2 ||
      typeof entry[0] !== "string" ||
      typeof entry[1] !== "string" ||
      entry[0].trim() === "" ||
      entry[1].trim() === ""
    ) {
      throw new MichiError(
        `${source}: entry ${i + 1} must be ["english", "日本語|…"], got ${JSON.stringify(entry)}`,
      );
    }
    return [entry[0], entry[1]] as const;
  });
}

export const GLOSSARY: readonly GlossaryEntry[] = parseGlossary(data, "glossary-data/en-ja.json");
