import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { flagFromSources } from "../../src/ask/flag.js";
import type { Answerer, Source } from "../../src/ask/index.js";
import { detectLanguage } from "../../src/ask/language.js";
import {
  createLlmAnswerer,
  GENERAL_KNOWLEDGE_LABEL,
  type LlmAnswererOptions,
  parseCitations,
} from "../../src/ask/llm.js";
import {
  type ChatRequest,
  type FakeOpenAI,
  getRefusedUrl,
  promptText,
  type RecordedRequest,
  startFakeOpenAI,
} from "../support/fake-openai.js";

const SECRET_KEY = "sk-test-MICHI-SECRET-0123456789";
const MODEL = "fake-chat-model";

const daemonSet: Source = {
  id: "a",
  kind: "item",
  file: "k8s.md",
  title: "Weekly Log 2",
  sectionPath: ["Pod関連"],
  line: 23,
  status: "known",
  text: "DaemonSetは各ノードに1つずつPodを配置するという認識",
  context: ["△ tolerationsで特定ノードにも置ける"],
  score: 0.8,
};
const statefulSet: Source = {
  id: "b",
  kind: "item",
  file: "k8s.md",
  title: "Weekly Log 2",
  sectionPath: ["Pod関連", "ワークロード"],
  line: 31,
  status: "unknown",
  text: "StatefulSetとDeploymentの違い",
  context: [],
  score: 0.7,
};
const probes: Source = {
  id: "c",
  kind: "item",
  file: "probes.md",
  title: "Health checks",
  sectionPath: [],
  line: 5,
  status: "partial",
  text: "readinessProbe fails → the Pod is removed from Service endpoints",
  context: [],
  score: 0.5,
};
const SOURCES: readonly Source[] = [daemonSet, statefulSet, probes];

/** A stand-in extractive answerer: recognisable text, flag from the top source. */
const fallback: Answerer = {
  mode: "extractive",
  answer: async (question, sources) => ({
    question,
    flag: flagFromSources(sources),
    mode: "extractive",
    answer: `EXTRACTIVE: ${sources[0]?.text ?? "nothing in the notes"}`,
    sources,
    notices: [],
  }),
};

let fake: FakeOpenAI;
let logs: string[] = [];

beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.setMode("ok");
  fake.setReply(() => "According to your notes [1].");
  fake.requests.length = 0;
  logs = [];
});

function makeAnswerer(overrides: Partial<LlmAnswererOptions> = {}) {
  return createLlmAnswerer({
    model: MODEL,
    apiKey: SECRET_KEY,
    baseURL: fake.url,
    timeoutMs: 2_000,
    maxRetries: 2,
    retryDelayMs: 5,
    fallback,
    log: (msg) => logs.push(msg),
    ...overrides,
  });
}

function messagesOf(request: RecordedRequest | undefined): { role: string; content: string }[] {
  const body = request?.body as { messages?: { role: string; content: string }[] } | undefined;
  return body?.messages ?? [];
}

