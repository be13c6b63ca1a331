/** The bot's pure helpers: splitting, embeds within Discord's limits, rate limit, throttled edits. */
import { describe, expect, it } from "vitest";
import type { Answer, Source } from "../../src/ask/index.js";
import {
  buildAnswerMessages,
  buildDigestMessages,
  buildStreamingMessage,
  embedLength,
  sourcesField,
} from "../../src/discord/embeds.js";
import { inviteUrl } from "../../src/discord/invite.js";
import { LIMITS, truncate } from "../../src/discord/limits.js";
import { createRateLimiter } from "../../src/discord/rate-limit.js";
import { SAFE_MENTIONS, toEdit, toPayload, toReply } from "../../src/discord/send.js";
import { splitText } from "../../src/discord/split.js";
import { createThrottledEditor } from "../../src/discord/throttle.js";

function source(i: number, over: Partial<Source> = {}): Source {
  return {
    id: `id${i}`,
    kind: "item",
    file: "k8s/weekly.md",
    title: "Weekly",
    sectionPath: ["Pod関連"],
    line: 10 + i,
    status: "known",
    text: `item ${i} テキスト`,
    context: [],
    score: 0.9,
    ...over,
  };
}

function answer(over: Partial<Answer> = {}): Answer {
  return {
    question: "DaemonSetって何?",
    flag: "known",
    mode: "extractive",
    answer: "ノートでは「知っている」と記録されています",
    sources: [source(1)],
    notices: [],
    ...over,
  };
}

