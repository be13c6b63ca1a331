import { afterEach, describe, expect, it } from "vitest";
import { INTENTS } from "../support/fake-discord/index.js";
import { type FakeOpenAI, promptText, startFakeOpenAI } from "../support/fake-openai.js";
import { expectWellBehaved, type Harness, startHarness } from "./harness.js";

let h: Harness | undefined;
let llm: FakeOpenAI | undefined;
afterEach(async () => {
  await h?.close();
  await llm?.close();
  h = undefined;
  llm = undefined;
});

const embedText = (m: { embeds: unknown[] }) => JSON.stringify(m.embeds);

/** The follow-up an LLM condenses "それはどこに置かれる?" to. */
const STANDALONE = "DaemonSetはどのノードにPodを置く?";

/**
 * A bot with a chat channel and a fake LLM (kept in `h` and `llm` for afterEach, and
 * returned); asks "DaemonSetって何?" and waits for the answer.
 */
async function askInChatWithLlm() {
  llm = await startFakeOpenAI({
    reply: (request) =>
      promptText(request).includes("Standalone question:")
        ? STANDALONE
        : "各ノードに1つずつ置きます [1]。",
  });
  const url = llm.url;
  h = await startHarness({
    env: (fake) => ({
      MICHI_CHAT_CHANNEL_IDS: fake.channelId,
      MICHI_CHAT_MODEL: "fake-chat",
      OPENAI_BASE_URL: url,
    }),
  });
  const question = await h.fake.userMessage("DaemonSetって何?");
  const first = await h.fake.waitForMessage((m) => m.channelId === question.id);
  return { h, llm, question, first };
}

describe("chat", () => {
  it("asks only for Guilds without chat channels; adds message intents when chat is on", async () => {
    h = await startHarness();
    expect(h.fake.gateway.intents).toEqual([INTENTS.Guilds]);
    await h.close();
    h = await startHarness({ env: (fake) => ({ MICHI_CHAT_CHANNEL_IDS: fake.channelId }) });
    expect(h.fake.gateway.intents).toEqual([
      INTENTS.Guilds | INTENTS.GuildMessages | INTENTS.MessageContent,
    ]);
  });

  it("answers a chat-channel message in a thread, with typing, and follow-ups in the thread", async () => {
    h = await startHarness({ env: (fake) => ({ MICHI_CHAT_CHANNEL_IDS: fake.channelId }) });
    const question = await h.fake.userMessage("DaemonSetって何? @everyone <@&1300000000000000777>");
    const answer = await h.fake.waitForMessage((m) => m.channelId === question.id);
    expect(h.fake.channel(question.id)?.parentId).toBe(h.fake.channelId);
    expect(embedText(answer)).toContain("DaemonSetは各ノードに1つずつPodを配置する");
    expect(String((answer.embeds[0] as { title: string }).title)).toMatch(/^✅/);
    await h.fake.waitForRequest(
      (r) => r.route === "POST /channels/:channel/typing" && r.path.includes(question.id),
    );
    // A follow-up inside the thread is answered there, without a new thread.
    await h.fake.userMessage("Deploymentは?", { channelId: question.id });
    await h.fake.waitForMessage((m) => m.channelId === question.id && m.id !== answer.id);
    await h.bot.idle();
    expect(h.fake.messages(question.id)).toHaveLength(2);
    expect(h.fake.messages(h.fake.channelId)).toHaveLength(0);
    expectWellBehaved(h);
  });

  it("answers a mention in another channel; ignores plain messages there and its own", async () => {
    h = await startHarness({
      env: (fake) => ({ MICHI_CHAT_CHANNEL_IDS: fake.createChannel("michi").id }),
    });
    await h.fake.userMessage("DaemonSetって何?");
    const mention = await h.fake.userMessage("DaemonSetって何?", { mentionsBot: true });
    const answer = await h.fake.waitForMessage((m) => m.channelId === mention.id);
    // The mention itself is not part of the question.
    expect(String((answer.embeds[0] as { author: { name: string } }).author.name)).toBe(
      "Q: DaemonSetって何?",
    );
    await h.bot.idle();
    expect(h.fake.messages()).toHaveLength(1);
    expectWellBehaved(h);
  });

  it("reads a follow-up in the thread with the thread's history when an LLM answers", async () => {
    const { h, llm, question, first } = await askInChatWithLlm();
    await h.fake.userMessage("それはどこに置かれる?", { channelId: question.id });
    await h.fake.waitForMessage((m) => m.channelId === question.id && m.id !== first.id);
    await h.bot.idle();
    const prompts = llm.chatRequests().map((r) => JSON.stringify(r.body));
    const condense = prompts.find((p) => p.includes("Standalone question:"));
    expect(condense).toContain("DaemonSetって何?");
    expect(prompts.at(-1)).toContain(`Question: ${STANDALONE}`);
    expectWellBehaved(h);
  });

  it("after a restart, reads a thread's earlier turns back from Discord", async () => {
    const { h, llm, question, first } = await askInChatWithLlm();
    await h.bot.stop();
    await h.startAnother();
    await h.fake.userMessage("それはどこに置かれる?", { channelId: question.id });
    await h.fake.waitForMessage((m) => m.channelId === question.id && m.id !== first.id);
    const condense = llm
      .chatRequests()
      .map((r) => JSON.stringify(r.body))
      .find((p) => p.includes("Standalone question:"));
    expect(condense).toContain("DaemonSetって何?");
    expect(condense).toContain("各ノードに1つずつ置きます");
    expectWellBehaved(h);
  });

  it("asks a user who writes too fast to slow down, in the language of their message", async () => {
    h = await startHarness({
      env: (fake) => ({ MICHI_CHAT_CHANNEL_IDS: fake.channelId }),
      rateLimit: { capacity: 1, refillMs: 60_000 },
    });
    const first = await h.fake.userMessage("DaemonSetって何?");
    await h.fake.waitForMessage((m) => m.channelId === first.id);
    const ja = await h.fake.userMessage("Deploymentは?");
    const slowJa = await h.fake.waitForMessage(
      (m) => m.channelId === h?.fake.channelId && embedText(m).includes("🚫"),
    );
    expect(embedText(slowJa)).toMatch(
      /🚫 少し間をおいてください。\d+秒後にもう一度お試しください。/,
    );
    const en = await h.fake.userMessage("What is a Deployment?");
    const slowEn = await h.fake.waitForMessage(
      (m) => m.channelId === h?.fake.channelId && embedText(m).includes("Slow down"),
    );
    expect(embedText(slowEn)).toMatch(/🚫 Slow down a little: try again in \d+ s\./);
    await h.bot.idle();
    // Neither message got a thread: refused before any work.
    expect(h.fake.channel(ja.id)).toBeUndefined();
    expect(h.fake.channel(en.id)).toBeUndefined();
    expectWellBehaved(h);
  });
});
