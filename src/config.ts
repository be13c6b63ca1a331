/**
 * Configuration: environment variables (and a `.env` file) → one frozen, validated Config.
 * Read once at start-up; nothing else in michi reads `process.env`.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { Cron } from "croner";
import { z } from "zod";
import { MichiError } from "./errors.js";
import { LOG_LEVELS, type LogLevel } from "./logger.js";

const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? "")
      .split(/[,\s]+/)
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );

const flag = (defaultValue: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return defaultValue;
      if (/^(1|true|yes|on)$/i.test(v.trim())) return true;
      if (/^(0|false|no|off)$/i.test(v.trim())) return false;
      ctx.addIssue({ code: "custom", message: "expected on or off" });
      return z.NEVER;
    });

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

/** A Discord id: 17 to 20 digits. */
const SNOWFLAKE = /^\d{17,20}$/;
const snowflake = optionalString.refine(
  (v) => v === undefined || SNOWFLAKE.test(v),
  "expected a Discord id (17 to 20 digits; copy it with Developer Mode on)",
);
const snowflakes = list.superRefine((ids, ctx) => {
  const bad = ids.filter((id) => !SNOWFLAKE.test(id));
  if (bad.length > 0) {
    ctx.addIssue({
      code: "custom",
      message: `expected comma-separated Discord ids (17 to 20 digits); not one: ${bad.map((b) => JSON.stringify(b)).join(", ")}`,
    });
  }
});

const url = optionalString.refine((v) => v === undefined || URL.canParse(v), "expected a URL");

const positiveInt = (defaultValue: number) =>
  optionalString
    .transform((v) => (v === undefined ? defaultValue : Number(v)))
    .refine((v) => Number.isInteger(v) && v > 0, "expected a positive whole number");