describe("grounded prompt", () => {
  it("sends each source numbered with its status, citation, text and sub-items, plus the question", async () => {
    await makeAnswerer().answer("DaemonSetとは何ですか？", SOURCES);

    const [request] = fake.chatRequests();
    const body = request?.body as { model?: string; stream?: boolean };
    expect(body.model).toBe(MODEL);
    const [system, human] = messagesOf(request);
    expect(system?.role).toBe("system");
    expect(system?.content).toMatch(/never present an item marked unknown as knowledge/i);
    expect(system?.content).toMatch(/cite/i);
    expect(human?.content).toContain(
      "[1] status: known; from: Weekly Log 2 › Pod関連, line 23\n    DaemonSetは各ノードに1つずつPodを配置するという認識",
    );
    expect(human?.content).toContain("- △ tolerationsで特定ノードにも置ける");
    expect(human?.content).toContain(
      "[2] status: unknown (marked NOT yet known); from: Weekly Log 2 › Pod関連 › ワークロード, line 31",
    );
    expect(human?.content).toContain("[3] status: partial; from: Health checks, line 5");
    expect(human?.content).toContain("Question: DaemonSetとは何ですか？");
  });

  it("tells the model the notes have nothing when there are no sources, and flags none", async () => {
    fake.setReply(() => "Your notes have nothing on this.");
    const answer = await makeAnswerer().answer("What is etcd?", []);

    const human = messagesOf(fake.chatRequests()[0])[1]?.content ?? "";
    expect(human).toContain("(none: the notes have nothing relevant to this question)");
    expect(answer.flag).toBe("none");
    expect(answer.mode).toBe("llm");
    expect(answer.sources).toEqual([]);
    expect(answer.notices).toEqual([]);
  });

  it("sends the configured API key to the server, and a placeholder when none is configured", async () => {
    await makeAnswerer().answer("q", SOURCES);
    await makeAnswerer({ apiKey: undefined }).answer("q", SOURCES);

    const [withKey, withoutKey] = fake.chatRequests();
    expect(withKey?.headers.authorization).toBe(`Bearer ${SECRET_KEY}`);
    expect(withoutKey?.headers.authorization).toBe("Bearer not-needed");
  });
});

describe("answer language", () => {
  it("detects Japanese from kana or kanji and English otherwise", () => {
    expect(detectLanguage("DaemonSetとは？")).toBe("ja");
    expect(detectLanguage("ポッド")).toBe("ja");
    expect(detectLanguage("漢字")).toBe("ja");
    expect(detectLanguage("What is a DaemonSet?")).toBe("en");
  });

  it("instructs Japanese for a Japanese question and English for an English one", async () => {
    fake.setReply((req: ChatRequest) =>
      promptText(req).includes("Answer in Japanese")
        ? "ノートによると、DaemonSetは各ノードにPodを1つ置きます [1]。"
        : "Your notes say a DaemonSet puts one Pod on each node [1].",
    );
    const answerer = makeAnswerer();

    const ja = await answerer.answer("DaemonSetって何？", SOURCES);
    const en = await answerer.answer("What does a DaemonSet do?", SOURCES);

    const [jaRequest, enRequest] = fake.chatRequests();
    expect(messagesOf(jaRequest)[0]?.content).toContain("Answer in Japanese");
    expect(messagesOf(jaRequest)[0]?.content).not.toContain("Answer in English");
    expect(messagesOf(enRequest)[0]?.content).toContain("Answer in English");
    expect(ja.answer).toBe("ノートによると、DaemonSetは各ノードにPodを1つ置きます [1]。");
    expect(en.answer).toBe("Your notes say a DaemonSet puts one Pod on each node [1].");
  });
});

describe("citations and flag", () => {
  it.each([
    ["[1]", [1]],
    ["see [2, 3] and [1]", [2, 3, 1]],
    ["[1][2]", [1, 2]],
    ["full-width ［2］ and ［１］", [2, 1]],
    ["Japanese comma ［1、3］", [1, 3]],
    ["range [1-3]", [1, 2, 3]],
    ["repeated [2] [2] [1]", [2, 1]],
    ["out of range [0] [4] [99] then [3]", [3]],
    ["no citations at all", []],
    ["a markdown [link](http://x) is not a citation", []],
  ])("parses %s", (text, expected) => {
    expect(parseCitations(text, 3)).toEqual(expected);
  });

  it("keeps the cited sources in first-citation order, ignoring out-of-range numbers", async () => {
    fake.setReply(() => "Probes matter ［3］, and DaemonSets too [1]. See also [7].");
    const answer = await makeAnswerer().answer("q", SOURCES);

    expect(answer.sources.map((s) => s.id)).toEqual(["c", "a"]);
    expect(answer.flag).toBe("partial");
    expect(answer.notices).toEqual([]);
  });

  it("flags unknown when the first cited source is marked unknown, whatever the model says", async () => {
    fake.setReply(() => "I know this well and it is fully understood [2]. Related: [1].");
    const answer = await makeAnswerer().answer("StatefulSetとDeploymentの違いは？", SOURCES);

    expect(answer.flag).toBe("unknown");
    expect(answer.sources.map((s) => s.id)).toEqual(["b", "a"]);
  });

  it("flags none, resting on no source, when the model cites none of the retrieved notes", async () => {
    fake.setReply(() => "Your notes have nothing on undoing a commit.");
    const answer = await makeAnswerer().answer("How do I undo my last git commit?", SOURCES);

    expect(answer.flag).toBe("none");
    expect(answer.sources).toEqual([]);
    expect(answer.notices).toEqual([
      "The model cited none of the 3 retrieved notes, so the answer is not shown as coming from your notes.",
    ]);
  });
});

