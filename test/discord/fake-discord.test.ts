/**
 * The fake Discord server itself, driven by the real discord.js Client: if these pass, bot tests
 * built on it exercise what Discord would actually accept and reject.
 */
import { once } from "node:events";
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
} from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import {
  type FakeDiscord,
  type FakeDiscordOptions,
  startFakeDiscord,
} from "../support/fake-discord/index.js";

const TOKEN = "fake-bot-token";

let fake: FakeDiscord | undefined;
let client: Client | undefined;

afterEach(async () => {
  await client?.destroy();
  client = undefined;
  await fake?.close();
  fake = undefined;
});

async function connect(
  options: FakeDiscordOptions = {},
  intents: GatewayIntentBits[] = [GatewayIntentBits.Guilds],
): Promise<{ fake: FakeDiscord; client: Client }> {
  // A roomy deadline unless a test is about the deadline: these tests must not flake under load.
  fake = await startFakeDiscord({ interactionDeadlineMs: 15_000, ...options });
  client = new Client({
    intents,
    rest: { api: fake.apiUrl },
    allowedMentions: { parse: [] },
  });
  const ready = once(client, Events.ClientReady);
  await client.login(TOKEN);
  await ready;
  return { fake, client };
}

/** Resolves with the next interaction the client receives, handled by `handler`. */
function onInteraction(
  c: Client,
  handler: (interaction: Interaction) => Promise<unknown>,
): Promise<unknown[]> {
  const errors: unknown[] = [];
  return new Promise((resolve) => {
    c.once(Events.InteractionCreate, (interaction) => {
      handler(interaction)
        .catch((error: unknown) => errors.push(error))
        .finally(() => resolve(errors));
    });
  });
}

