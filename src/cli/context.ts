/**
 * What every CLI command gets: the resolved configuration and a lazily created app, plus the
 * streams it writes to (injected so tests can run commands in-process).
 */
import { type App, createApp } from "../app.js";
import { type Config, loadConfig, readEnv } from "../config.js";
import { MichiError } from "../errors.js";
import { createLogger } from "../logger.js";

export interface CliIO {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface GlobalOptions {
  readonly notes?: string;
  readonly data?: string;
}

export interface CliContext {
  readonly io: CliIO;
  config(): Config;
  app(): App;
  /** Sets the exit code without exiting, so output is flushed. */
  fail(code?: number): void;
}

export function createContext(
  io: CliIO,
  globals: () => GlobalOptions,
  signal?: AbortSignal,
): CliContext {
  let config: Config | null = null;
  let app: App | null = null;
  return {
    io,
    config() {
      const g = globals();
      // `--notes "$NOTES"` with the variable unset would otherwise mean this very folder.
      for (const [option, value] of [
        ["--notes", g.notes],
        ["--data", g.data],
      ] as const) {
        if (value !== undefined && value.trim() === "")
          throw new MichiError(`${option}: expected a folder, got an empty path`);
      }
      config ??= loadConfig(readEnv(io.env, io.cwd), { notesDir: g.notes, dataDir: g.data });
      return config;
    },
    app() {
      const resolved = this.config();
      // The terminal's output is the CLI's own: log lines only when asked for, on stderr.
      app ??= createApp(resolved, {
        ...(signal ? { signal } : {}),
        logger: createLogger({
          level: resolved.logLevel ?? "silent",
          destination: { write: (line: string) => void io.stderr.write(line) },
          secrets: [resolved.openai.apiKey, resolved.discord.token],
        }),
        onLockWait: (holder) =>
          writeLine(
            io.stderr,
            `michi: waiting for process ${holder.pid}, ingesting since ${holder.since.toTimeString().slice(0, 8)}…`,
          ),
      });
      return app;
    },
    fail(code = 1) {
      process.exitCode = code;
    },
  };
}

export function writeLine(stream: NodeJS.WritableStream, text = ""): void {
  stream.write(`${text}\n`);
}
