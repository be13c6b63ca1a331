import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chunkItems } from "../../src/index/chunk.js";
import {
  type Candidate,
  decideMatch,
  type MatchableItem,
  normalizeForMatch,
  rankCandidates,
  scoreLiteralMatch,
} from "../../src/learning/match.js";
import { parseNote } from "../../src/notes/parse.js";

const FIXTURE = path.resolve(import.meta.dirname, "../fixtures/notes/k8s-weekly-log-2.md");
const note = parseNote("k8s-weekly-log-2.md", readFileSync(FIXTURE, "utf8"));
const openItems: MatchableItem[] = chunkItems(note.items).filter(
  (c) => c.kind === "item" && (c.status === "unknown" || c.status === "partial"),
);

function item(
  id: string,
  text: string,
  status: MatchableItem["status"] = "unknown",
): MatchableItem {
  return { id, file: "n.md", title: "N", sectionPath: ["S"], line: 1, status, text };
}

describe("matching a topic to an item", () => {
  it("normalizes full-width letters and case", () => {
    expect(normalizeForMatch("  ＤｅｐｌｏｙＭＥＮＴ　とは ")).toBe("deployment とは");
  });

  it("scores an item that is about the topic above one that mentions it in passing", () => {
    const subject = scoreLiteralMatch("Deployment", "Deploymentが何かは忘れた");
    const passing = scoreLiteralMatch(
      "Deployment",
      "Podを管理するリソースとしてReplicaSet, StatefulSet, DaemonSet, Deploymentが定義できる事は知っているが、他にあるかどうかは知らない",
    );
    expect(subject).toBeGreaterThan(passing + 0.2);
    expect(scoreLiteralMatch("Deployment", "Deployment")).toBe(1);
    expect(scoreLiteralMatch("Ingress", "Deploymentが何かは忘れた")).toBe(0);
  });

  it('picks "Deploymentが何かは忘れた" clearly among the seed note\'s open items', () => {
    const decision = decideMatch(rankCandidates("Deployment", openItems, []));
    expect(decision.kind).toBe("clear");
    if (decision.kind !== "clear") return;
    expect(decision.best.text).toBe("Deploymentが何かは忘れた");
    expect(decision.best.line).toBe(35);
  });

  it('finds "Pod" ambiguous: several open items are about Pods', () => {
    const decision = decideMatch(rankCandidates("Pod", openItems, []));
    expect(decision.kind).toBe("ambiguous");
    expect(decision.candidates.length).toBeGreaterThanOrEqual(3);
    expect(decision.candidates.every((c) => c.text.includes("Pod"))).toBe(true);
  });

  it("reports no match when neither the text nor retrieval finds anything", () => {
    expect(decideMatch(rankCandidates("Helm", openItems, [])).kind).toBe("none");
  });

  it("takes retrieval hits for topics phrased unlike the note, below literal matches", () => {
    const literal = [item("a", "kubeletの役割をあまり知らない")];
    const retrieved = [
      { ...item("b", "コントロールプレーンの実体がよくわかっていない"), score: 0.9 },
    ];
    const ranked = rankCandidates("kubelet", literal, retrieved);
    expect(ranked.map((c) => c.id)).toEqual(["a", "b"]);
    const onlyRetrieved = rankCandidates("control plane", [], retrieved);
    expect(onlyRetrieved[0]?.score).toBeCloseTo(0.675);
  });

  it("ranks ties deterministically by note and line", () => {
    const a = { ...item("x", "Pod A"), file: "b.md" };
    const b = { ...item("y", "Pod B"), file: "a.md" };
    expect(rankCandidates("Pod", [a, b], []).map((c) => c.id)).toEqual(["y", "x"]);
  });

  it("needs a lead over the runner-up to call a match clear", () => {
    const c = (id: string, score: number): Candidate => ({ ...item(id, id), score });
    expect(decideMatch([c("a", 0.9), c("b", 0.8)]).kind).toBe("ambiguous");
    expect(decideMatch([c("a", 0.9), c("b", 0.7)]).kind).toBe("clear");
    expect(decideMatch([c("a", 0.4)]).kind).toBe("ambiguous");
  });
});
