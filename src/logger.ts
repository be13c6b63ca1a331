/**
 * michi's structured log (pino). The core logs through the `Logger` it is given (AppDeps), so
 * each front end decides where lines go: the CLI keeps its output unchanged (silent unless
 * MICHI_LOG_LEVEL asks for lines on stderr), the bot logs JSON lines to stdout.
 *
 * Secrets never reach a log line: known secret fields are redacted by path, and every line is
 * scrubbed of the configured token and key values (and anything shaped like a key or bearer
 * token) before it is written, wherever in the line they ended up.
 */
import pino, { type DestinationStream, type LevelWithSilent, type Logger } from "pino";

export type { Logger } from "pino";

export const LOG_LEVELS = [
  "silent",
  "fatal",
  "error",
  "warn",
  "info",
  "debug",
  "trace",
] as const satisfies readonly LevelWithSilent[];
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Field paths whose values are secrets wherever they are logged. */
export const REDACT_PATHS = [
  "token",
  "apiKey",
  "authorization",
  "password",
  "*.token",
  "*.apiKey",
  "*.authorization",
  "*.password",
  "headers.authorization",
  "*.headers.authorization",
  "config.discord.token",
  "config.openai.apiKey",
];

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** Where lines go (default: stderr). */
  readonly destination?: DestinationStream;
  /** Secret values (token, key) to scrub from every line, wherever they appear. */
  readonly secrets?: readonly (string | undefined)[];
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  if (level === "silent") return pino({ level: "silent" });
  const secrets = (options.secrets ?? []).filter(
    (s): s is string => typeof s === "string" && s.length >= 4,
  );
  const target = options.destination ?? pino.destination({ dest: 2, sync: true });
  return pino(
    {
      level,
      base: { name: "michi" },
      redact: { paths: REDACT_PATHS, censor: "***" },
    },
    scrubbing(target, secrets),
  );
}

/** A silent logger, for tests and callers that log nothing. */
export const silentLogger: Logger = pino({ level: "silent" });

/** Wraps a destination so no line it receives carries a secret. */
function scrubbing(target: DestinationStream, secrets: readonly string[]): DestinationStream {
  return {
    write(line: string) {
      target.write(scrubSecrets(line, secrets));
    },
  };
}

/** Replaces each secret, bearer tokens and OpenAI-shaped keys in `text` with `***`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    out = out.split(secret).join("***");
    // JSON escapes some characters; scrub the escaped form too.
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) out = out.split(escaped).join("***");
  }
  return out
    .replace(/Bearer\s+[^\s"',;\\]+/gi, "Bearer ***")
    .replace(/\bBot\s+[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_.-]+/g, "Bot ***")
    .replace(/\bsk-[A-Za-z0-9_-]{6,}/g, "sk-***");
}
