import { describe, expect, it } from "vitest";
import { formatCitation } from "../../src/ask/citation.js";

describe("formatCitation", () => {
  it("joins title, section path and line in both languages", () => {
    const source = { title: "Log", sectionPath: ["Pods", "Deep"], line: 7 };
    expect(formatCitation(source)).toBe("Log › Pods › Deep, line 7");
    expect(formatCitation(source, "ja")).toBe("Log › Pods › Deep、7行目");
  });

  it("names the title once when the section path starts with it (indexes built before the fix)", () => {
    const source = {
      title: "Rust learning log",
      sectionPath: ["Rust learning log", "Ownership"],
      line: 5,
    };
    expect(formatCitation(source)).toBe("Rust learning log › Ownership, line 5");
  });
});
