/**
 * Retrieval that knows what a note is: note titles and headings count, results name distinct
 * notes and honour k, and index / table-of-contents lines are never quoted as the answer.
 * Real app, real store and indexes on a small vault written here.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { isPointerText } from "../../src/notes/links.js";
import { tempVault } from "../support/vault.js";

describe("pointer lines", () => {
  it("are lines made only of links", () => {
    expect(isPointerText("[Check What Is Inside A Zip File](unix/check-zip.md)")).toBe(true);
    expect(isPointerText("[React Native](#react-native)")).toBe(true);
    expect(isPointerText("[[Ownership]]")).toBe(true);
    expect(isPointerText("[a](a.md), [b](b.md) · [c](../c.md)")).toBe(true);
    expect(isPointerText("[source](https://example.com/post)")).toBe(true);
    expect(isPointerText("See [the zip note](unix/zip.md) for `unzip -l`")).toBe(false);
    expect(isPointerText("unzip -l lists the archive")).toBe(false);
    expect(isPointerText("[x] done")).toBe(false);
  });
});

describe("note-aware retrieval", () => {
  const { root, notes, write } = tempVault("michi-note-retrieval-");
  let app: App;

  beforeAll(async () => {
    write(
      "README.md",
      [
        "# TIL",
        "",
        "- [Check What Is Inside A Zip File](unix/check-what-is-inside-a-zip-file.md)",
        "- [Tarball Basics](unix/tarball-basics.md)",
        "- [Rust](#rust)",
        "",
      ].join("\n"),
    );
    write(
      "unix/check-what-is-inside-a-zip-file.md",
      "# Check What Is Inside A Zip File\n\nThe `-l` flag to `unzip` lists the archive without extracting anything.\n",
    );
    write(
      "unix/tarball-basics.md",
      "# Tarball Basics\n\nCreate a compressed tar archive with `tar -czf out.tgz dir`.\n",
    );
    write(
      "rust.md",
      [
        "# Rust notes",
        "",
        "## Ownership",
        "",
        "Every value has exactly one owner; when the owner goes out of scope the value is dropped.",
        "",
        "## Networking",
        "",
        "Use tokio for asynchronous sockets.",
        "",
        "## Images",
        "",
        "The image crate decodes PNG and JPEG.",
        "",
      ].join("\n"),
    );
    for (let i = 0; i < 6; i++) {
      write(
        `archive/file-${i}.md`,
        `# Archive ${i}\n\nAn archive file number ${i} lists things.\n`,
      );
    }
    app = createApp(
      loadConfig(
        { MICHI_TIMEZONE: "UTC", MICHI_QUESTION_LOG: "false" },
        {
          notesDir: notes,
          dataDir: path.join(root, "data"),
        },
      ),
    );
    await app.ingest();
  });

  afterAll(() => {
    app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("finds the note, never the index line that links to it", async () => {
    const sources = await app.search("check what is inside a zip file", 10);
    expect(sources[0]?.file).toBe("unix/check-what-is-inside-a-zip-file.md");
    expect(sources.map((s) => s.text)).not.toContainEqual(expect.stringContaining("]("));
    const toc = await app.search("Rust", 10);
    expect(toc.map((s) => s.text)).not.toContain("[Rust](#rust)");
  });

  it("counts a section heading for the paragraphs under it", async () => {
    const sources = await app.search("What is ownership in Rust?", 5);
    expect(sources[0]?.file).toBe("rust.md");
    expect(sources[0]?.sectionPath).toEqual(["Ownership"]);
    const docker = await app.search("Rust networking", 5);
    expect(docker[0]?.file).toBe("rust.md");
  });

  it("names distinct notes first and honours k", async () => {
    const sources = await app.search("archive file lists", 4);
    expect(sources).toHaveLength(4);
    expect(new Set(sources.map((s) => s.file)).size).toBe(4);
    expect(await app.search("archive file lists", 2)).toHaveLength(2);
  });
});
