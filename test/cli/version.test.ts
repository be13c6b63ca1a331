import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runInProcess } from "../support/cli.js";

const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  version: string;
  engines: { node: string };
};

describe("michi --version", () => {
  it("prints the package version with --version and -V", async () => {
    for (const flag of ["--version", "-V"]) {
      const run = await runInProcess([flag], { cwd: ROOT });
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${pkg.version}\n`);
    }
  });

  it("declares the Node versions the locked dev toolchain (vite under vitest) installs on", () => {
    const vite = JSON.parse(
      readFileSync(path.join(ROOT, "node_modules/vite/package.json"), "utf8"),
    ) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(vite.engines.node);
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    expect(readme).toContain("Node.js 20.19+ or 22.12+");
  });
});