/** Every variable michi reads, with its default. Documented in .env.example and docs/configuration.md. */
const EnvSchema = z.object({
  /** Where the markdown notes live. */
  MICHI_NOTES_DIR: optionalString.transform((v) => v ?? "notes"),
  /** Where the derived index and history live. */
  MICHI_DATA_DIR: optionalString.transform((v) => v ?? ".michi"),
  /** `local` (offline, default) or `openai` (any OpenAI-compatible server). */
  MICHI_EMBEDDINGS: optionalString.pipe(z.enum(["local", "openai"]).default("local")),
  /** Embedding model on the OpenAI-compatible server. */
  MICHI_EMBEDDING_MODEL: optionalString.transform((v) => v ?? "text-embedding-3-small"),
  /** Chat model; with a key or base URL it turns on LLM answers. */
  MICHI_CHAT_MODEL: optionalString,
  /** Adds a clearly labelled general-knowledge paragraph to unknown / none LLM answers. */
  MICHI_GENERAL_KNOWLEDGE: flag(false),
  /** Seconds one request to the model server (chat or embeddings) may take. */
  MICHI_LLM_TIMEOUT: positiveInt(20),
  /** Seconds a whole answer may take (rewrite, embedding, model, retries) before falling back. */
  MICHI_ANSWER_DEADLINE: positiveInt(25),
  /** Record every answered question (for the digest). */
  MICHI_QUESTION_LOG: flag(true),
  /** Log level; unset: the front end's default (CLI: silent, bot: info). */
  MICHI_LOG_LEVEL: optionalString.pipe(z.enum(LOG_LEVELS).optional()),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: url,
  DISCORD_TOKEN: optionalString,
  DISCORD_CLIENT_ID: snowflake,
  DISCORD_GUILD_ID: snowflake,
  /** Discord REST base, for running against a local server. */
  DISCORD_API_URL: url.transform((v) => v ?? "https://discord.com/api"),
  MICHI_CHAT_CHANNEL_IDS: snowflakes,
  MICHI_DIGEST_CHANNEL_ID: snowflake,
  MICHI_OWNER_IDS: snowflakes,
  /** Weekly digest schedule (cron, 5 fields): Monday 09:00. */
  MICHI_DIGEST_CRON: optionalString
    .transform((v) => v ?? "0 9 * * 1")
    .superRefine((v, ctx) => {
      const problem = cronProblem(v);
      if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
    }),
  /** Time zone of the digest schedule and of "this week". */
  MICHI_TIMEZONE: optionalString
    .transform((v) => v ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC")
    .refine(isTimeZone, "expected an IANA time zone such as Asia/Tokyo"),
});

/** Why croner rejects a cron expression, or null when it is fine. */
function cronProblem(expression: string): string | null {
  try {
    new Cron(expression, { paused: true }).stop();
    return null;
  } catch (error) {
    return `expected a cron expression such as "0 9 * * 1" (Monday 09:00): ${(error as Error).message}`;
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export interface Config {
  readonly notesDir: string;
  readonly dataDir: string;
  readonly embeddings: "local" | "openai";
  readonly embeddingModel: string;
  /** Set when answers should come from an LLM. */
  readonly chat: { readonly model: string; readonly timeoutMs: number } | null;
  /** Per request to the model server, chat or embeddings. */
  readonly requestTimeoutMs: number;
  /** The whole answer, every model call and retry included. */
  readonly answerDeadlineMs: number;
  readonly generalKnowledge: boolean;
  readonly questionLog: boolean;
  /** Undefined: the front end's default. */
  readonly logLevel: LogLevel | undefined;
  readonly openai: { readonly apiKey: string | undefined; readonly baseURL: string | undefined };
  readonly discord: {
    readonly token: string | undefined;
    readonly clientId: string | undefined;
    readonly guildId: string | undefined;
    readonly apiUrl: string;
    readonly chatChannelIds: readonly string[];
    readonly digestChannelId: string | undefined;
    readonly ownerIds: readonly string[];
  };
  readonly digest: { readonly cron: string; readonly timezone: string };
}

export interface ConfigOverrides {
  readonly notesDir?: string | undefined;
  readonly dataDir?: string | undefined;
}

/** Reads `.env` in `cwd` (if any) beneath the real environment: real variables win. */
export function readEnv(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Record<string, string | undefined> {
  const file = path.join(cwd, ".env");
  if (!existsSync(file)) return { ...env };
  let fromFile: Record<string, string>;
  try {
    // A byte-order mark (Windows editors) would otherwise become part of the first name.
    const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
    fromFile = parseEnv(checkEnvLines(text, file)) as Record<string, string>;
  } catch (error) {
    if (error instanceof MichiError) throw error;
    throw new MichiError(`${file}: cannot read it: ${(error as Error).message}`, { cause: error });
  }
  return { ...fromFile, ...env };
}

/**
 * The `.env` text without its comment and blank lines, after checking that every other line is
 * `NAME=value` (or continues a quoted value). Node's parser glues a stray line, and an indented
 * comment, to the next line's name, which silently drops that setting.
 */
function checkEnvLines(text: string, file: string): string {
  const kept: string[] = [];
  let quote: string | null = null;
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (quote !== null) {
      if (line.includes(quote)) quote = null;
      kept.push(line);
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const value = /^(?:export\s+)?[\w.-]+\s*=\s*(.*)$/.exec(trimmed)?.[1];
    if (value === undefined) {
      // The line is not echoed: it may be a pasted key or token.
      throw new MichiError(`${file}:${i + 1}: expected NAME=value or a # comment`);
    }
    const open = value[0];
    if ((open === '"' || open === "'" || open === "`") && value.indexOf(open, 1) === -1) {
      quote = open;
    }
    kept.push(line);
  }
  return kept.join("\n");
}

export function loadConfig(
  env: Record<string, string | undefined> = readEnv(),
  overrides: ConfigOverrides = {},
): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      // Secrets are never echoed, not even in an error about themselves.
      const got = /KEY|TOKEN|SECRET/.test(name) ? "" : ` (got "${env[name] ?? ""}")`;
      return `${name}: ${issue.message}${got}`;
    });
    throw new MichiError(`invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  const llmReachable = e.OPENAI_API_KEY !== undefined || e.OPENAI_BASE_URL !== undefined;
  if (e.MICHI_EMBEDDINGS === "openai" && !llmReachable) {
    throw new MichiError(
      "MICHI_EMBEDDINGS=openai needs OPENAI_API_KEY or OPENAI_BASE_URL (an OpenAI-compatible server)",
    );
  }
  return Object.freeze({
    notesDir: overrides.notesDir ?? e.MICHI_NOTES_DIR,
    dataDir: overrides.dataDir ?? e.MICHI_DATA_DIR,
    embeddings: e.MICHI_EMBEDDINGS,
    embeddingModel: e.MICHI_EMBEDDING_MODEL,
    chat:
      e.MICHI_CHAT_MODEL !== undefined && llmReachable
        ? { model: e.MICHI_CHAT_MODEL, timeoutMs: e.MICHI_LLM_TIMEOUT * 1000 }
        : null,
    requestTimeoutMs: e.MICHI_LLM_TIMEOUT * 1000,
    answerDeadlineMs: e.MICHI_ANSWER_DEADLINE * 1000,
    generalKnowledge: e.MICHI_GENERAL_KNOWLEDGE,
    questionLog: e.MICHI_QUESTION_LOG,
    logLevel: e.MICHI_LOG_LEVEL,
    openai: { apiKey: e.OPENAI_API_KEY, baseURL: e.OPENAI_BASE_URL },
    discord: {
      token: e.DISCORD_TOKEN,
      clientId: e.DISCORD_CLIENT_ID,
      guildId: e.DISCORD_GUILD_ID,
      apiUrl: e.DISCORD_API_URL,
      chatChannelIds: e.MICHI_CHAT_CHANNEL_IDS,
      digestChannelId: e.MICHI_DIGEST_CHANNEL_ID,
      ownerIds: e.MICHI_OWNER_IDS,
    },
    digest: { cron: e.MICHI_DIGEST_CRON, timezone: e.MICHI_TIMEZONE },
  });
}

/**
 * The Discord settings a command needs, checked at its start: one line per missing variable.
 * (Malformed values were already rejected by `loadConfig`.)
 */
export function requireDiscord(
  config: Config,
  needs: readonly ("token" | "clientId")[],
): { token: string; clientId: string } {
  const names = { token: "DISCORD_TOKEN", clientId: "DISCORD_CLIENT_ID" } as const;
  const hints = {
    token: "the bot's token (Developer Portal › your application › Bot › Reset Token)",
    clientId: "the application id (Developer Portal › your application › General Information)",
  } as const;
  const missing = needs.filter((need) => config.discord[need] === undefined);
  if (missing.length > 0) {
    throw new MichiError(
      missing.map((need) => `${names[need]} is not set: ${hints[need]}`).join("\n  "),
    );
  }
  return { token: config.discord.token ?? "", clientId: config.discord.clientId ?? "" };
}
