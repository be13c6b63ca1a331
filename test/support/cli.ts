/** Runs the `michi` CLI in-process with captured streams, or as a real child process. */
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { promisify } from "node:util";
import { runCli } from "../../src/cli/program.js";

export const ROOT = path.resolve(new URL("../..", import.meta.url).pathname);
export const FIXTURE_NOTES = path.join(ROOT, "test/fixtures/notes");

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A scratch workspace with a copy of the fixture notes and an empty data dir. */
export function makeWorkspace(): { dir: string; notes: string; data: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "michi-cli-"));
  const notes = path.join(dir, "notes");
  cpSync(FIXTURE_NOTES, notes, { recursive: true });
  return {
    dir,
    notes,
    data: path.join(dir, ".michi"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

export async function runInProcess(
  args: readonly string[],
  options: { cwd: string; stdin?: string; env?: NodeJS.ProcessEnv },
): Promise<CliRun> {
  const out = collect();
  const err = collect();
  const stdin = Readable.from(options.stdin === undefined ? [] : [options.stdin]) as Readable & {
    isTTY?: boolean;
  };
  const previous = process.exitCode;
  process.exitCode = 0;
  const code = await runCli(args, {
    stdout: out.stream,
    stderr: err.stream,
    stdin,
    env: options.env ?? {},
    cwd: options.cwd,
  });
  process.exitCode = previous;
  return { code, stdout: out.text(), stderr: err.text() };
}

const execFileAsync = promisify(execFile);

/** Node's arguments for running the real `michi` CLI from the sources (tsx loader) with `args`. */
export function michiArgv(args: readonly string[]): string[] {
  return ["--import", import.meta.resolve("tsx"), path.join(ROOT, "src/cli/main.ts"), ...args];
}

/** The real command, as a user runs it (node + tsx loader), with an explicit environment. */
export async function runChild(
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string },
): Promise<CliRun> {
  try {
    const child = execFileAsync(process.execPath, michiArgv(args), {
      cwd: options.cwd,
      env: { PATH: process.env.PATH, HOME: options.cwd, ...options.env },
      timeout: 60_000,
    });
    if (options.input !== undefined) {
      child.child.stdin?.end(options.input);
    }
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === "number" ? e.code : 1,
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? "",
    };
  }
}