describe("streaming", () => {
  it("delivers tokens in order and ends with the same answer as the non-streaming call", async () => {
    const reply = "DaemonSet は各ノードに Pod を1つ置きます [1]、StatefulSet はまだ未知です [2]。";
    fake.setReply(() => reply);
    const answerer = makeAnswerer();
    const tokens: string[] = [];

    const streamed = await answerer.stream("DaemonSetとは？", SOURCES, (t) => tokens.push(t));
    const plain = await answerer.answer("DaemonSetとは？", SOURCES);

    expect(tokens.length).toBeGreaterThan(3);
    expect(tokens.join("")).toBe(reply);
    expect(streamed).toEqual(plain);
    expect(streamed.sources.map((s) => s.id)).toEqual(["a", "b"]);
    expect(streamed.flag).toBe("known");
    const [streamRequest, plainRequest] = fake.chatRequests();
    expect(streamRequest?.body).toMatchObject({ stream: true });
    expect(plainRequest?.body).toMatchObject({ stream: false });
  });

  it("falls back with a notice when the stream breaks off after some tokens", async () => {
    fake.setMode("stall-stream");
    const tokens: string[] = [];
    const answer = await makeAnswerer({ timeoutMs: 300 }).stream("q", SOURCES, (t) =>
      tokens.push(t),
    );

    expect(tokens.join("")).toBe("Partial");
    expect(answer.mode).toBe("extractive");
    expect(answer.answer).toBe(`EXTRACTIVE: ${daemonSet.text}`);
    expect(answer.notices.at(-1)).toMatch(/broke off/);
    // Tokens were already shown, so the answer must not be retried (it would repeat them).
    expect(fake.chatRequests()).toHaveLength(1);
  });
});

