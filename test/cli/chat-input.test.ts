import { describe, expect, it } from "vitest";
import { classifyChatInput } from "../../src/cli/chat-input.js";

describe("classifyChatInput", () => {
  it("reads the words people type to leave, clear or get help, with or without a slash", () => {
    for (const line of ["exit", "quit", " Quit ", ":q", "/quit", "/exit", "終了"])
      expect(classifyChatInput(line)).toEqual({ kind: "quit" });
    for (const line of ["clear", "/clear", "CLEAR"])
      expect(classifyChatInput(line)).toEqual({ kind: "clear" });
    for (const line of ["help", "/help", "?", "ヘルプ"])
      expect(classifyChatInput(line)).toEqual({ kind: "help" });
  });

  it("passes other slash commands on by name and keeps questions whole", () => {
    expect(classifyChatInput("/learned Pod --note x")).toEqual({ kind: "slash", name: "learned" });
    expect(classifyChatInput("/")).toEqual({ kind: "slash", name: "" });
    expect(classifyChatInput("  ")).toEqual({ kind: "empty" });
    // A question that merely contains a command word is still a question.
    expect(classifyChatInput("how do I exit vim?")).toEqual({
      kind: "question",
      text: "how do I exit vim?",
    });
    expect(classifyChatInput("clear the cache?")).toMatchObject({ kind: "question" });
  });
});
