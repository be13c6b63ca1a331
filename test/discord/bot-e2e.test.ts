/**
 * `michi bot` as a real child process (bin/michi.js) against the fake Discord through
 * DISCORD_API_URL, over a copy of the bundled notes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { deployCommands } from "../../src/discord/deploy.js";
import { makeWorkspace, ROOT } from "../support/cli.js";
import { type FakeDiscord, startFakeDiscord } from "../support/fake-discord/index.js";
import { NOTE, OWNER_ID, TOKEN } from "./harness.js";

let fake: FakeDiscord | undefined;
let ws: ReturnType<typeof makeWorkspace> | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  await fake?.close();
  ws?.cleanup();
  child = undefined;
  fake = undefined;
  ws = undefined;
});

const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("michi bot (child process)", () => {
  it("answers /ask within the deadline with ✅ citing the DaemonSet item; refuses /learned to a non-owner; stops on SIGTERM", async () => {
    fake = await startFakeDiscord({ token: TOKEN });
    ws = makeWorkspace();
    const env = {
      DISCORD_TOKEN: TOKEN,
      DISCORD_CLIENT_ID: fake.applicationId,
      DISCORD_GUILD_ID: fake.guildId,
      DISCORD_API_URL: fake.apiUrl,
      MICHI_OWNER_IDS: OWNER_ID,
    };
    await deployCommands(loadConfig(env, { notesDir: ws.notes, dataDir: ws.data }));
    const notePath = path.join(ws.notes, NOTE);
    const before = sha(notePath);

    let stdout = "";
    let stderr = "";
    const proc = spawn(
      process.execPath,
      [path.join(ROOT, "bin/michi.js"), "bot", "--notes", ws.notes, "--data", ws.data],
      { cwd: ws.dir, env: { PATH: process.env.PATH ?? "", HOME: ws.dir, ...env } },
    );
    child = proc;
    proc.stdout.on("data", (d: Buffer) => {
      stdout += d.toString("utf8");
    });
    proc.stderr.on("data", (d: Buffer) => {
      stderr += d.toString("utf8");
    });
    const exited = new Promise<number | null>((resolve) =>
      proc.on("exit", (code) => resolve(code)),
    );
    const deadline = Date.now() + 60_000;
    while (!stdout.includes("michi bot ready")) {
      if (proc.exitCode !== null || Date.now() > deadline) {
        throw new Error(`the bot did not get ready:\n${stdout}\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }

    const ask = await fake.slashCommand("ask", { question: "DaemonSetって何?" });
    const response = await ask.response();
    // Answered at once (4) or deferred (5); either way within the fake's 3 s deadline.
    expect([4, 5]).toContain(response.type);
    const answer = await ask.waitForOriginal();
    const embed = answer.embeds[0] as {
      title: string;
      description: string;
      fields: { value: string }[];
    };
    expect(embed.title).toMatch(/^✅/);
    expect(embed.description).toContain("DaemonSetは各ノードに1つずつPodを配置するという認識");
    expect(embed.fields[0]?.value).toContain(`${NOTE} › Pod関連:`);

    const learned = await fake.slashCommand("learned", { topic: "Deployment" });
    const refusal = await learned.response();
    expect(refusal.type).toBe(4);
    expect((refusal.data as { flags: number }).flags & 64).toBe(64);
    // The fake's users have a Japanese Discord client.
    expect(JSON.stringify(refusal.data)).toContain("ノートを変更できるのはノートの持ち主だけです");

    proc.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(sha(notePath)).toBe(before);
    expect(fake.violations).toEqual([]);
    expect(fake.messagesWithoutSafeMentions()).toEqual([]);
    for (const m of fake.messages()) expect(m.allowedMentions).toMatchObject({ parse: [] });
    expect(stdout + stderr).not.toContain(TOKEN);
    const lines = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(
      lines.filter((l) => l.what === "interaction").map((l) => [l.command, l.outcome]),
    ).toEqual([
      ["ask", "ok"],
      ["learned", "refused"],
    ]);
    expect(lines.at(-1)?.msg).toBe("stopped");
  }, 120_000);
});
