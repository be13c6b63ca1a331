/**
 * The fake Discord server in the flows a bot goes through: chat in a thread, menus, modals,
 * webhook rules, injected failures, session loss. Real discord.js Client throughout.
 */
import { once } from "node:events";
import {
  ActionRowBuilder,
  Client,
  type DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
  ModalBuilder,
  StringSelectMenuBuilder,
  TextInputBuilder,
  TextInputStyle,
} from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import {
  type FakeDiscord,
  type FakeDiscordOptions,
  startFakeDiscord,
} from "../support/fake-discord/index.js";

let fake: FakeDiscord | undefined;
let client: Client | undefined;

afterEach(async () => {
  await client?.destroy();
  client = undefined;
  await fake?.close();
  fake = undefined;
});

const CHAT_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
];

async function connect(
  options: FakeDiscordOptions = {},
  intents: GatewayIntentBits[] = [GatewayIntentBits.Guilds],
): Promise<{ fake: FakeDiscord; client: Client }> {
  // A roomy deadline unless a test is about the deadline: these tests must not flake under load.
  fake = await startFakeDiscord({ interactionDeadlineMs: 15_000, ...options });
  client = new Client({ intents, rest: { api: fake.apiUrl }, allowedMentions: { parse: [] } });
  const ready = once(client, Events.ClientReady);
  await client.login("fake-bot-token");
  await ready;
  return { fake, client };
}

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

