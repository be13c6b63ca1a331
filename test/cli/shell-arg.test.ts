import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { shellArg } from "../../src/cli/shell-arg.js";

describe("shellArg", () => {
  it("quotes text so that bash passes it back unchanged", () => {
    const texts = [
      "Deploymentが何かは忘れた",
      "Jobの `backoffLimit` と `activeDeadlineSeconds`",
      "$HOME and $(date)",
      `it's "quoted" \\ back\\slash!`,
      "'",
    ];
    for (const text of texts) {
      const out = execFileSync("bash", ["-c", `printf '%s' ${shellArg(text)}`], {
        encoding: "utf8",
      });
      expect(out).toBe(text);
    }
    expect(shellArg("Deployment")).toBe('"Deployment"');
  });
});
