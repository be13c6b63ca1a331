import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MichiError } from "../../src/errors.js";
import { createOpenAIEmbeddings } from "../../src/index/openai-embeddings.js";
import {
  embedText,
  type FakeOpenAI,
  getRefusedUrl,
  startFakeOpenAI,
} from "../support/fake-openai.js";

const DIMENSION = 24;
const SECRET_KEY = "sk-test-EMBED-SECRET-55555";

let fake: FakeOpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI({ dimension: DIMENSION });
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.setMode("ok");
  fake.requests.length = 0;
});

describe("createOpenAIEmbeddings", () => {
  it("requests float vectors and returns the server's vectors in input order", async () => {
    const embeddings = createOpenAIEmbeddings({
      model: "fake-embed",
      apiKey: SECRET_KEY,
      baseURL: fake.url,
    });
    const texts = [
      "DaemonSetは各ノードに1つずつPodを配置する",
      "readinessProbe",
      "Service endpoints",
    ];

    const vectors = await embeddings.embedDocuments(texts);

    expect(vectors).toHaveLength(3);
    for (const [i, vector] of vectors.entries()) {
      expect(vector).toHaveLength(DIMENSION);
      expect(vector).toEqual(embedText(texts[i] ?? "", DIMENSION));
    }
    const body = fake.embeddingRequests()[0]?.body as { encoding_format?: string; model?: string };
    expect(body.encoding_format).toBe("float");
    expect(body.model).toBe("fake-embed");
    expect(fake.embeddingRequests()[0]?.headers.authorization).toBe(`Bearer ${SECRET_KEY}`);
  });

  it("embeds a query with float encoding too", async () => {
    const embeddings = createOpenAIEmbeddings({ model: "fake-embed", baseURL: fake.url });

    const vector = await embeddings.embedQuery("What is a DaemonSet?");

    expect(vector).toEqual(embedText("What is a DaemonSet?", DIMENSION));
    expect(fake.embeddingRequests()[0]?.body).toMatchObject({ encoding_format: "float" });
  });

  it("sends a placeholder key to a local server when no key is configured", async () => {
    await createOpenAIEmbeddings({ model: "fake-embed", baseURL: fake.url }).embedQuery("x");

    expect(fake.embeddingRequests()[0]?.headers.authorization).toBe("Bearer not-needed");
  });

  it("splits documents into batches of batchSize and keeps their order", async () => {
    const embeddings = createOpenAIEmbeddings({
      model: "fake-embed",
      baseURL: fake.url,
      batchSize: 2,
    });
    const texts = ["one", "two", "three", "four", "five"];

    const vectors = await embeddings.embedDocuments(texts);

    // Batches may be sent concurrently, so compare them regardless of arrival order.
    const batches = fake.embeddingRequests().map((r) => (r.body as { input: string[] }).input);
    expect(batches).toHaveLength(3);
    expect(
      [...batches].sort((a, b) => b.length - a.length || a.join().localeCompare(b.join())),
    ).toEqual([["one", "two"], ["three", "four"], ["five"]]);
    expect(vectors).toEqual(texts.map((t) => embedText(t, DIMENSION)));
  });

  it("makes no request for an empty document list", async () => {
    const vectors = await createOpenAIEmbeddings({
      model: "fake-embed",
      baseURL: fake.url,
    }).embedDocuments([]);

    expect(vectors).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it("fails with a MichiError naming server and model but not the key", async () => {
    fake.setMode({ kind: "error", status: 500, message: `backend refused key ${SECRET_KEY}` });
    const embeddings = createOpenAIEmbeddings({
      model: "fake-embed",
      apiKey: SECRET_KEY,
      baseURL: fake.url,
      maxRetries: 0,
    });

    const error = await embeddings.embedDocuments(["x"]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MichiError);
    const message = (error as MichiError).message;
    expect(message).toContain(`server ${fake.url}`);
    expect(message).toContain("model fake-embed");
    expect(message).toContain("HTTP 500");
    expect(message).not.toContain(SECRET_KEY);
  });

  it("fails with a MichiError when the connection is refused", async () => {
    const refused = await getRefusedUrl();
    const embeddings = createOpenAIEmbeddings({
      model: "fake-embed",
      baseURL: refused,
      maxRetries: 0,
    });

    const error = await embeddings.embedQuery("x").catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MichiError);
    expect((error as MichiError).message).toContain(`server ${refused}`);
  });

  it("fails with a MichiError when the reply carries no vectors", async () => {
    fake.setMode({ kind: "malformed", shape: "no-choices" });
    const embeddings = createOpenAIEmbeddings({
      model: "fake-embed",
      baseURL: fake.url,
      maxRetries: 0,
    });

    const error = await embeddings.embedDocuments(["x", "y"]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MichiError);
    expect((error as MichiError).message).toMatch(
      /Embedding failed \(server .*, model fake-embed\)/,
    );
  });

  it("bounds a hanging server: each attempt times out, then one MichiError after the retries", async () => {
    fake.setMode("hang");
    const embeddings = createOpenAIEmbeddings({
      model: "fake-embed",
      baseURL: fake.url,
      timeoutMs: 300,
      maxRetries: 1,
      retryDelayMs: 10,
    });

    const error = await embeddings.embedDocuments(["x"]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MichiError);
    expect((error as MichiError).message).toContain("no reply within 300 ms (2 attempts)");
    expect(fake.embeddingRequests()).toHaveLength(2);
  });

  it("retries a 500 and succeeds when the server recovers", async () => {
    fake.setMode({ kind: "error", status: 500, times: 1 });
    const embeddings = createOpenAIEmbeddings({
      model: "fake-embed",
      baseURL: fake.url,
      retryDelayMs: 10,
    });

    expect(await embeddings.embedQuery("x")).toEqual(embedText("x", DIMENSION));
    expect(fake.embeddingRequests()).toHaveLength(2);
  });

  it("stops at once, without retrying, when the caller's signal aborts", async () => {
    fake.setMode("hang");
    const embeddings = createOpenAIEmbeddings({ model: "fake-embed", baseURL: fake.url });

    const error = await embeddings
      .embedQueryWithin("x", AbortSignal.timeout(200))
      .catch((e: unknown) => e);

    expect((error as MichiError).message).toContain("no reply within the answer deadline");
    expect(fake.embeddingRequests()).toHaveLength(1);
  });
});
