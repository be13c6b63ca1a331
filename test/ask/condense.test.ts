import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { condenseQuestion } from "../../src/ask/condense.js";
import { createChatModel } from "../../src/ask/llm.js";
import { createChatHistory, type Turn } from "../../src/ask/turns.js";
import {
  type ChatRequest,
  type FakeOpenAI,
  getRefusedUrl,
  promptText,
  startFakeOpenAI,
} from "../support/fake-openai.js";

const SECRET_KEY = "sk-test-CONDENSE-SECRET-987654";

const HISTORY: readonly Turn[] = [
  {
    question: "DaemonSetとは？",
    answer: "ノートによると、DaemonSetは各ノードに1つずつPodを配置します [1]。",
  },
];

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
  fake.requests.length = 0;
  logs = [];
});

function deps(overrides: { baseURL?: string; timeoutMs?: number } = {}) {
  return {
    chat: createChatModel({
      model: "fake-chat",
      apiKey: SECRET_KEY,
      baseURL: overrides.baseURL ?? fake.url,
      timeoutMs: overrides.timeoutMs ?? 2_000,
    }),
    log: (msg: string) => logs.push(msg),
    ...(overrides.timeoutMs === undefined ? {} : { timeoutMs: overrides.timeoutMs }),
  };
}

describe("condenseQuestion", () => {
  it("returns the follow-up unchanged without calling the model when there is no history", async () => {
    const question = await condenseQuestion(deps(), [], "それはどのノードに置かれる？");

    expect(question).toBe("それはどのノードに置かれる？");
    expect(fake.requests).toHaveLength(0);
  });

  it("sends the conversation and follow-up and returns the model's standalone question", async () => {
    let prompt = "";
    fake.setReply((req: ChatRequest) => {
      prompt = promptText(req);
      return "DaemonSetのPodはどのノードに置かれますか？";
    });

    const question = await condenseQuestion(deps(), HISTORY, "それはどのノードに置かれる？");

    expect(question).toBe("DaemonSetのPodはどのノードに置かれますか？");
    expect(prompt).toContain("User: DaemonSetとは？");
    expect(prompt).toContain(
      "Assistant: ノートによると、DaemonSetは各ノードに1つずつPodを配置します [1]。",
    );
    expect(prompt).toContain("Follow-up question: それはどのノードに置かれる？");
    expect(prompt).toContain("write it in Japanese");
  });

  it("asks for English for an English follow-up and strips labels and quotes from the reply", async () => {
    let prompt = "";
    fake.setReply((req) => {
      prompt = promptText(req);
      return 'Standalone question: "Which nodes does a DaemonSet place Pods on?"\n';
    });
    const history: Turn[] = [{ question: "What is a DaemonSet?", answer: "One Pod per node [1]." }];

    const question = await condenseQuestion(deps(), history, "and which nodes?");

    expect(question).toBe("Which nodes does a DaemonSet place Pods on?");
    expect(prompt).toContain("write it in English");
    expect(prompt).not.toContain("write it in Japanese");
  });

  it("falls back to the follow-up and logs when the server fails, without leaking the key", async () => {
    fake.setMode({ kind: "error", status: 500, message: `bad key ${SECRET_KEY}` });

    const question = await condenseQuestion(deps(), HISTORY, "それは？");

    expect(question).toBe("それは？");
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/HTTP 500/);
    expect(logs.join("\n")).not.toContain(SECRET_KEY);
  });

  it("falls back to the follow-up when the connection is refused", async () => {
    const question = await condenseQuestion(
      deps({ baseURL: await getRefusedUrl() }),
      HISTORY,
      "それは？",
    );

    expect(question).toBe("それは？");
    expect(logs[0]).toMatch(/using it as asked/);
  });

  it("falls back to the follow-up when the server never answers", { timeout: 10_000 }, async () => {
    fake.setMode("hang");

    const question = await condenseQuestion(deps({ timeoutMs: 300 }), HISTORY, "それは？");

    expect(question).toBe("それは？");
    expect(logs).toHaveLength(1);
  });

  it("falls back to the follow-up when the model replies with nothing", async () => {
    fake.setReply(() => "   ");

    const question = await condenseQuestion(deps(), HISTORY, "それは？");

    expect(question).toBe("それは？");
    expect(logs[0]).toMatch(/empty/);
  });
});

describe("createChatHistory", () => {
  const turn = (n: number): Turn => ({ question: `q${n}`, answer: `a${n}` });

  it("keeps only the last maxTurns turns, oldest first", () => {
    let history = createChatHistory(2);
    for (const n of [1, 2, 3]) history = history.add(turn(n));

    expect(history.turns).toEqual([turn(2), turn(3)]);
    expect(history.maxTurns).toBe(2);
  });

  it("never changes an existing history value", () => {
    const empty = createChatHistory(3);
    const one = empty.add(turn(1));
    const cleared = one.clear();

    expect(empty.turns).toEqual([]);
    expect(one.turns).toEqual([turn(1)]);
    expect(cleared.turns).toEqual([]);
    expect(cleared.maxTurns).toBe(3);
  });

  it("keeps nothing when maxTurns is 0", () => {
    expect(createChatHistory(0).add(turn(1)).turns).toEqual([]);
  });
});
