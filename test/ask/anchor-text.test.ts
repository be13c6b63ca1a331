/**
 * Anchor text: the words of a link to another note of the vault are evidence for the note it
 * points to, never an answer of their own. Real app, real store and indexes over a small vault
 * written here, where the linked notes' own text lacks the words their links use.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { NoteIndex } from "../../src/ask/note-index.js";
import { loadConfig } from "../../src/config.js";
import { noteLinksOf } from "../../src/index/pointer.js";
import { tempVault } from "../support/vault.js";

describe("note links", () => {
  it("are the links that may point into the vault, with their words", () => {
    expect(
      noteLinksOf(
        "[Probes](k8s/liveness%20checks.md#top) [toc](#intro) [web](https://x.org/a.md) ![img](a.png)",
      ),
    ).toEqual([{ text: "Probes", target: "k8s/liveness checks.md", wiki: false }]);
    expect(noteLinksOf("[[Quiet Mornings|deep focus]] and [[Ownership#Moves]] [[#local]]")).toEqual(
      [
        { text: "deep focus", target: "Quiet Mornings", wiki: true },
        { text: "Ownership", target: "Ownership", wiki: true },
      ],
    );
    expect(noteLinksOf('[Title](<a b.md> "hover")')).toEqual([
      { text: "Title", target: "a b.md", wiki: false },
    ]);
  });
});

describe("note index anchors", () => {
  const chunk = (id: string, file: string, text: string, title = file) => ({
    id,
    file,
    title,
    sectionPath: [],
    text: text.includes("](") || text.includes("[[") ? "" : text,
    links: noteLinksOf(text),
  });

  it("resolve relative to the linking note, then to the root, and follow edits", () => {
    const index = new NoteIndex();
    index.add(chunk("t1", "git/rebase.md", "Replay commits onto another base."));
    index.add(chunk("t2", "guides/git/rebase.md", "A guide about branches."));
    index.add(chunk("p1", "guides/index.md", "[history surgery](git/rebase.md)"));
    // Relative first: the guide's own git folder.
    expect(index.search("history surgery", 5).map((h) => h.file)).toEqual(["guides/git/rebase.md"]);
    index.add(chunk("p2", "top.md", "[untangling commits](/git/rebase.md)"));
    expect(index.search("untangling commits", 5).map((h) => h.file)).toEqual(["git/rebase.md"]);
    // The relative target goes away: the link now reaches the root's note.
    index.remove("t2");
    expect(index.search("history surgery", 5).map((h) => h.file)).toEqual(["git/rebase.md"]);
    // The linking line goes away: its words leave the target.
    index.remove("p1");
    expect(index.search("history surgery", 5)).toEqual([]);
  });

  it("resolve wiki links by file name or title; own headings and the web give nothing", () => {
    const index = new NoteIndex();
    index.add(chunk("t1", "daily/Quiet Mornings.md", "Coffee, no phone, writing."));
    index.add(chunk("t2", "rust/own.md", "One owner per value.", "Ownership"));
    index.add(chunk("p1", "index.md", "[[quiet mornings|deep focus routine]] · [[Ownership]]"));
    index.add(chunk("p2", "index.md", "[[Borrowing rules|borrow checker]]"));
    index.add(chunk("p3", "index.md", "[Fluffy unicorns](#fluffy-unicorns)"));
    index.add(chunk("p4", "index.md", "[Zebra stripes](https://example.com/rust/own.md)"));
    expect(index.search("deep focus routine", 5).map((h) => h.file)).toEqual([
      "daily/Quiet Mornings.md",
    ]);
    expect(index.search("borrow checker", 5)).toEqual([]);
    // A note named later picks up the links that named it first.
    index.add(chunk("t3", "rust/Borrowing rules.md", "Shared or exclusive, never both."));
    expect(index.search("borrow checker", 5).map((h) => h.file)).toEqual([
      "rust/Borrowing rules.md",
    ]);
    expect(index.search("fluffy unicorns", 5)).toEqual([]);
    expect(index.search("zebra stripes", 5)).toEqual([]);
  });
});

describe("anchor text in retrieval", () => {
  const { root, notes, write } = tempVault("michi-anchors-");
  const config = loadConfig(
    { MICHI_TIMEZONE: "UTC", MICHI_QUESTION_LOG: "false" },
    { notesDir: notes, dataDir: path.join(root, "data") },
  );
  let app: App;
  const index = (peek: string) =>
    write(
      "index.md",
      [
        "# Index",
        "",
        `- [${peek}](unix/peek.md)`,
        "- [Kubernetes probes explained](k8s/liveness%20checks.md#why)",
        "- [[Quiet Mornings|deep focus routine]]",
        "- [Fluffy unicorns](#fluffy-unicorns)",
        "",
      ].join("\n"),
    );

  beforeAll(async () => {
    index("Listing an archive without unpacking");
    write("unix/peek.md", "# Peek\n\nRun `unzip -l bundle.zip` to see the names.\n");
    write(
      "k8s/liveness checks.md",
      "# Liveness checks\n\nThe kubelet restarts a container whose health endpoint fails.\n",
    );
    write(
      "daily/Quiet Mornings.md",
      "# Quiet Mornings\n\nCoffee, no phone, two hours of writing.\n",
    );
    for (let i = 0; i < 6; i++) {
      write(`misc/note-${i}.md`, `# Note ${i}\n\nSomething else entirely, number ${i}.\n`);
    }
    app = createApp(config);
    await app.ingest();
  });

  afterAll(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  const files = async (a: App, q: string) => (await a.search(q, 5)).map((s) => s.file);

  it("finds and cites the linked note, never the link line", async () => {
    const answer = await app.ask("listing an archive without unpacking");
    expect(answer.flag).not.toBe("none");
    expect(answer.sources[0]?.file).toBe("unix/peek.md");
    expect(answer.sources.map((s) => s.file)).not.toContain("index.md");
    expect(answer.answer).not.toContain("](");
    expect((await files(app, "kubernetes probes explained"))[0]).toBe("k8s/liveness checks.md");
    expect((await files(app, "deep focus routine"))[0]).toBe("daily/Quiet Mornings.md");
    expect(await files(app, "fluffy unicorns")).not.toContain("index.md");
  });

  it("follows an edited index note in the same process and in a new one", async () => {
    index("Inspecting a compressed package");
    await app.ingest();
    expect((await files(app, "inspecting a compressed package"))[0]).toBe("unix/peek.md");
    expect(await files(app, "listing an archive without unpacking")).not.toContain("unix/peek.md");
    const fresh = createApp(config);
    try {
      expect((await files(fresh, "inspecting a compressed package"))[0]).toBe("unix/peek.md");
      expect(await files(fresh, "listing an archive without unpacking")).not.toContain(
        "unix/peek.md",
      );
    } finally {
      await fresh.close();
    }
  });
});