describe("fake Discord with the real discord.js Client", () => {
  it("logs in over GET /gateway/bot, IDENTIFY and READY with the guild", async () => {
    const { fake, client } = await connect();
    expect(client.user?.id).toBe(fake.botUser.id);
    expect(client.guilds.cache.get(fake.guildId)?.channels.cache.has(fake.channelId)).toBe(true);
    expect(fake.gateway.identifies).toBe(1);
    expect(fake.gateway.intents).toEqual([GatewayIntentBits.Guilds]);
    const gatewayRequest = fake.requests.find((r) => r.path === "/gateway/bot");
    expect(gatewayRequest?.headers.authorization).toBe("Bot [redacted]");
    expect(JSON.stringify(fake.requests)).not.toContain(TOKEN);
    expect(fake.violations).toEqual([]);
  });

  it("delivers a slash command and records the reply", async () => {
    const { fake, client } = await connect();
    const handled = onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error("expected a slash command");
      const question = interaction.options.getString("question", true);
      await interaction.reply({
        content: `you asked: ${question}`,
        embeds: [new EmbedBuilder().setTitle("answer").setColor(0x2ecc71)],
        flags: MessageFlags.Ephemeral,
      });
    });
    const handle = await fake.slashCommand("ask", { question: "DaemonSetって何?" });
    expect(await handled).toEqual([]);
    const response = await handle.response();
    expect(response.type).toBe(4);
    expect(response.data?.content).toBe("you asked: DaemonSetって何?");
    const original = handle.original();
    expect(original?.ephemeral).toBe(true);
    expect(original?.embeds[0]?.title).toBe("answer");
    expect(original?.allowedMentions).toEqual({ parse: [] });
    expect(fake.messagesWithoutSafeMentions()).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it("defers, edits @original and sends a followup through the interaction webhook", async () => {
    const { fake, client } = await connect();
    const handled = onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      await interaction.editReply({ content: "first draft" });
      await interaction.editReply({ content: "final answer" });
      await interaction.followUp({ content: "more", flags: MessageFlags.Ephemeral });
      const fetched = await interaction.fetchReply();
      if (fetched.content !== "final answer") throw new Error(`fetchReply gave ${fetched.content}`);
    });
    const handle = await fake.slashCommand("ask", { question: "x" });
    expect(await handled).toEqual([]);
    expect((await handle.response()).type).toBe(5);
    expect(handle.original()?.content).toBe("final answer");
    expect(handle.original()?.edits).toBe(2);
    expect(handle.followups().map((m) => [m.content, m.ephemeral])).toEqual([["more", true]]);
    expect(handle.responses.map((e) => e.kind)).toEqual(["callback", "edit", "edit", "followup"]);
    expect(fake.violations).toEqual([]);
  });

  it("answers a callback after the deadline with 10062 and records a violation", async () => {
    const { fake, client } = await connect({ interactionDeadlineMs: 200 });
    const handled = onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await new Promise((resolve) => setTimeout(resolve, 400));
      await interaction.reply({ content: "too late" });
    });
    const handle = await fake.slashCommand("ask", { question: "slow" });
    const [error] = await handled;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(10062);
    expect((error as DiscordAPIError).status).toBe(404);
    await expect(handle.response()).rejects.toThrow(/not acknowledged/);
    expect(fake.violations.some((v) => /past the 200 ms deadline/.test(v))).toBe(true);
  });

  it("rejects a second callback with 40060", async () => {
    const { fake, client } = await connect();
    const handled = onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply({ content: "once" });
      // Bypass discord.js's own guard to send what a buggy bot could send.
      await client.rest.post(`/interactions/${interaction.id}/${interaction.token}/callback`, {
        body: { type: 4, data: { content: "twice", allowed_mentions: { parse: [] } } },
        auth: false,
      });
    });
    await fake.slashCommand("ask", { question: "x" });
    const [error] = await handled;
    expect((error as DiscordAPIError).code).toBe(40060);
    expect((error as DiscordAPIError).status).toBe(400);
    expect(fake.violations).toEqual([expect.stringMatching(/acknowledged twice/)]);
  });

  it("rejects over-long content, an oversized embed and too many autocomplete choices", async () => {
    const { fake, client } = await connect();
    const channel = await client.channels.fetch(fake.channelId);
    if (!channel?.isSendable()) throw new Error("channel not sendable");
    const tooLong = await channel.send({ content: "あ".repeat(2001) }).catch((e: unknown) => e);
    expect((tooLong as DiscordAPIError).code).toBe(50035);
    expect((tooLong as DiscordAPIError).message).toMatch(/content.*2000 or fewer/);

    const fields = Array.from({ length: 6 }, (_, i) => ({
      name: `f${i}`,
      value: "v".repeat(1000),
    }));
    const bigEmbed = await channel
      .send({ embeds: [new EmbedBuilder().setTitle("t").addFields(fields)] })
      .catch((e: unknown) => e);
    expect((bigEmbed as DiscordAPIError).code).toBe(50035);
    expect((bigEmbed as DiscordAPIError).message).toMatch(/6000/);

    const longDescription = await channel
      .send({ embeds: [{ description: "d".repeat(4097) }] })
      .catch((e: unknown) => e);
    expect((longDescription as DiscordAPIError).message).toMatch(/embeds\[0\]\.description/);

    const empty = await client.rest
      .post(`/channels/${fake.channelId}/messages`, {
        body: { content: "", allowed_mentions: { parse: [] } },
      })
      .catch((e: unknown) => e);
    expect((empty as DiscordAPIError).code).toBe(50006);

    const handled = onInteraction(client, async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      const choices = Array.from({ length: 26 }, (_, i) => ({ name: `item ${i}`, value: `${i}` }));
      // discord.js validates choices itself; the raw route shows what Discord says.
      await client.rest.post(`/interactions/${interaction.id}/${interaction.token}/callback`, {
        body: { type: 8, data: { choices } },
        auth: false,
      });
    });
    const handle = await fake.autocomplete("learned", "topic", "Pod");
    const [error] = await handled;
    expect((error as DiscordAPIError).code).toBe(50035);
    expect((error as DiscordAPIError).message).toMatch(/choices.*25 or fewer/);
    expect(handle.responses[0]?.ok).toBe(false);
    expect(fake.messages()).toEqual([]);
    expect(fake.violations).toHaveLength(5);
  });

  it("accepts a valid autocomplete result and rejects a 101-character choice name", async () => {
    const { fake, client } = await connect();
    const ok = onInteraction(client, async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      await interaction.respond([{ name: interaction.options.getFocused(), value: "id-1" }]);
    });
    const good = await fake.autocomplete("learned", "topic", "Pod作成");
    expect(await ok).toEqual([]);
    expect((await good.response()).data).toEqual({ choices: [{ name: "Pod作成", value: "id-1" }] });
    expect(fake.violations).toEqual([]);

    const bad = onInteraction(client, async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      await client.rest.post(`/interactions/${interaction.id}/${interaction.token}/callback`, {
        body: { type: 8, data: { choices: [{ name: "x".repeat(101), value: "v" }] } },
        auth: false,
      });
    });
    await fake.autocomplete("learned", "topic", "Pod");
    const [error] = await bad;
    expect((error as DiscordAPIError).message).toMatch(/choices\[0\]\.name/);
    expect(fake.violations).toHaveLength(1);
  });

  it("resumes after a dropped connection and replays what was missed", async () => {
    const { fake, client } = await connect();
    const resumed = once(client, Events.ShardResume);
    fake.dropConnection();
    // Dispatched while disconnected: buffered and replayed on RESUME.
    const handled = onInteraction(client, async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply({ content: "still here" });
    });
    const handle = await fake.slashCommand("ask", { question: "after the drop" });
    await resumed;
    expect(await handled).toEqual([]);
    expect((await handle.response()).data?.content).toBe("still here");
    expect(fake.gateway.resumes).toBe(1);
    expect(fake.gateway.identifies).toBe(1);
    expect(fake.gateway.connections).toBe(2);
    expect(fake.violations).toEqual([]);
  });

  it("records uploaded files with their bytes", async () => {
    const { fake, client } = await connect();
    const channel = await client.channels.fetch(fake.channelId);
    if (!channel?.isSendable()) throw new Error("channel not sendable");
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 255]);
    const sent = await channel.send({
      content: "chart",
      files: [{ attachment: png, name: "chart.png" }],
    });
    expect(sent.attachments.first()?.name).toBe("chart.png");
    const [message] = fake.messages(fake.channelId);
    expect(message?.attachments).toHaveLength(1);
    expect(message?.attachments[0]?.filename).toBe("chart.png");
    expect(message?.attachments[0]?.data.equals(png)).toBe(true);
    const request = fake.requests.find((r) => r.route === "POST /channels/:channel/messages");
    const body = request?.body as {
      payload_json: { content: string };
      files: Array<{ name: string; size: number }>;
    };
    expect(body.payload_json.content).toBe("chart");
    expect(body.files).toEqual([expect.objectContaining({ name: "chart.png", size: png.length })]);
    const served = await fetch(message?.attachments[0]?.url ?? "");
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
    expect(fake.violations).toEqual([]);
  });

  it("dispatches buttons on the bot's messages and applies type 7 updates", async () => {
    const { fake, client } = await connect();
    const channel = await client.channels.fetch(fake.channelId);
    if (!channel?.isSendable()) throw new Error("channel not sendable");
    await channel.send({
      content: "answer",
      components: [
        new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder()
            .setCustomId("learned:1")
            .setLabel("I learned this")
            .setStyle(ButtonStyle.Primary),
        ),
      ],
    });
    const [message] = fake.messages();
    if (!message) throw new Error("no message");
    const handled = onInteraction(client, async (interaction) => {
      if (!interaction.isButton()) return;
      await interaction.update({ content: `done by ${interaction.user.id}`, components: [] });
    });
    const handle = await fake.button("learned:1", message);
    expect(await handled).toEqual([]);
    expect((await handle.response()).type).toBe(7);
    expect(fake.message(message.id)?.content).toBe(`done by ${fake.user.id}`);
    expect(fake.message(message.id)?.components).toEqual([]);
    await expect(fake.button("learned:1", message)).rejects.toThrow(/no button/);
    expect(fake.violations).toEqual([]);
  });

  it("registers commands with Discord's naming rules", async () => {
    const { fake, client } = await connect();
    const good = [
      {
        name: "ask",
        description: "質問する",
        options: [{ type: 3, name: "question", description: "q", required: true }],
      },
    ];
    await client.rest.put(`/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`, {
      body: good,
    });
    expect(fake.commands.guild.map((c) => c.name)).toEqual(["ask"]);
    const listed = (await client.rest.get(
      `/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`,
    )) as unknown[];
    expect(listed).toHaveLength(1);
    const bad = await client.rest
      .put(`/applications/${fake.applicationId}/commands`, {
        body: [{ name: "Ask Me", description: "" }],
      })
      .catch((e: unknown) => e);
    expect((bad as DiscordAPIError).code).toBe(50035);
    expect(fake.violations).toHaveLength(1);
    expect(fake.violations[0]).toMatch(/0\.name.*invalid.*0\.description/);
  });

  it("hides message content without the MessageContent intent unless the bot is mentioned", async () => {
    const { fake, client } = await connect({}, [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
    ]);
    const seen: string[] = [];
    client.on(Events.MessageCreate, (message) => {
      seen.push(message.content);
    });
    await fake.userMessage("hidden text");
    await fake.userMessage("visible text", { mentionsBot: true });
    await new Promise<void>((resolve) => {
      const check = () => (seen.length >= 2 ? resolve() : setTimeout(check, 10));
      check();
    });
    expect(seen).toEqual(["", `<@${fake.botUser.id}> visible text`]);
  });

  it("flags a message whose allowed_mentions would ping everyone", async () => {
    fake = await startFakeDiscord();
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    const ready = once(client, Events.ClientReady);
    await client.login(TOKEN);
    await ready;
    const channel = await client.channels.fetch(fake.channelId);
    if (!channel?.isSendable()) throw new Error("channel not sendable");
    await channel.send({ content: "@everyone look" });
    expect(fake.messagesWithoutSafeMentions()).toHaveLength(1);
    expect(fake.messages()[0]?.pinged.everyone).toBe(true);
  });
});
