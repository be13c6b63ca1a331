import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunkItems } from "../../src/index/chunk.js";
import {
  applyInboxAddition,
  applyStatusEdit,
  findMarkerStyle,
  formatLearnedLine,
} from "../../src/learning/note-edits.js";
import { markerFor } from "../../src/notes/markers.js";
import { parseNote } from "../../src/notes/parse.js";

const NOTE = [
  "\uFEFF---",
  "title: メモ",
  "extra: keep me  ",
  "---",
  "",
  "## Pod関連  ",
  "",
  "- O ReplicaSetはPodのレプリカ数を維持する   ",
  "- △ Podを管理するリソースにDeploymentがある",
  "- X Deploymentが何かは忘れた",
  "  - 参考: 公式ドキュメント",
  "- X shimの周りの事はあまりわかっていない",
  "",
].join("\r\n");

function idOf(text: string, source = NOTE): string {
  const found = chunkItems(parseNote("memo.md", source).items).find((c) => c.text === text);
  if (!found) throw new Error(`no item ${text}`);
  return found.id;
}

describe("status edits of a note", () => {
  it("changes only the marker and appends the learned line, keeping BOM, CRLF and spaces", () => {
    const { text } = applyStatusEdit("memo.md", NOTE, {
      itemId: idOf("Deploymentが何かは忘れた"),
      to: "known",
      subItem: formatLearnedLine("2026-11-27", "ReplicaSetを管理する"),
    });
    const expected = NOTE.replace("- X Deployment", "- O Deployment").replace(
      "  - 参考: 公式ドキュメント\r\n",
      "  - 参考: 公式ドキュメント\r\n  - learned 2026-11-27: ReplicaSetを管理する\r\n",
    );
    expect(text).toBe(expected);
  });

  it("turns a partial item known in the note's own marker family", () => {
    const noteWithCircles = NOTE.replace("- O Replica", "- ○ Replica").replace(/- X /g, "- × ");
    const { text } = applyStatusEdit("memo.md", noteWithCircles, {
      itemId: idOf("Podを管理するリソースにDeploymentがある", noteWithCircles),
      to: "known",
    });
    expect(text).toBe(noteWithCircles.replace("- △ Pod", "- ○ Pod"));
  });

  it("finds the item by id after lines were inserted above it", () => {
    const id = idOf("shimの周りの事はあまりわかっていない");
    const moved = NOTE.replace("## Pod関連  \r\n", "## Pod関連  \r\n\r\n新しい段落\r\n");
    const { text, item } = applyStatusEdit("memo.md", moved, { itemId: id, to: "known" });
    expect(item?.line).toBe(14);
    expect(text).toBe(moved.replace("- X shim", "- O shim"));
  });

  it("leaves an item that already has the status alone", () => {
    const result = applyStatusEdit("memo.md", NOTE, {
      itemId: idOf("ReplicaSetはPodのレプリカ数を維持する"),
      to: "known",
    });
    expect(result.text).toBeNull();
  });

  it("writes nothing when the item is no longer in the note", () => {
    const id = idOf("Deploymentが何かは忘れた");
    const edited = NOTE.replace("Deploymentが何かは忘れた", "Deploymentとは何か");
    expect(applyStatusEdit("memo.md", edited, { itemId: id, to: "known" })).toEqual({
      text: null,
      item: null,
    });
  });

  it("writes no sub-item under an item that already has the status", () => {
    const result = applyStatusEdit("memo.md", NOTE, {
      itemId: idOf("ReplicaSetはPodのレプリカ数を維持する"),
      to: "known",
      subItem: formatLearnedLine("2026-11-27", "again"),
    });
    expect(result.text).toBeNull();
    expect(result.item?.status).toBe("known");
  });

  it("takes the note's first non-partial marker as its style", () => {
    expect(findMarkerStyle(parseNote("m.md", "- △ a\n- ✓ b\n- X c\n").items)).toBe("✓");
    expect(findMarkerStyle(parseNote("m.md", "- a\n").items)).toBeUndefined();
  });
});

describe("adding to the inbox", () => {
  it("creates the inbox with a dated heading and the unknown item", () => {
    const { text, item } = applyInboxAddition("inbox.md", "", "2026-11-27", "Ingressの仕組み");
    expect(text).toBe("# Inbox\n\n## 2026-11-27\n\n- X Ingressの仕組み\n");
    expect(item).toMatchObject({
      text: "Ingressの仕組み",
      status: "unknown",
      sectionPath: ["2026-11-27"],
      line: 5,
    });
  });

  it("appends under today's heading in the inbox's own marker family", () => {
    const existing = "# Inbox\n\n## 2026-11-27\n\n- × Helm\n\n## 2026-11-20\n\n- ○ kind\n";
    const { text, item } = applyInboxAddition("inbox.md", existing, "2026-11-27", "Ingress");
    expect(text).toBe(
      "# Inbox\n\n## 2026-11-27\n\n- × Helm\n- × Ingress\n\n## 2026-11-20\n\n- ○ kind\n",
    );
    expect(item.line).toBe(6);
  });
});

describe("status edits, property-based", () => {
  const marker = fc.constantFrom("X", "×", "[ ]", "△", "✗", "x");
  const word = fc.constantFrom(
    "Pod",
    "Deployment",
    "コントローラ",
    "kubelet",
    "の役割",
    "を知らない",
    " ",
    "・",
  );
  const itemText = fc
    .array(word, { minLength: 1, maxLength: 5 })
    .map((w) => w.join("").trim() || "item");
  const noteArb = fc.record({
    eol: fc.constantFrom("\n", "\r\n"),
    bom: fc.boolean(),
    items: fc.array(fc.record({ marker, text: itemText, trailing: fc.constantFrom("", "  ") }), {
      minLength: 1,
      maxLength: 8,
    }),
    pick: fc.nat(),
    note: fc.option(fc.constantFrom("ReplicaSetを管理する", "learned it"), { nil: null }),
  });

  it("changes exactly the picked item's marker and adds only the note line", () => {
    fc.assert(
      fc.property(noteArb, ({ eol, bom, items, pick, note }) => {
        const lines = ["## 節", "", ...items.map((i) => `- ${i.marker} ${i.text}${i.trailing}`)];
        const text = (bom ? "\uFEFF" : "") + lines.join(eol) + eol;
        const chunks = chunkItems(parseNote("p.md", text).items).filter((c) => c.kind === "item");
        const target = chunks[pick % chunks.length];
        if (!target?.marker) return;
        const subItem = note === null ? null : formatLearnedLine("2026-11-27", note);
        const { text: after } = applyStatusEdit("p.md", text, {
          itemId: target.id,
          to: "known",
          subItem,
        });
        const at = target.marker.offset;
        // A partial marker has no family of its own: the note's first other marker decides.
        const style = items.find((i) => i.marker !== "△")?.marker;
        const next = markerFor(target.marker.text, "known", style);
        let expected = text.slice(0, at) + next + text.slice(at + target.marker.text.length);
        if (subItem !== null) {
          const endOfLine = expected.indexOf(eol, at) + eol.length;
          expected = `${expected.slice(0, endOfLine)}  - ${subItem}${eol}${expected.slice(endOfLine)}`;
        }
        expect(after).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });
});