describe("general knowledge supplement", () => {
  function replyByPrompt(req: ChatRequest): string {
    return promptText(req).includes("general-knowledge answer")
      ? "A StatefulSet gives each Pod a stable identity and storage."
      : "Your notes list this as not yet known [2].";
  }

  it("adds a labelled general answer for an unknown flag, keeping the flag and sources from the notes", async () => {
    fake.setReply(replyByPrompt);
    const answer = await makeAnswerer({ generalKnowledge: true }).answer(
      "What is the difference between StatefulSet and Deployment?",
      SOURCES,
    );

    expect(fake.chatRequests()).toHaveLength(2);
    expect(answer.flag).toBe("unknown");
    expect(answer.sources.map((s) => s.id)).toEqual(["b"]);
    expect(answer.answer).toBe(
      `Your notes list this as not yet known [2].\n\n${GENERAL_KNOWLEDGE_LABEL.en}\nA StatefulSet gives each Pod a stable identity and storage.`,
    );
  });

  it("adds the labelled general-knowledge part when the model cites none of the notes", async () => {
    fake.setReply((req) =>
      promptText(req).includes("general-knowledge answer")
        ? "Use git reset --soft HEAD~1."
        : "The notes have nothing on this.",
    );
    const answer = await makeAnswerer({ generalKnowledge: true }).answer(
      "How do I undo my last git commit?",
      SOURCES,
    );

    expect(answer.flag).toBe("none");
    expect(answer.answer).toBe(
      `The notes have nothing on this.\n\n${GENERAL_KNOWLEDGE_LABEL.en}\nUse git reset --soft HEAD~1.`,
    );
  });

  it("labels the supplement in Japanese for a Japanese question and supplements a none flag", async () => {
    fake.setReply((req) =>
      promptText(req).includes("general-knowledge answer")
        ? "etcdは分散KVSです。"
        : "ノートには情報がありません。",
    );
    const answer = await makeAnswerer({ generalKnowledge: true }).answer("etcdとは？", []);

    expect(answer.flag).toBe("none");
    expect(answer.answer).toContain(GENERAL_KNOWLEDGE_LABEL.ja);
    expect(answer.answer.endsWith("etcdは分散KVSです。")).toBe(true);
  });

  it("adds nothing when the notes know the answer or when the option is off", async () => {
    fake.setReply(() => "Known from your notes [1].");
    const known = await makeAnswerer({ generalKnowledge: true }).answer("q", SOURCES);
    fake.setReply(replyByPrompt);
    const off = await makeAnswerer({ generalKnowledge: false }).answer("q", SOURCES);

    expect(known.flag).toBe("known");
    expect(known.answer).not.toContain("💡");
    expect(off.flag).toBe("unknown");
    expect(off.answer).not.toContain("💡");
    expect(fake.chatRequests()).toHaveLength(2);
  });

  it("streams the label and supplement after the notes answer", async () => {
    fake.setReply(replyByPrompt);
    const tokens: string[] = [];
    const answer = await makeAnswerer({ generalKnowledge: true }).stream("q", SOURCES, (t) =>
      tokens.push(t),
    );

    expect(tokens.join("")).toBe(answer.answer);
    expect(answer.answer).toContain(GENERAL_KNOWLEDGE_LABEL.en);
  });
});

