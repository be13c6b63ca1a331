import { describe, expect, it } from "vitest";
import type { SnapshotItem } from "../../src/learning/history.js";
import { classifyTransition, diffSnapshot } from "../../src/learning/record.js";

function item(id: string, line: number, status: SnapshotItem["status"], text = id): SnapshotItem {
  return { id, file: "n.md", title: "N", sectionPath: ["S"], line, text, status };
}

describe("status transitions", () => {
  it.each([
    ["unknown", "known", "learned"],
    ["partial", "known", "learned"],
    ["unknown", "partial", "learned"],
    ["unmarked", "known", "learned"],
    ["known", "partial", "regressed"],
    ["known", "unknown", "regressed"],
    ["partial", "unknown", "regressed"],
    [null, "unknown", "added"],
    [null, "known", "added"],
    ["unmarked", "unknown", "added"],
    ["unknown", null, "removed"],
    ["known", "unmarked", "removed"],
    [null, "unmarked", null],
    ["unmarked", null, null],
    ["known", "known", null],
  ] as const)("%s → %s is %s", (from, to, kind) => {
    expect(classifyTransition(from, to)).toBe(kind);
  });
});

describe("diffing a note's snapshot", () => {
  it("keeps an item whose marker changed and which moved, recording one learned change", () => {
    const diff = diffSnapshot(
      [item("a", 3, "unknown"), item("b", 4, "known")],
      [item("b", 3, "known"), item("a", 5, "known")],
    );
    expect(diff.changes).toEqual([
      { kind: "learned", item: item("a", 5, "known"), from: "unknown", to: "known" },
    ]);
    expect(diff.removeIds).toEqual([]);
    expect(diff.upserts.map((i) => i.id).sort()).toEqual(["a", "b"]);
  });

  it("records new and deleted items as added and removed", () => {
    const diff = diffSnapshot([item("gone", 3, "unknown")], [item("new", 7, "unknown")]);
    expect(diff.changes.map((c) => [c.kind, c.item.id])).toEqual([
      ["added", "new"],
      ["removed", "gone"],
    ]);
    expect(diff.removeIds).toEqual(["gone"]);
  });

  it("reads an item replaced on the same line as the same item edited", () => {
    const diff = diffSnapshot(
      [item("old", 3, "unknown", "Deploymentが何かは忘れた")],
      [item("new", 3, "known", "Deploymentが何かは分かった")],
    );
    expect(diff.changes).toEqual([
      {
        kind: "learned",
        item: item("new", 3, "known", "Deploymentが何かは分かった"),
        from: "unknown",
        to: "known",
      },
    ]);
    expect(diff.removeIds).toEqual(["old"]);
    const reworded = diffSnapshot([item("old", 3, "unknown")], [item("new", 3, "unknown")]);
    expect(reworded.changes).toEqual([]);
  });

  it("has nothing to say about an unchanged note", () => {
    const items = [item("a", 1, "known"), item("b", 2, "unknown")];
    expect(diffSnapshot(items, items)).toEqual({ upserts: [], removeIds: [], changes: [] });
  });
});
