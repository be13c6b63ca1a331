import { describe, expect, it } from "vitest";
import { answerExtractively } from "../../src/ask/extractive.js";
import type { Source } from "../../src/ask/index.js";

function source(text: string, overrides: Partial<Source> = {}): Source {
  return {
    id: text,
    kind: "prose",
    file: "unix/zip.md",
    title: "Check What Is Inside A Zip File",
    sectionPath: [],
    line: 9,
    status: "unmarked",
    text,
    context: [],
    score: 0.8,
    ...overrides,
  };
}

const CODE = "# list the archive\nunzip -l files.zip\n*.txt matches __all__ text files";

describe("answerExtractively", () => {
  it("quotes a one-line source with its sub-items and cites it", () => {
    const answer = answerExtractively("What is a DaemonSet?", [
      source("DaemonSet puts one Pod on each node", {
        kind: "item",
        status: "known",
        context: ["kube-proxy runs as one"],
      }),
    ]);
    expect(answer.flag).toBe("known");
    expect(answer.answer).toContain(
      "> DaemonSet puts one Pod on each node\n>   • kube-proxy runs as one\n— Check What Is Inside A Zip File, line 9",
    );
  });

  it("quotes a table row under its header row, as the table shows it", () => {
    const answer = answerExtractively("ag の特徴は?", [
      source("ag | ack 互換のオプション | 普通", { context: ["ツール | 特徴 | 速度"], line: 16 }),
    ]);
    expect(answer.answer).toContain(
      "> ツール | 特徴 | 速度\n> ag | ack 互換のオプション | 普通\n— Check What Is Inside A Zip File、16行目",
    );
  });

  it("shows a code block as a fenced block, so its lines are not read as markdown", () => {
    const answer = answerExtractively("How do I list a zip archive?", [source(CODE)]);
    expect(answer.answer).toContain(`\`\`\`\n${CODE}\n\`\`\`\n— Check What Is Inside A Zip File`);
    expect(answer.answer).not.toContain("> # list");
  });

  it("fences code that itself holds a fence with a longer one", () => {
    const text = "Write this:\n```sh\nls\n```";
    const answer = answerExtractively("How do I fence code?", [source(text)]);
    expect(answer.answer).toContain(`\`\`\`\`\n${text}\n\`\`\`\``);
  });

  it("lists related sources in one line each, a code block by its first line", () => {
    const answer = answerExtractively("zipの中身を見たい", [
      source("unzip -l で中身を一覧できる"),
      source(CODE, { title: "Zip Tricks", line: 3 }),
    ]);
    expect(answer.answer).toContain(
      "ノートの関連項目:\n- 📝 # list the archive … (Zip Tricks、3行目)",
    );
    expect(answer.answer).not.toContain("unzip -l files.zip");
  });

  it("says the notes have nothing, and offers to add it, when there is no source", () => {
    const answer = answerExtractively("How do I undo my last git commit?", []);
    expect(answer.flag).toBe("none");
    expect(answer.answer).toBe(
      "🕳️ Nothing in your notes covers this: an unknown unknown.\n\nYou can add it to your notes as a new unknown item.",
    );
  });
});