describe("fake Discord flows", () => {
  it("chat: a mention starts a thread from the message, typing, a reply, and history in the thread", async () => {
    const { fake, client } = await connect({}, CHAT_INTENTS);
    const replies: Promise<unknown>[] = [];
    client.on(Events.MessageCreate, (message) => {
      if (message.author.bot) return;
      replies.push(
        (async () => {
          if (message.channel.isThread()) {
            await message.channel.sendTyping();
            const history = await message.channel.messages.fetch({ limit: 10 });
            await message.channel.send({ content: `thread has ${history.size} messages` });
            return;
          }
          const thread = await message.startThread({ name: message.content.slice(0, 100) });
          await thread.sendTyping();
          await thread.send({ content: "answer in the thread" });
        })(),
      );
    });
    const question = await fake.userMessage("DaemonSetって何?", { mentionsBot: true });
    await fake.waitForMessage((m) => m.content === "answer in the thread");
    const thread = fake.channel(question.id);
    expect(thread?.type).toBe(11);
    expect(thread?.parentId).toBe(fake.channelId);
    expect(fake.message(question.id)?.threadId).toBe(question.id);
    await fake.waitForRequest((r) => r.route === "POST /channels/:channel/typing");

    await fake.userMessage("それは？", { channelId: question.id });
    // Starter (type 21), the bot's answer, the follow-up.
    await fake.waitForMessage((m) => m.content === "thread has 3 messages");
    await Promise.all(replies);
    const history = fake.requests.find((r) => r.route === "GET /channels/:channel/messages");
    expect(history?.query).toEqual({ limit: "10" });
    expect(fake.messagesWithoutSafeMentions()).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it("rejects a second thread on the same message (160004) and a 101-character thread name", async () => {
    const { fake, client } = await connect({}, CHAT_INTENTS);
    const question = await fake.userMessage("q");
    const channel = await client.channels.fetch(fake.channelId);
    if (!channel?.isTextBased() || channel.isDMBased() || channel.isThread())
      throw new Error("text channel");
    const message = await channel.messages.fetch(question.id);
    await message.startThread({ name: "first" });
    const again = await client.rest
      .post(`/channels/${fake.channelId}/messages/${question.id}/threads`, {
        body: { name: "second" },
      })
      .catch((e: unknown) => e);
    expect((again as DiscordAPIError).code).toBe(160004);
    const other = await fake.userMessage("q2");
    const longName = await client.rest
      .post(`/channels/${fake.channelId}/messages/${other.id}/threads`, {
        body: { name: "n".repeat(101) },
      })
      .catch((e: unknown) => e);
    expect((longName as DiscordAPIError).code).toBe(50035);
    expect(fake.violations).toHaveLength(2);
  });

  it("a select menu, a message context menu and a modal reach the client with their data", async () => {
    const { fake, client } = await connect();
    const channel = await client.channels.fetch(fake.channelId);
    if (!channel?.isSendable()) throw new Error("channel not sendable");
    await channel.send({
      content: "which one?",
      components: [
        new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(
          new StringSelectMenuBuilder()
            .setCustomId("pick")
            .addOptions(
              { label: "Pod関連 › DaemonSet", value: "item-1" },
              { label: "CNI", value: "item-2" },
            ),
        ),
      ],
    });
    const [menu] = fake.messages();
    if (!menu) throw new Error("no menu");
    await expect(fake.selectMenu("pick", ["item-1", "item-2"], menu)).rejects.toThrow(
      /takes 1\.\.1 values/,
    );
    const picked = onInteraction(client, async (interaction) => {
      if (!interaction.isStringSelectMenu()) throw new Error("expected a select menu");
      await interaction.update({
        content: `picked ${interaction.values.join(",")}`,
        components: [],
      });
    });
    await fake.selectMenu("pick", ["item-2"], menu);
    expect(await picked).toEqual([]);
    expect(fake.message(menu.id)?.content).toBe("picked item-2");
    await expect(fake.selectMenu("pick", ["item-9"], menu)).rejects.toThrow(
      /no select menu|offers no value/,
    );

    const asked = onInteraction(client, async (interaction) => {
      if (!interaction.isMessageContextMenuCommand()) throw new Error("expected a context menu");
      await interaction.reply({ content: `about: ${interaction.targetMessage.content}` });
    });
    const context = await fake.messageContextMenu("Ask michi", { content: "Podとは" });
    expect(await asked).toEqual([]);
    expect((await context.waitForOriginal()).content).toBe("about: Podとは");

    const modalShown = onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.showModal(
        new ModalBuilder()
          .setCustomId("unknown-modal")
          .setTitle("Add an unknown")
          .addComponents(
            new ActionRowBuilder<TextInputBuilder>().addComponents(
              new TextInputBuilder()
                .setCustomId("topic")
                .setLabel("Topic")
                .setStyle(TextInputStyle.Short),
            ),
          ),
      );
    });
    const command = await fake.slashCommand("unknown");
    expect(await modalShown).toEqual([]);
    expect((await command.response()).type).toBe(9);
    const submitted = onInteraction(client, async (interaction) => {
      if (!interaction.isModalSubmit()) throw new Error("expected a modal submit");
      await interaction.reply({
        content: `added ${interaction.fields.getTextInputValue("topic")}`,
        flags: MessageFlags.Ephemeral,
      });
    });
    const submit = await fake.modalSubmit("unknown-modal", { topic: "Service Mesh" });
    expect(await submitted).toEqual([]);
    expect(submit.original()?.content).toBe("added Service Mesh");
    expect(fake.violations).toEqual([]);
  });

  it("the first followup after a deferral fills the loading message, like Discord", async () => {
    const { fake, client } = await connect();
    const handled = onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await interaction.followUp({ content: "first" });
      await interaction.followUp({ content: "second" });
    });
    const handle = await fake.slashCommand("status");
    expect(await handled).toEqual([]);
    expect(handle.original()?.content).toBe("first");
    expect(handle.original()?.ephemeral).toBe(true);
    expect(handle.followups().map((m) => m.content)).toEqual(["second"]);
  });

  it("webhook calls before a callback get 10015, after 15 minutes 50027; a never-answered interaction is a violation", async () => {
    let clock = Date.now();
    const { fake, client } = await connect({ now: () => clock, interactionDeadlineMs: 300 });
    const early = onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await client.rest.post(`/webhooks/${fake.applicationId}/${interaction.token}`, {
        body: { content: "too early", allowed_mentions: { parse: [] } },
        auth: false,
      });
    });
    const unanswered = await fake.slashCommand("ask", { question: "x" });
    const [error] = await early;
    expect((error as DiscordAPIError).code).toBe(10015);
    await expect(unanswered.response()).rejects.toThrow(/not acknowledged within 300 ms/);
    expect(fake.violations).toEqual([
      expect.stringMatching(/not acknowledged yet/),
      expect.stringMatching(/was not acknowledged within 300 ms/),
    ]);

    let interactionToken = "";
    const answered = onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      interactionToken = interaction.token;
      await interaction.deferReply();
    });
    await fake.slashCommand("ask", { question: "y" });
    expect(await answered).toEqual([]);
    clock += 15 * 60_000 + 1;
    const late = await client.rest
      .patch(`/webhooks/${fake.applicationId}/${interactionToken}/messages/@original`, {
        body: { content: "late", allowed_mentions: { parse: [] } },
        auth: false,
      })
      .catch((e: unknown) => e);
    expect((late as DiscordAPIError).code).toBe(50027);
    expect(fake.violations).toHaveLength(3);
  });

  it("failNext injects a 429 the client waits out and a 500 it retries", async () => {
    const { fake, client } = await connect();
    const channel = await client.channels.fetch(fake.channelId);
    if (!channel?.isSendable()) throw new Error("channel not sendable");
    fake.failNext("POST /channels/:id/messages", 429);
    fake.failNext("POST /channels/:id/messages", 500);
    await channel.send({ content: "eventually" });
    const posts = fake.requests.filter((r) => r.route === "POST /channels/:channel/messages");
    expect(posts.map((r) => r.status)).toEqual([429, 500, 200]);
    expect(posts[0]?.injected).toBe(true);
    expect(fake.messages().map((m) => m.content)).toEqual(["eventually"]);
  });

  it("an invalidated session makes the client IDENTIFY again; an abrupt close (1006) resumes", async () => {
    const { fake, client } = await connect();
    fake.invalidateSession();
    await fake.waitForIdentify(2, 20_000);
    expect(fake.gateway.intents).toEqual([GatewayIntentBits.Guilds, GatewayIntentBits.Guilds]);

    fake.dropConnection(1006);
    await fake.waitForResume(1, 20_000);
    const handled = onInteraction(client, async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply({ content: "back" });
    });
    const handle = await fake.slashCommand("status");
    expect(await handled).toEqual([]);
    expect((await handle.response()).data?.content).toBe("back");
    expect(fake.violations).toEqual([]);
  });

  it("an unknown route is a 404 and an 'unhandled route' violation; REST without a token is 401", async () => {
    const { fake, client } = await connect();
    const missing = await client.rest.get("/guilds/1/audit-logs").catch((e: unknown) => e);
    expect((missing as DiscordAPIError).status).toBe(404);
    const anonymous = await fetch(`${fake.apiUrl}/v10/users/@me`, {
      headers: { "user-agent": "DiscordBot (x, 1)" },
    });
    expect(anonymous.status).toBe(401);
    expect(fake.violations).toEqual([
      expect.stringMatching(/unhandled route GET \/guilds\/1\/audit-logs/),
      expect.stringMatching(/Authorization/),
    ]);
  });

  it("rejects 11 files, a history limit of 101 and a callback type the interaction cannot take", async () => {
    const { fake, client } = await connect();
    const channel = await client.channels.fetch(fake.channelId);
    if (!channel?.isSendable() || !channel.isTextBased()) throw new Error("channel not sendable");
    const files = Array.from({ length: 11 }, (_, i) => ({
      attachment: Buffer.from([i]),
      name: `f${i}.txt`,
    }));
    const tooMany = await channel.send({ content: "files", files }).catch((e: unknown) => e);
    expect((tooMany as DiscordAPIError).code).toBe(50035);
    await channel.send({ content: "ten", files: files.slice(0, 10) });
    expect(fake.messages()[0]?.attachments).toHaveLength(10);

    const history = await client.rest
      .get(`/channels/${fake.channelId}/messages`, { query: new URLSearchParams({ limit: "101" }) })
      .catch((e: unknown) => e);
    expect((history as DiscordAPIError).code).toBe(50035);
    expect(
      await client.rest.get(`/channels/${fake.channelId}/messages`, {
        query: new URLSearchParams({ limit: "100" }),
      }),
    ).toHaveLength(1);

    const handled = onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      // DEFERRED_UPDATE_MESSAGE (6) needs a component's message; a slash command has none.
      await client.rest.post(`/interactions/${interaction.id}/${interaction.token}/callback`, {
        body: { type: 6 },
        auth: false,
      });
    });
    const handle = await fake.slashCommand("ask", { question: "x" });
    const [error] = await handled;
    expect((error as DiscordAPIError).code).toBe(50035);
    expect(handle.responses.map((e) => [e.type, e.ok])).toEqual([[6, false]]);
    expect(fake.violations).toHaveLength(3);
  });

  it("rejects an upload over 10 MiB with 413 40005", async () => {
    const { fake, client } = await connect();
    const channel = await client.channels.fetch(fake.channelId);
    if (!channel?.isSendable()) throw new Error("channel not sendable");
    const big = Buffer.alloc(10 * 1024 * 1024 + 1);
    const error = await channel
      .send({ content: "big", files: [{ attachment: big, name: "big.bin" }] })
      .catch((e: unknown) => e);
    expect((error as DiscordAPIError).status).toBe(413);
    expect((error as DiscordAPIError).code).toBe(40005);
    expect(fake.messages()).toEqual([]);
    expect(fake.violations).toEqual([expect.stringMatching(/exceeds 10485760/)]);
  });

  it("archives and renames a thread the bot started", async () => {
    const { fake, client } = await connect({}, CHAT_INTENTS);
    const question = await fake.userMessage("q");
    const channel = await client.channels.fetch(fake.channelId);
    if (!channel?.isTextBased() || channel.isDMBased() || channel.isThread())
      throw new Error("text channel");
    const thread = await (await channel.messages.fetch(question.id)).startThread({ name: "q" });
    await thread.setName("renamed");
    await thread.setArchived(true);
    expect(fake.channel(thread.id)).toMatchObject({ name: "renamed", archived: true });
    expect(fake.violations).toEqual([]);
  });

  it("two clients on one token both get events, as on Discord; only the first reply is accepted", async () => {
    const { fake, client } = await connect({}, CHAT_INTENTS);
    const second = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
      rest: { api: fake.apiUrl },
    });
    try {
      const ready = once(second, Events.ClientReady);
      await second.login("fake-bot-token");
      await ready;
      expect(fake.gateway.identifies).toBe(2);
      const contents: string[] = [];
      const seen = new Promise<void>((resolve) => {
        const record = (who: string) => (m: { content: string }) => {
          contents.push(`${who}:${m.content}`);
          if (contents.length === 2) resolve();
        };
        client.on(Events.MessageCreate, record("first"));
        second.on(Events.MessageCreate, record("second"));
      });
      await fake.userMessage("hello");
      await seen;
      // The second client lacks MessageContent, so it sees the message without its text.
      expect(contents.sort()).toEqual(["first:hello", "second:"]);

      const replyFrom = (c: Client, name: string) =>
        onInteraction(c, async (interaction) => {
          if (interaction.isChatInputCommand()) await interaction.reply({ content: name });
        });
      const results = Promise.all([replyFrom(client, "first"), replyFrom(second, "second")]);
      const handle = await fake.slashCommand("status");
      const errors = (await results).flat();
      expect(errors.map((e) => (e as DiscordAPIError).code)).toEqual([40060]);
      expect(handle.responses.filter((r) => r.ok)).toHaveLength(1);
      expect(fake.violations).toEqual([expect.stringMatching(/acknowledged twice/)]);
    } finally {
      await second.destroy();
    }
  });

  it("an ephemeral deferral edited with an image keeps the bytes; reactions are recorded", async () => {
    const { fake, client } = await connect();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 9, 8, 7]);
    const handled = onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await interaction.editReply({
        embeds: [{ title: "digest", image: { url: "attachment://chart.png" } }],
        files: [{ attachment: png, name: "chart.png" }],
      });
    });
    const handle = await fake.slashCommand("digest");
    expect(await handled).toEqual([]);
    const original = await handle.waitForOriginal();
    expect(original.ephemeral).toBe(true);
    expect(original.attachments.map((a) => [a.filename, a.data.equals(png)])).toEqual([
      ["chart.png", true],
    ]);

    const channel = await client.channels.fetch(fake.channelId);
    if (!channel?.isSendable()) throw new Error("channel not sendable");
    const sent = await channel.send({ content: "answer" });
    await sent.react("👍");
    await sent.react("👎");
    await sent.reactions.cache.get("👎")?.users.remove(client.user?.id);
    expect(fake.message(sent.id)?.reactions).toEqual(["👍"]);
    expect(fake.violations).toEqual([]);
  });

  it("pages history newest first with before, after and around; rejects a non-snowflake cursor", async () => {
    const { fake, client } = await connect();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await fake.userMessage(`m${i}`)).id);
    const page = async (query: Record<string, string>) =>
      (
        (await client.rest.get(`/channels/${fake.channelId}/messages`, {
          query: new URLSearchParams(query),
        })) as Array<{ content: string }>
      ).map((m) => m.content);
    expect(await page({ limit: "3" })).toEqual(["m6", "m5", "m4"]);
    expect(await page({ limit: "3", before: ids[4] as string })).toEqual(["m3", "m2", "m1"]);
    expect(await page({ limit: "2", after: ids[1] as string })).toEqual(["m3", "m2"]);
    expect(await page({ limit: "3", around: ids[3] as string })).toEqual(["m4", "m3", "m2"]);
    const bad = await page({ before: "latest" }).catch((e: unknown) => e);
    expect((bad as DiscordAPIError).code).toBe(50035);
    expect(fake.violations).toHaveLength(1);
  });

  it("uses the registered option types when dispatching a registered command", async () => {
    const { fake, client } = await connect();
    await client.rest.put(`/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`, {
      body: [
        { name: "mark", description: "d", options: [{ type: 4, name: "pick", description: "p" }] },
      ],
    });
    const handled = onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply({ content: `pick=${interaction.options.getInteger("pick")}` });
    });
    const handle = await fake.slashCommand("mark", { pick: 2 });
    expect(await handled).toEqual([]);
    expect(handle.original()?.content).toBe("pick=2");
    expect(fake.violations).toEqual([]);
  });
});
