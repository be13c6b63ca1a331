import { afterEach, describe, expect, it } from "vitest";
import { expectWellBehaved, type Harness, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("/ask", () => {
  it("answers with an embed flagged ✅ that cites the DaemonSet item, within the deadline", async () => {
    h = await startHarness();
    const interaction = await h.fake.slashCommand("ask", { question: "DaemonSetって何?" });
    const response = await interaction.response();
    expect([4, 5]).toContain(response.type);
    const message = await interaction.waitForOriginal();
    const embed = message.embeds[0] as Record<string, unknown>;
    expect(String(embed.title)).toMatch(/^✅/);
    expect(String(embed.description)).toContain("DaemonSetは各ノードに1つずつPodを配置する");
    const fields = embed.fields as { name: string; value: string }[];
    expect(fields[0]?.value).toContain("k8s-weekly-log-2.md › Pod関連:");
    expect(JSON.stringify(message.embeds)).not.toContain(h.ws.dir);
    await h.bot.idle();
    expectWellBehaved(h);
  });

  it("asks for the topic of a question that names none, with no flag and nothing to add as unknown", async () => {
    h = await startHarness();
    const interaction = await h.fake.slashCommand("ask", { question: "What is it used for?" });
    const message = await interaction.waitForOriginal();
    const embed = message.embeds[0] as Record<string, unknown>;
    expect(String(embed.description)).toContain("needs more context");
    // Not "🕳️ not in your notes": nothing was looked up, as the terminal says it.
    expect(String(embed.title)).not.toMatch(/🕳️|not in your notes/);
    const ids = JSON.stringify(message.components);
    expect(ids).not.toContain(`"unknown:${interaction.id}"`);
    await h.bot.idle();
    expectWellBehaved(h);
  });
});
