import { readdirSync } from "node:fs";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { buildProgram, COMMANDS } from "../../src/cli/program.js";

const COMMANDS_DIR = path.resolve(import.meta.dirname, "../../src/cli/commands");

describe("the CLI's command modules", () => {
  it("registers every command of the one list under its own name, once", () => {
    const io = {
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      stdin: Readable.from([]),
      env: {},
      cwd: process.cwd(),
    };
    const names = buildProgram(io).commands.map((c) => c.name());
    expect(new Set(names).size).toBe(names.length);
    for (const command of COMMANDS) expect(names).toContain(command.name);
    expect(COMMANDS.map((c) => c.name)).toEqual(
      expect.arrayContaining(["learned", "mark", "unknown", "digest", "status", "start"]),
    );
  });

  it("has one module per command in src/cli/commands, each listed", async () => {
    const listed = new Set<unknown>(COMMANDS);
    for (const file of readdirSync(COMMANDS_DIR).filter((f) => f.endsWith(".ts"))) {
      const module = (await import(path.join(COMMANDS_DIR, file))) as Record<string, unknown>;
      const exported = Object.values(module).filter((v) => listed.has(v));
      expect(exported, file).toHaveLength(1);
    }
  });
});
