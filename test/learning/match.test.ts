import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chunkItems } from "../../src/index/chunk.js";
import {
  type Candidate,
  decideMatch,
  isVagueTopic,
  type MatchableItem,
  matchLiteral,
  normalizeForMatch,
  rankCandidates,
} from "../../src/learning/match.js";
import { parseNote } from "../../src/notes/parse.js";

const FIXTURE = path.resolve(import.meta.dirname, "../fixtures/notes/k8s-weekly-log-2.md");
const note = parseNote("k8s-weekly-log-2.md", readFileSync(FIXTURE, "utf8"));
const items: MatchableItem[] = chunkItems(note.items).filter(
  (c) => c.kind === "item" && c.status !== "unmarked",
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

  it("tells an item the topic names from one that lists it among others", () => {
    expect(matchLiteral("Deployment", "Deploymentが何かは忘れた")?.tier).toBe("strong");
    const list =
      "Podを管理するリソースとしてReplicaSet, StatefulSet, DaemonSet, Deploymentが定義できる事は知っているが、他にあるかどうかは知らない";
    expect(matchLiteral("Deployment", list)?.tier).toBe("weak");
    expect(matchLiteral("DaemonSet", list)?.tier).toBe("weak");
    expect(matchLiteral("ReplicaSet", "ReplicaSet, StatefulSetの違い")?.tier).toBe("weak");
    expect(matchLiteral("Pod", "Podとコンテナの厳密な区別")?.tier).toBe("weak");
    expect(matchLiteral("Deployment", "Deploymentとは何か")?.tier).toBe("strong");
    expect(matchLiteral("Deployment", "Deployment")).toEqual({ tier: "exact", score: 1 });
    expect(matchLiteral("Ingress", "Deploymentが何かは忘れた")).toBeNull();
  });

  it("reads past leading question words, and respects Latin word boundaries", () => {
    expect(matchLiteral("closures", "How closures capture variables")?.tier).toBe("strong");
    expect(matchLiteral("borrow checker", "What is the borrow checker for")?.tier).toBe("strong");
    expect(matchLiteral("Pod", "Podman runs containers without a daemon")?.tier).toBe("weak");
    expect(
      matchLiteral("マスター", "なぜマスターとコンテナランタイムを直接通信させなかったのか?")?.tier,
    ).toBe("weak");
  });

  it("reads an item as its words, without inline code or bold marks", () => {
    const generate = "`go generate` をいつ実行するのがチームの慣習なのか";
    expect(matchLiteral("go generate", generate)?.tier).toBe("strong");
    expect(matchLiteral("`go generate`", generate)?.tier).toBe("strong");
    expect(matchLiteral("sync.WaitGroup", "`sync.WaitGroup` の `Add` は起動前に呼ぶ")?.tier).toBe(
      "strong",
    );
    expect(matchLiteral("DaemonSet", "**DaemonSet** の役割")?.tier).toBe("strong");
    // Still one name among others, and still not the start of a longer word.
    expect(matchLiteral("Go", "`Go`、`Rust`、`Zig` を比べた")?.tier).toBe("weak");
    expect(matchLiteral("go", "`go test -race` で競合を検出")?.tier).toBe("strong");
    expect(matchLiteral("go te", "`go test -race` で競合を検出")?.tier).toBe("weak");
  });

  it("never lets a vague topic name an item", () => {
    for (const topic of ["how", "the", "How to", "の", "x", "知らない", "what is"]) {
      expect(isVagueTopic(topic), topic).toBe(true);
    }
    expect(isVagueTopic("k8s")).toBe(false);
    expect(matchLiteral("how", "How closures capture variables")?.tier).toBe("weak");
    expect(matchLiteral("How", "How")?.tier).toBe("weak");
  });

  it('picks "Deploymentが何かは忘れた" clearly among the seed note\'s items', () => {
    const decision = decideMatch(rankCandidates("Deployment", items, []), "known");
    expect(decision.kind).toBe("clear");
    if (decision.kind !== "clear") return;
    expect(decision.best.text).toBe("Deploymentが何かは忘れた");
    expect(decision.best.line).toBe(35);
  });

  it('says "DaemonSet" is already known (line 34), not the list on line 30', () => {
    const decision = decideMatch(rankCandidates("DaemonSet", items, []), "known");
    expect(decision).toMatchObject({ kind: "already", best: { line: 34, status: "known" } });
  });

  it('finds "Pod" ambiguous: several items are about Pods', () => {
    const candidates = rankCandidates("Pod", items, []);
    const decision = decideMatch(candidates, "known");
    expect(decision.kind).toBe("ambiguous");
    expect(candidates.length).toBeGreaterThanOrEqual(3);
    expect(candidates.every((c) => c.text.includes("Pod"))).toBe(true);
  });

  it("reports no match when neither the text nor retrieval finds anything", () => {
    expect(decideMatch(rankCandidates("Helm", items, []), "known").kind).toBe("none");
  });

  it("ranks retrieval hits below literal matches, and never writes on them alone", () => {
    const literal = [item("a", "I do not know the kubelet role")];
    const retrieved = [
      { ...item("b", "コントロールプレーンの実体がよくわかっていない"), score: 0.9 },
    ];
    const ranked = rankCandidates("kubelet", literal, retrieved);
    expect(ranked.map((c) => [c.id, c.tier])).toEqual([
      ["a", "weak"],
      ["b", "retrieval"],
    ]);
    const onlyRetrieved = rankCandidates("control plane", [], retrieved);
    expect(decideMatch(onlyRetrieved, "known").kind).toBe("ambiguous");
  });

  it("ranks ties deterministically by note and line", () => {
    const a = { ...item("x", "Pod A"), file: "b.md" };
    const b = { ...item("y", "Pod B"), file: "a.md" };
    expect(rankCandidates("Pod", [a, b], []).map((c) => c.id)).toEqual(["y", "x"]);
  });

  it("is clear only for one exact or strong candidate, already when all of them are at the target", () => {
    const c = (id: string, tier: Candidate["tier"], status: Candidate["status"]): Candidate => ({
      ...item(id, id, status),
      tier,
      score: 0.9,
    });
    expect(
      decideMatch([c("a", "strong", "unknown"), c("b", "weak", "unknown")], "known").kind,
    ).toBe("clear");
    expect(
      decideMatch([c("a", "strong", "unknown"), c("b", "strong", "unknown")], "known").kind,
    ).toBe("ambiguous");
    expect(decideMatch([c("a", "strong", "known"), c("b", "strong", "known")], "known").kind).toBe(
      "already",
    );
    expect(decideMatch([c("a", "weak", "unknown")], "known").kind).toBe("ambiguous");
    expect(decideMatch([c("a", "retrieval", "unknown")], "known").kind).toBe("ambiguous");
  });
});
