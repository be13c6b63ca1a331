/** The `michi` command line: global options and one module per subcommand. */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { isMichiError } from "../errors.js";
import { toUserError } from "../fs-errors.js";
import type { Command as CliCommand } from "./command.js";
import { ask } from "./commands/ask.js";
import { bot } from "./commands/bot.js";
import { chat } from "./commands/chat.js";
import { digest } from "./commands/digest.js";
import { evalCommand } from "./commands/eval.js";
import { feedback } from "./commands/feedback.js";
import { ingest } from "./commands/ingest.js";
import { learned } from "./commands/learned.js";
import { mark } from "./commands/mark.js";
import { start } from "./commands/start.js";
import { statusCommand } from "./commands/status.js";
import { undo } from "./commands/undo.js";
import { unknown } from "./commands/unknown.js";
import { type CliIO, createContext, type GlobalOptions, writeLine } from "./context.js";
import { listenForInterrupts } from "./interrupts.js";

/** Every subcommand, in the order `michi --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  ingest,
  ask,
  chat,
  evalCommand,
  learned,
  mark,
  unknown,
  undo,
  digest,
  statusCommand,
  feedback,
  bot,
  start,
];

export function buildProgram(io: CliIO, signal?: AbortSignal): Command {
  const program = new Command("michi")
    .description("Answers questions from your known/unknown learning notes.")
    .version(packageVersion(), "-V, --version", "print the michi version")
    .option("--notes <dir>", "notes directory (default: $MICHI_NOTES_DIR or notes/)")
    .option("--data <dir>", "index and history directory (default: $MICHI_DATA_DIR or .michi/)")
    .showHelpAfterError()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride();
  const ctx = createContext(io, () => program.opts<GlobalOptions>(), signal);
  for (const command of COMMANDS) command.register(program, ctx);
  return program;
}

/** The version in package.json, two levels up from both src/cli/ and dist/cli/. */
function packageVersion(): string {
  const pkg = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  return (JSON.parse(pkg) as { version: string }).version;
}

/** Runs the CLI; returns the exit code. Expected failures print one line, bugs print the stack. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const interrupts = listenForInterrupts(io.stderr);
  const program = buildProgram(io, interrupts.signal);
  try {
    await program.parseAsync(argv as string[], { from: "user" });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    const stopped = interrupts.received();
    if (stopped) {
      writeLine(io.stderr, stopped.line);
      return stopped.code;
    }
    const code = (error as { code?: string; exitCode?: number }).code;
    if (typeof code === "string" && code.startsWith("commander.")) {
      return (error as { exitCode: number }).exitCode;
    }
    const expected = isMichiError(error) ? error : toUserError(error);
    if (expected) {
      writeLine(io.stderr, `michi: ${expected.message}`);
      return 1;
    }
    writeLine(io.stderr, `michi: unexpected error: ${(error as Error)?.stack ?? String(error)}`);
    return 2;
  } finally {
    interrupts.dispose();
  }
}
