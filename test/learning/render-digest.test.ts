import { describe, expect, it } from "vitest";
import type { Digest, DigestEvent, Progress } from "../../src/learning/digest.js";
import { renderDigest } from "../../src/learning/render.js";

const progress: Progress = {
  known: 1,
  partial: 0,
  unknown: 1,
  unmarked: 0,
  percentKnown: 50,
  previousPercentKnown: null,
  change: null,
  knownGained: null,
};

const event = (from: DigestEvent["from"], to: DigestEvent["to"]): DigestEvent => ({
  at: "2026-11-27T03:00:00.000Z",
  origin: "command",
  file: "k8s.md",
  title: "k8s",
  sectionPath: ["Pod関連"],
  line: 3,
  text: "DaemonSetの用途",
  from,
  to,
  learnedNote: null,
});

const digest: Digest = {
  since: "2026-11-20T00:00:00.000Z",
  until: "2026-11-27T03:00:00.000Z",
  timezone: "UTC",
  label: "2026-11-20 – 2026-11-27",
  baselineAt: null,
  learned: [event("unknown", "known")],
  regressed: [],
  unknownsAdded: [event(null, "unknown")],
  askedUnknowns: [
    {
      id: "a",
      file: "k8s.md",
      title: "k8s",
      sectionPath: [],
      line: 5,
      text: "Serviceの種類",
      count: 2,
      status: "partial",
    },
  ],
  unmatchedQuestions: [],
  disliked: [],
  questions: { total: 2, byFlag: { unknown: 2 } },
  progress,
  notes: [],
  emptySections: [],
  focus: [],
  language: "ja",
};

describe("renderDigest", () => {
  it("names statuses in the digest's language, in event lines and in what was asked", () => {
    const ja = renderDigest(digest, "ja");
    expect(ja).toContain("DaemonSetの用途  (未知 → 既知, コマンド)");
    expect(ja).toContain("DaemonSetの用途  (新規 → 未知, コマンド)");
    expect(ja).toContain("Serviceの種類 (現在 一部既知)");
    expect(ja).not.toMatch(/unknown|partial|known/);

    const en = renderDigest(digest, "en");
    expect(en).toContain("DaemonSetの用途  (unknown → known, by command)");
    expect(en).toContain("DaemonSetの用途  (new → unknown, by command)");
    expect(en).toContain("Serviceの種類 (now partial)");
  });
});
