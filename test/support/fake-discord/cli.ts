/**
 * Runs the fake Discord on its own so a bot process can be tried by hand:
 *
 *   npx tsx test/support/fake-discord/cli.ts [--port 8787]
 *   DISCORD_API_URL=http://127.0.0.1:8787/api DISCORD_TOKEN=x ... michi bot
 *
 * then type lines on stdin:
 *   /ask question:DaemonSetって何? private:true    a slash command (option:value …)
 *   /learned topic:Pod? …                            autocomplete on the option ending in `?`
 *   say TEXT | mention TEXT                          a user message (mention pings the bot)
 *   click CUSTOM_ID | pick CUSTOM_ID VALUE           a button / select on the latest message having it
 *   as USER_ID                                       later interactions come from this user
 * Bot messages (created or edited) and violations are printed as they happen.
 */
import { createInterface } from "node:readline";
import { type RecordedMessage, startFakeDiscord } from "./index.js";

function parseArgs(line: string): {
  name: string;
  options: Record<string, string | number | boolean>;
} {
  const [head = "", ...rest] = line.slice(1).split(/\s+(?=[\w-]+\??:)/);
  const options: Record<string, string | number | boolean> = {};
  for (const part of rest) {
    const at = part.indexOf(":");
    const key = part.slice(0, at);
    const raw = part.slice(at + 1).trim();
    options[key] =
      raw === "true" ? true : raw === "false" ? false : /^-?\d+$/.test(raw) ? Number(raw) : raw;
  }
  return { name: head.trim(), options };
}

function describe(message: RecordedMessage): string {
  const lines = [
    `── ${message.ephemeral ? "ephemeral " : ""}message ${message.id} (edit ${message.edits})`,
  ];
  if (message.content) lines.push(message.content);
  for (const embed of message.embeds) {
    if (embed.title) lines.push(`[embed] ${String(embed.title)}`);
    if (embed.description) lines.push(String(embed.description));
    for (const field of (embed.fields as Array<{ name: string; value: string }> | undefined) ??
      []) {
      lines.push(`  ${field.name}: ${field.value}`);
    }
  }
  for (const row of message.components) {
    const children =
      (row.components as Array<{ custom_id?: string; label?: string }> | undefined) ?? [];
    lines.push(
      `[${children.map((c) => `${c.label ?? ""} (${c.custom_id ?? "link"})`).join("] [")}]`,
    );
  }
  for (const a of message.attachments) lines.push(`[file] ${a.filename} ${a.size} bytes`);
  lines.push(`allowed_mentions: ${JSON.stringify(message.allowedMentions)}`);
  return lines.join("\n");
}

const portArg = process.argv.indexOf("--port");
const fake = await startFakeDiscord(portArg > 0 ? { port: Number(process.argv[portArg + 1]) } : {});
console.log(`fake Discord listening: DISCORD_API_URL=${fake.apiUrl}`);
console.log(
  `application ${fake.applicationId}, guild ${fake.guildId}, channel ${fake.channelId}, user ${fake.user.id}`,
);

let userId = fake.user.id;
const seen = new Map<string, number>();
let violations = 0;
const timer = setInterval(() => {
  for (const message of fake.messages()) {
    if (seen.get(message.id) === message.edits) continue;
    seen.set(message.id, message.edits);
    console.log(describe(message));
  }
  for (; violations < fake.violations.length; violations++) {
    console.log(`!! violation: ${fake.violations[violations]}`);
  }
}, 200);

const latestWith = (customId: string) =>
  fake
    .messages()
    .reverse()
    .find((m) => JSON.stringify(m.components).includes(JSON.stringify(customId)));

const input = createInterface({ input: process.stdin });
input.on("line", (line) => {
  void (async () => {
    const text = line.trim();
    if (text.startsWith("/")) {
      const { name, options } = parseArgs(text);
      const focused = Object.keys(options).find((k) => k.endsWith("?"));
      if (focused) {
        const { [focused]: value, ...others } = options;
        const handle = await fake.autocomplete(name, focused.slice(0, -1), String(value), others, {
          userId,
        });
        console.log(JSON.stringify((await handle.response()).data));
      } else await fake.slashCommand(name, options, { userId });
    } else if (text.startsWith("say ") || text.startsWith("mention ")) {
      await fake.userMessage(text.slice(text.indexOf(" ") + 1), {
        userId,
        mentionsBot: text.startsWith("mention "),
      });
    } else if (text.startsWith("click ") || text.startsWith("pick ")) {
      const [verb, customId = "", value = ""] = text.split(/\s+/);
      const message = latestWith(customId);
      if (!message) throw new Error(`no message has ${customId}`);
      if (verb === "click") await fake.button(customId, message, { userId });
      else await fake.selectMenu(customId, [value], message, { userId });
    } else if (text.startsWith("as ")) {
      userId = text.slice(3).trim();
    } else if (text) console.log("commands: /name opt:value, say, mention, click, pick, as");
  })().catch((error: unknown) =>
    console.log(`error: ${error instanceof Error ? error.message : String(error)}`),
  );
});
input.on("close", () => {
  clearInterval(timer);
  void fake.close();
});
