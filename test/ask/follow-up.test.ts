import { describe, expect, it } from "vitest";
import { followUpQuery, isVague, needsContextAnswer } from "../../src/ask/follow-up.js";

const turn = (question: string) => ({ question, answer: "…" });

describe("isVague", () => {
  it("flags questions that name no topic, in English and Japanese", () => {
    for (const q of [
      "What is it used for?",
      "How does it work?",
      "why?",
      "Can you tell me more about it?",
      "それはどういう時に使う?",
      "それって何のためにあるの?",
      "詳しく教えて",
    ])
      expect(isVague(q), q).toBe(true);
  });

  it("keeps questions that name a topic, even with a pronoun", () => {
    for (const q of [
      "What is a PersistentVolumeClaim?",
      "DaemonSetって何?",
      "gVisorについて教えて",
      "Is it faster than a Deployment?",
      "How does scheduling work?",
      "What is a pod?",
      "この設定は何?",
    ])
      expect(isVague(q), q).toBe(false);
  });
});

describe("followUpQuery", () => {
  it("searches a vague follow-up offline with the last question that named a topic", () => {
    const history = [turn("gVisorについて教えて"), turn("それはどういう時に使う?")];
    expect(followUpQuery("What is it used for?", history, { rewrites: false })).toBe(
      "gVisorについて教えて What is it used for?",
    );
    expect(followUpQuery("DaemonSetって何?", history, { rewrites: false })).toBe(
      "DaemonSetって何?",
    );
  });

  it("has nothing to search when a vague question has no topic to lean on", () => {
    expect(followUpQuery("What is it used for?", [], { rewrites: false })).toBeNull();
    expect(followUpQuery("why?", [turn("how so?")], { rewrites: false })).toBeNull();
    // An LLM rewrites a follow-up from the conversation, but needs one.
    expect(followUpQuery("why?", [turn("gVisor?")], { rewrites: true })).toBe("why?");
    expect(followUpQuery("why?", [], { rewrites: true })).toBeNull();
  });

  it("asks for the topic in the question's language, with no flag from any source", () => {
    const en = needsContextAnswer("What is it used for?");
    expect(en).toMatchObject({ flag: "none", sources: [], needsContext: true });
    expect(en.answer).toContain("needs more context");
    expect(needsContextAnswer("それはどういう時に使う?").answer).toContain("話題の名前");
  });
});
