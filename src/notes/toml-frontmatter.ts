/**
 * Hugo's TOML frontmatter (`+++` … `+++`), read for what michi uses of a note's frontmatter:
 * top-level `key = value` lines with strings, arrays of strings and bare values (dates,
 * numbers) kept as their text. Tables (`[params]`) and anything else are skipped: michi never
 * rewrites frontmatter, so reading less than a full TOML parser loses nothing of the note.
 */

const KEY_LINE = /^[ \t]*([A-Za-z0-9_-]+|"[^"\r\n]*"|'[^'\r\n]*')[ \t]*=[ \t]*(.*)$/;
const STRING = /"((?:[^"\\\r\n]|\\.)*)"|'([^'\r\n]*)'/g;

function basicString(body: string): string {
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return body;
  }
}

/** The strings of a value, in order (`"a"`, `'b'`). */
function strings(raw: string): string[] {
  return [...raw.matchAll(STRING)].map((m) =>
    m[1] !== undefined ? basicString(m[1]) : (m[2] ?? ""),
  );
}

function value(raw: string): unknown {
  const text = raw.trim();
  if (text.startsWith("[")) return strings(text);
  if (text.startsWith('"') || text.startsWith("'")) return strings(text)[0] ?? "";
  // A bare value (date, number, boolean) up to a comment.
  return text.replace(/[ \t]+#.*$/, "");
}

/** The top-level keys of a `+++` block (its fence lines included). */
export function readTomlFrontmatter(block: string): Record<string, unknown> {
  const lines = block.split(/\r\n|\r|\n/).slice(1);
  const data: Record<string, unknown> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (/^[ \t]*\+\+\+[ \t]*$/.test(line) || /^[ \t]*\[/.test(line)) break;
    const match = KEY_LINE.exec(line);
    if (match === null) continue;
    const key = (match[1] ?? "").replace(/^["']|["']$/g, "");
    let raw = match[2] ?? "";
    // An array may run over several lines, up to its `]`.
    while (raw.trimStart().startsWith("[") && !raw.includes("]") && i + 1 < lines.length) {
      raw += ` ${lines[++i] ?? ""}`;
    }
    if (!(key in data)) data[key] = value(raw);
  }
  return data;
}