describe("faults end in the extractive answer with a notice", () => {
  function expectFallback(answer: Awaited<ReturnType<Answerer["answer"]>>, reason: RegExp): void {
    expect(answer.mode).toBe("extractive");
    expect(answer.answer).toBe(`EXTRACTIVE: ${daemonSet.text}`);
    expect(answer.flag).toBe("known");
    const notice = answer.notices.at(-1) ?? "";
    expect(notice).toContain(`server ${fake.url}`);
    expect(notice).toContain(`model ${MODEL}`);
    expect(notice).toMatch(/showing the extractive answer/);
    expect(notice).toMatch(reason);
    expectNoKeyLeak(answer.notices);
  }

  function expectNoKeyLeak(notices: readonly string[]): void {
    for (const text of [...notices, ...logs]) {
      expect(text).not.toContain(SECRET_KEY);
      expect(text).not.toContain("MICHI-SECRET");
    }
  }

  it("retries a 500 a bounded number of times, without leaking a key the server echoes", async () => {
    fake.setMode({ kind: "error", status: 500, message: `upstream rejected key ${SECRET_KEY}` });
    const answer = await makeAnswerer().answer("q", SOURCES);

    expectFallback(answer, /server error \(HTTP 500.*\(3 attempts\)/);
    expect(fake.chatRequests()).toHaveLength(3);
    expect(logs.some((l) => l.includes("retrying"))).toBe(true);
  });

  it("waits for retry-after on a 429 and then answers normally", async () => {
    fake.setMode({ kind: "rate-limit", times: 1, retryAfter: "1" });
    const answer = await makeAnswerer().answer("q", SOURCES);

    expect(answer.mode).toBe("llm");
    expect(fake.chatRequests()).toHaveLength(2);
    // The wait follows the server's retry-after (1 s), not the 5 ms backoff.
    expect(logs).toEqual([expect.stringMatching(/rate limited \(HTTP 429\)\); retrying in 1 s$/)]);
  });

  it("falls back when 429s persist", async () => {
    fake.setMode({ kind: "rate-limit", times: 10, retryAfter: "0" });
    const answer = await makeAnswerer().answer("q", SOURCES);

    expectFallback(answer, /rate limited \(HTTP 429\) \(3 attempts\)/);
    expect(fake.chatRequests()).toHaveLength(3);
  });

  it("gives up at once when retry-after is longer than it is worth waiting", async () => {
    fake.setMode({ kind: "rate-limit", times: 10, retryAfter: "3600" });
    const answer = await makeAnswerer().answer("q", SOURCES);

    expectFallback(answer, /asks to wait 3600 s/);
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it("times out a server that never answers", { timeout: 15_000 }, async () => {
    fake.setMode("hang");
    const answer = await makeAnswerer({ timeoutMs: 300, maxRetries: 1 }).answer("q", SOURCES);

    expectFallback(answer, /no reply within 300 ms \(2 attempts\)/);
    expect(fake.chatRequests()).toHaveLength(2);
  });

  it("times out a hanging stream too", { timeout: 15_000 }, async () => {
    fake.setMode("hang");
    const tokens: string[] = [];
    const answer = await makeAnswerer({ timeoutMs: 300, maxRetries: 0 }).stream("q", SOURCES, (t) =>
      tokens.push(t),
    );

    expectFallback(answer, /no reply within 300 ms/);
    expect(tokens).toEqual([]);
  });

  it("falls back when the connection is refused", async () => {
    const refused = await getRefusedUrl();
    const answer = await makeAnswerer({ baseURL: refused }).answer("q", SOURCES);

    expect(answer.mode).toBe("extractive");
    const notice = answer.notices.at(-1) ?? "";
    expect(notice).toContain(`server ${refused}`);
    expect(notice).toContain(`model ${MODEL}`);
    expect(notice).toMatch(/cannot connect \(ECONNREFUSED\) \(3 attempts\)/);
    expectNoKeyLeak(answer.notices);
  });

  it.each([
    ["invalid JSON", "invalid-json"],
    ["a body without choices", "no-choices"],
    ["an empty reply", "empty-content"],
  ] as const)("retries and falls back on %s", async (_name, shape) => {
    fake.setMode({ kind: "malformed", shape });
    const answer = await makeAnswerer().answer("q", SOURCES);

    expectFallback(answer, /malformed/);
    expect(fake.chatRequests()).toHaveLength(3);
  });

  it("falls back on a malformed streamed reply", async () => {
    fake.setMode("malformed");
    const answer = await makeAnswerer({ maxRetries: 0 }).stream("q", SOURCES, () => {});

    expectFallback(answer, /malformed/);
  });

  it("does not retry an authentication failure and points at the key", async () => {
    fake.setMode({
      kind: "error",
      status: 401,
      message: `Incorrect API key provided: ${SECRET_KEY}`,
    });
    const answer = await makeAnswerer().answer("q", SOURCES);

    expectFallback(answer, /HTTP 401.*check the API key/);
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it("keeps the notes answer and adds a notice when only the general-knowledge call fails", async () => {
    // The notes answer succeeds; from then on the server fails.
    fake.setReply(() => {
      fake.setMode({ kind: "error", status: 503 });
      return "Not yet known in your notes [2].";
    });
    const answerer = makeAnswerer({ generalKnowledge: true, maxRetries: 0 });
    const answer = await answerer.answer("q", SOURCES);

    expect(answer.mode).toBe("llm");
    expect(answer.flag).toBe("unknown");
    expect(answer.answer).toBe("Not yet known in your notes [2].");
    expect(answer.notices.at(-1)).toMatch(/General knowledge unavailable .*HTTP 503/);
    expectNoKeyLeak(answer.notices);
  });
});
