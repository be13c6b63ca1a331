import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig, readEnv } from "../src/config.js";
import { MichiError } from "../src/errors.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("loadConfig", () => {
  it("runs offline with no configuration at all", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      notesDir: "notes",
      dataDir: ".michi",
      embeddings: "local",
      chat: null,
      questionLog: true,
      generalKnowledge: false,
      digest: { cron: "0 9 * * 1" },
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("turns on LLM answers only with a chat model and a key or base URL", () => {
    expect(loadConfig({ MICHI_CHAT_MODEL: "m" }).chat).toBeNull();
    expect(
      loadConfig({ MICHI_CHAT_MODEL: "m", OPENAI_BASE_URL: "http://127.0.0.1:1/v1" }).chat,
    ).toEqual({
      model: "m",
      timeoutMs: 20_000,
    });
    expect(
      loadConfig({ MICHI_CHAT_MODEL: "m", OPENAI_API_KEY: "k", MICHI_LLM_TIMEOUT: "5" }).chat
        ?.timeoutMs,
    ).toBe(5000);
  });

  it("splits id lists and reads on/off switches", () => {
    const config = loadConfig({
      MICHI_OWNER_IDS: "100000000000000001, 100000000000000002,100000000000000003",
      MICHI_CHAT_CHANNEL_IDS: "100000000000000010 100000000000000020",
      MICHI_QUESTION_LOG: "off",
      MICHI_GENERAL_KNOWLEDGE: "yes",
    });
    expect(config.discord.ownerIds).toEqual([
      "100000000000000001",
      "100000000000000002",
      "100000000000000003",
    ]);
    expect(config.discord.chatChannelIds).toEqual(["100000000000000010", "100000000000000020"]);
    expect(config.questionLog).toBe(false);
    expect(config.generalKnowledge).toBe(true);
  });

  it("names the variable in every error", () => {
    const bad = (env: Record<string, string>) => () => loadConfig(env);
    expect(bad({ MICHI_EMBEDDINGS: "bert" })).toThrow(/MICHI_EMBEDDINGS/);
    expect(bad({ MICHI_TIMEZONE: "Mars/Base" })).toThrow(
      /MICHI_TIMEZONE: expected an IANA time zone/,
    );
    expect(bad({ MICHI_LLM_TIMEOUT: "soon" })).toThrow(/MICHI_LLM_TIMEOUT/);
    expect(bad({ MICHI_QUESTION_LOG: "maybe" })).toThrow(
      /MICHI_QUESTION_LOG: expected on or off \(got "maybe"\)$/m,
    );
    expect(bad({ OPENAI_BASE_URL: "not a url" })).toThrow(/OPENAI_BASE_URL: expected a URL/);
    expect(bad({ MICHI_EMBEDDINGS: "openai" })).toThrow(MichiError);
  });

  it("never echoes a secret in an error", () => {
    const secret = "sk-live-VERY-SECRET";
    let message = "";
    try {
      loadConfig({ OPENAI_API_KEY: secret, MICHI_EMBEDDINGS: "nope" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("MICHI_EMBEDDINGS");
    expect(message).not.toContain(secret);
  });

  it("lets --notes and --data override the environment", () => {
    const config = loadConfig(
      { MICHI_NOTES_DIR: "a", MICHI_DATA_DIR: "b" },
      { notesDir: "c", dataDir: undefined },
    );
    expect([config.notesDir, config.dataDir]).toEqual(["c", "b"]);
  });
});

describe("readEnv", () => {
  it("reads .env beneath the real environment", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "michi-env-"));
    dirs.push(dir);
    writeFileSync(
      path.join(dir, ".env"),
      "MICHI_NOTES_DIR=from-file\nMICHI_DATA_DIR=from-file\n# comment\n",
    );
    const env = readEnv({ MICHI_DATA_DIR: "from-env" }, dir);
    expect(env.MICHI_NOTES_DIR).toBe("from-file");
    expect(env.MICHI_DATA_DIR).toBe("from-env");
  });

  it("refuses a .env line that is not KEY=value, naming the file and line", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "michi-env-"));
    dirs.push(dir);
    // Node's parser would glue the stray line to the next key, dropping MICHI_QUESTION_LOG.
    writeFileSync(
      path.join(dir, ".env"),
      'MICHI_TIMEZONE=Asia/Tokyo\nquestion log off please\nMICHI_QUESTION_LOG=off\nA="multi\nline"\nexport B=1\n',
    );
    expect(() => readEnv({}, dir)).toThrow(
      new MichiError(`${path.join(dir, ".env")}:2: expected NAME=value or a # comment`),
    );
    writeFileSync(
      path.join(dir, ".env"),
      'A="multi\nline"\n  # note\n\nexport B=1\nC = spaced\nD=\n',
    );
    expect(readEnv({}, dir)).toMatchObject({ A: "multi\nline", B: "1", D: "" });
  });

  it("reads the first setting of a .env saved with a byte-order mark (Windows Notepad)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "michi-env-"));
    dirs.push(dir);
    writeFileSync(
      path.join(dir, ".env"),
      "\uFEFFMICHI_TIMEZONE=Asia/Tokyo\r\nMICHI_QUESTION_LOG=off\r\n",
    );
    expect(readEnv({}, dir)).toMatchObject({
      MICHI_TIMEZONE: "Asia/Tokyo",
      MICHI_QUESTION_LOG: "off",
    });
  });

  it("works without a .env file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "michi-env-"));
    dirs.push(dir);
    expect(readEnv({ A: "1" }, dir)).toEqual({ A: "1" });
  });
});