describe("splitText", () => {
  it("keeps short text whole", () => {
    expect(splitText("abc", 10)).toEqual(["abc"]);
  });

  it("breaks between paragraphs, then lines, then sentences, within the limit", () => {
    const text = `${"あ".repeat(60)}。\n\n${"い".repeat(60)}。\n${"う".repeat(60)}。${"え".repeat(30)}`;
    const parts = splitText(text, 100);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(100);
    expect(parts[0]).toBe(`${"あ".repeat(60)}。`);
    expect(parts.join("")).toBe(text.replace(/\s+/g, ""));
  });

  it("cuts words only as a last resort and never splits a surrogate pair", () => {
    const text = "😀".repeat(100);
    const parts = splitText(text, 33);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(33);
      expect(p).not.toMatch(/[\ud800-\udbff]$/);
    }
    expect(parts.join("")).toBe(text);
  });

  it("closes a code block cut in two and opens it again in the next part", () => {
    const code = Array.from({ length: 40 }, (_, i) => `echo line ${i}`).join("\n");
    const text = `Run this:\n\n\`\`\`sh\n${code}\n\`\`\`\n\nThen check the output.`;
    const parts = splitText(text, 200);
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(200);
      // Every part has balanced fences, so it renders on its own.
      expect((p.match(/^```/gm) ?? []).length % 2).toBe(0);
    }
    const echoed = parts.join("\n").match(/^echo line \d+$/gm);
    expect(echoed).toEqual(code.split("\n"));
    expect(parts.at(-1)).toMatch(/Then check the output\.$/);
  });

  it("truncate keeps within the limit with an ellipsis", () => {
    expect(truncate("abcdef", 4)).toBe("abc…");
    expect(truncate("😀😀😀", 4)).toBe("😀…");
  });
});

describe("answer messages", () => {
  it("colour, flag icon and label, sources with note › section:line", () => {
    const [message] = buildAnswerMessages(answer(), { key: "k1" });
    const embed = message?.embeds?.[0];
    expect(embed?.color).toBe(0x2ecc71);
    expect(embed?.title).toBe("✅ 知っている");
    expect(embed?.fields?.[0]?.value).toContain("✅ item 1 テキスト");
    expect(embed?.fields?.[0]?.value).toContain("k8s/weekly.md › Pod関連:11");
  });

  it("splits a long answer: each message within 4,096 per description and 6,000 in all", () => {
    const long = Array.from({ length: 400 }, (_, i) => `文${i}。`.repeat(8)).join("\n");
    const messages = buildAnswerMessages(
      answer({ answer: long, sources: Array.from({ length: 30 }, (_, i) => source(i)) }),
      { key: "k2" },
    );
    expect(messages.length).toBeGreaterThan(3);
    for (const m of messages) {
      const embeds = m.embeds ?? [];
      expect(embeds.reduce((n, e) => n + embedLength(e), 0)).toBeLessThanOrEqual(LIMITS.embedTotal);
      for (const e of embeds) {
        expect(e.description?.length ?? 0).toBeLessThanOrEqual(LIMITS.embedDescription);
        for (const f of e.fields ?? []) {
          expect(f.value.length).toBeLessThanOrEqual(LIMITS.embedFieldValue);
        }
      }
    }
    // The whole answer arrives, in order; the buttons are under the last part.
    const text = messages.map((m) => m.embeds?.[0]?.description ?? "").join("");
    expect(text.replace(/\n/g, "")).toBe(long.replace(/\n/g, ""));
    expect(messages.at(-1)?.components?.length).toBe(1);
    expect(messages[0]?.components).toBeUndefined();
  });

  it("caps the sources field at 1,024 characters and says how many were left out", () => {
    const many = Array.from({ length: 40 }, (_, i) => source(i, { text: "長い".repeat(60) }));
    const field = sourcesField(many, "ja");
    expect(field?.value.length).toBeLessThanOrEqual(1024);
    expect(field?.value).toMatch(/…ほか\d+件$/);
  });

  it("offers 'I learned this' on unknown / partial, 'Add to my unknowns' on none, 👍 / 👎 always", () => {
    const ids = (a: Answer) =>
      (buildAnswerMessages(a, { key: "K" }).at(-1)?.components ?? []).flatMap((row) =>
        row.components.map((c) => ("custom_id" in c ? c.custom_id : "")),
      );
    expect(ids(answer({ flag: "unknown", sources: [source(1, { status: "unknown" })] }))).toEqual([
      "learn:K",
      "fb:up:K",
      "fb:down:K",
    ]);
    expect(ids(answer({ flag: "none", sources: [] }))).toEqual([
      "unknown:K",
      "fb:up:K",
      "fb:down:K",
    ]);
    expect(ids(answer())).toEqual(["fb:up:K", "fb:down:K"]);
  });

  it("streams the end of a long text within the description limit", () => {
    const m = buildStreamingMessage("q", "x".repeat(10_000));
    expect(m.embeds?.[0]?.description?.length).toBeLessThanOrEqual(LIMITS.embedDescription);
  });

  it("the digest: the chart on the first message, the text split to fit", () => {
    const messages = buildDigestMessages("行\n".repeat(3000), Buffer.from("png"));
    expect(messages.length).toBeGreaterThan(1);
    expect(messages[0]?.files?.[0]?.name).toBe("progress.png");
    expect(messages[0]?.embeds?.[0]?.image?.url).toBe("attachment://progress.png");
    for (const m of messages) {
      expect(m.embeds?.[0]?.description?.length).toBeLessThanOrEqual(LIMITS.embedDescription);
    }
  });
});

describe("safe mentions", () => {
  it("every payload kind parses no mentions", () => {
    const message = { content: "@everyone <@&123> <@456>" };
    expect(toPayload(message).allowedMentions).toEqual({ parse: [], repliedUser: false });
    expect(toReply(message, true).allowedMentions).toBe(SAFE_MENTIONS);
    expect(toEdit(message).allowedMentions).toBe(SAFE_MENTIONS);
  });
});

describe("rate limiter", () => {
  it("lets a burst through, then one per refill interval, per user", () => {
    let t = 0;
    const limiter = createRateLimiter({ capacity: 2, refillMs: 1000, now: () => t });
    expect(limiter.take("a")).toBe(true);
    expect(limiter.take("a")).toBe(true);
    expect(limiter.take("a")).toBe(false);
    expect(limiter.retryAfterMs("a")).toBe(1000);
    expect(limiter.take("b")).toBe(true);
    t = 500;
    expect(limiter.take("a")).toBe(false);
    t = 1000;
    expect(limiter.take("a")).toBe(true);
    expect(limiter.take("a")).toBe(false);
  });
});

describe("throttled editor", () => {
  it("edits at most once per interval, never two at once, the latest text each time", async () => {
    const edits: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const editor = createThrottledEditor(
      async (text) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        edits.push(text);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
      },
      { intervalMs: 40 },
    );
    let text = "";
    for (let i = 0; i < 50; i++) {
      text += "x";
      editor.update(text);
      await new Promise((r) => setTimeout(r, 2));
    }
    await new Promise((r) => setTimeout(r, 60));
    await editor.finish();
    expect(maxInFlight).toBe(1);
    expect(edits.length).toBeLessThan(20);
    expect(edits.at(-1)).toBe(text);
  });
});

describe("invite", () => {
  it("asks for bot + applications.commands and only the permissions michi uses", () => {
    const url = new URL(inviteUrl("123456789012345678"));
    expect(url.searchParams.get("scope")).toBe("bot applications.commands");
    expect(url.searchParams.get("client_id")).toBe("123456789012345678");
    // View, Send, Embed, Attach, History, Create public threads, Send in threads.
    expect(BigInt(url.searchParams.get("permissions") ?? "0")).toBe(
      (1n << 10n) |
        (1n << 11n) |
        (1n << 14n) |
        (1n << 15n) |
        (1n << 16n) |
        (1n << 35n) |
        (1n << 38n),
    );
  });
});
