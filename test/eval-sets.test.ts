/**
 * Guards the development eval data under eval/: every line parses, ids are unique, kinds and
 * flags are known, every expected note exists in its vault, every expected item text is in
 * the seed notes with the expected status, and each set keeps the size and spread it was
 * written with (so a careless edit cannot quietly shrink what changes are judged by).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseNote } from "../src/notes/parse.js";

const root = (rel: string) => fileURLToPath(new URL(`../${rel}`, import.meta.url));

const FLAGS = ["known", "partial", "unknown", "unmarked", "none"] as const;
const KINDS = ["paraphrase", "title", "cross-lingual", "code", "none"] as const;
type Kind = (typeof KINDS)[number];

interface Line {
  readonly id: string;
  readonly q: string;
  readonly flag: (typeof FLAGS)[number];
  readonly kind: Kind;
  readonly note?: string;
  readonly expect?: string;
}

interface EvalSet {
  readonly file: string;
  /** Notes folder the `note` paths are relative to; null when the set expects item texts. */
  readonly vault: string | null;
  readonly idPrefix: string;
  readonly minimums: Partial<Record<Kind, number>>;
  readonly minTotal: number;
  /** Distinct top-level folders the expected notes must spread over. */
  readonly minFolders: number;
  /** For a validation set: the development set over the same notes, which it must not repeat. */
  readonly dev?: string;
}

const SETS: readonly EvalSet[] = [
  {
    file: "eval/til-dev.jsonl",
    vault: "eval/vaults/til",
    idPrefix: "til-",
    minimums: { paraphrase: 70, title: 25, "cross-lingual": 35, code: 10, none: 35 },
    minTotal: 170,
    minFolders: 40,
  },
  {
    file: "eval/ja-dev.jsonl",
    vault: "eval/vaults/ja-notes",
    idPrefix: "ja-",
    minimums: { paraphrase: 30, title: 8, "cross-lingual": 20, none: 12 },
    minTotal: 60,
    minFolders: 12,
  },
  {
    file: "eval/ja-blog-dev.jsonl",
    vault: "eval/vaults/ja-blog",
    idPrefix: "jb-",
    minimums: { paraphrase: 150, title: 30, "cross-lingual": 50, code: 35, none: 40 },
    minTotal: 320,
    minFolders: 13,
  },
  {
    file: "eval/seed-dev.jsonl",
    vault: null,
    idPrefix: "seed-",
    minimums: { paraphrase: 15, "cross-lingual": 15, none: 8 },
    minTotal: 40,
    minFolders: 0,
  },
  // Validation sets: written blind (without running michi), never used for tuning.
  {
    file: "eval/til-val.jsonl",
    vault: "eval/vaults/til",
    idPrefix: "til-v",
    minimums: { paraphrase: 50, title: 15, "cross-lingual": 25, code: 10, none: 30 },
    minTotal: 130,
    minFolders: 40,
    dev: "eval/til-dev.jsonl",
  },
  {
    file: "eval/ja-val.jsonl",
    vault: "eval/vaults/ja-notes",
    idPrefix: "ja-v",
    minimums: { paraphrase: 25, title: 8, "cross-lingual": 12, none: 15 },
    minTotal: 60,
    minFolders: 12,
    dev: "eval/ja-dev.jsonl",
  },
  {
    file: "eval/seed-val.jsonl",
    vault: null,
    idPrefix: "seed-v",
    minimums: { paraphrase: 12, "cross-lingual": 12, none: 8 },
    minTotal: 30,
    minFolders: 0,
    dev: "eval/seed-dev.jsonl",
  },
];

function readSet(file: string): Line[] {
  const text = readFileSync(root(file), "utf8");
  return text
    .split("\n")
    .map((raw, i) => ({ raw, i }))
    .filter(({ raw }) => raw.trim() !== "")
    .map(({ raw, i }) => {
      try {
        return JSON.parse(raw) as Line;
      } catch (error) {
        throw new Error(`${file}:${i + 1}: not valid JSON: ${(error as Error).message}`);
      }
    });
}

describe.each(SETS)("$file", (set) => {
  const lines = readSet(set.file);

  it("has well-formed lines with unique ids", () => {
    const ids = new Set<string>();
    for (const l of lines) {
      const where = `${set.file} ${l.id}`;
      expect(typeof l.id, where).toBe("string");
      expect(l.id.startsWith(set.idPrefix), where).toBe(true);
      expect(ids.has(l.id), `${where}: duplicate id`).toBe(false);
      ids.add(l.id);
      expect(l.q.trim().length, where).toBeGreaterThan(0);
      expect(FLAGS, where).toContain(l.flag);
      expect(KINDS, where).toContain(l.kind);
      // A "none" question names nothing to find; every other question names exactly one target.
      expect(l.flag === "none", where).toBe(l.kind === "none");
      if (l.flag === "none") {
        expect(l.note ?? l.expect, where).toBeUndefined();
      } else if (set.vault !== null) {
        expect(typeof l.note, where).toBe("string");
      } else {
        expect(typeof l.expect, where).toBe("string");
      }
    }
  });

  it("has no question twice", () => {
    const seen = new Set<string>();
    for (const l of lines) {
      const key = l.q.trim().toLowerCase();
      expect(seen.has(key), `${set.file} ${l.id}: repeats another question`).toBe(false);
      seen.add(key);
    }
  });

  const dev = set.dev;
  if (dev !== undefined) {
    it("repeats no question of its development set", () => {
      const devQuestions = new Set(readSet(dev).map((l) => l.q.trim().toLowerCase()));
      const repeated = lines.filter((l) => devQuestions.has(l.q.trim().toLowerCase()));
      expect(
        repeated.map((l) => l.id),
        `also in ${dev}`,
      ).toEqual([]);
    });
  }

  it("meets its size and kind minimums", () => {
    expect(lines.length).toBeGreaterThanOrEqual(set.minTotal);
    for (const [kind, min] of Object.entries(set.minimums)) {
      const n = lines.filter((l) => l.kind === kind).length;
      expect(n, `${set.file}: ${kind} questions`).toBeGreaterThanOrEqual(min);
    }
  });

  if (set.vault === null) {
    it("expects item texts of the seed notes, with the item's status as the flag", () => {
      const seed = parseNote(
        "k8s-weekly-log-2.md",
        readFileSync(root("test/fixtures/notes/k8s-weekly-log-2.md"), "utf8"),
      );
      for (const l of lines) {
        if (l.expect === undefined) continue;
        const items = seed.items.filter((item) => item.text.includes(l.expect ?? ""));
        expect(items.length, `${l.id}: "${l.expect}" is in an item`).toBeGreaterThan(0);
        expect(
          items.map((item) => item.status),
          `${l.id}: status of "${l.expect}"`,
        ).toContain(l.flag);
      }
    });
  } else {
    const vault = set.vault;
    it("expects notes that exist in the vault, spread over its folders", () => {
      const folders = new Set<string>();
      for (const l of lines) {
        if (l.note === undefined) continue;
        expect(l.note.split("/"), `${l.id}: note path stays inside the vault`).not.toContain("..");
        expect(l.note.endsWith(".md"), l.id).toBe(true);
        const file = root(`${vault}/${l.note}`);
        expect(existsSync(file) && statSync(file).isFile(), `${l.id}: ${l.note} exists`).toBe(true);
        folders.add(l.note.split("/").length > 1 ? (l.note.split("/")[0] ?? ".") : ".");
      }
      expect(folders.size).toBeGreaterThanOrEqual(set.minFolders);
    });

    it("expects item texts, where named, with that item's status as the flag", () => {
      for (const l of lines) {
        if (l.note === undefined || l.expect === undefined) continue;
        const note = parseNote(l.note, readFileSync(root(`${vault}/${l.note}`), "utf8"));
        const items = note.items.filter((item) => item.text.includes(l.expect ?? ""));
        expect(
          items.map((item) => item.status),
          `${l.id}: "${l.expect}"`,
        ).toContain(l.flag);
      }
    });
  }
});

describe("the TIL vault copy", () => {
  it("keeps its licence next to the notes", () => {
    expect(readFileSync(root("eval/vaults/til/LICENSE"), "utf8")).toContain("MIT");
  });

  it("is parsed without tripping the note parser", () => {
    const file = "unix/check-what-is-inside-a-zip-file.md";
    const note = parseNote(file, readFileSync(root(`eval/vaults/til/${file}`), "utf8"));
    expect(note.title).toBe("Check What Is Inside A Zip File");
  });
});
