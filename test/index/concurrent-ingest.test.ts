import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { makeWorkspace, runChild } from "../support/cli.js";

let ws: ReturnType<typeof makeWorkspace>;
beforeEach(() => {
  ws = makeWorkspace();
});
afterEach(() => ws.cleanup());

const appFor = () => createApp(loadConfig({}, { notesDir: ws.notes, dataDir: ws.data }));

describe("several processes on one data directory", () => {
  it("serializes concurrent ingests so neither loses the other's work", async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `- X topic ${i} about schedulers\n`);
    writeFileSync(path.join(ws.notes, "big.md"), lines.join(""));
    const args = ["--notes", ws.notes, "--data", ws.data, "ingest", "--json"];
    const [a, b] = await Promise.all([
      runChild(args, { cwd: ws.dir }),
      runChild(args, { cwd: ws.dir }),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const summaries = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    // One did the work, the other found it done.
    expect(summaries.map((s) => s.embedded).sort((x, y) => x - y)).toEqual([
      0,
      summaries[0].chunks,
    ]);
    const app = appFor();
    const summary = await app.ingest();
    expect(summary.embedded).toBe(0);
    expect(summary.rebuiltBecause).toBeNull();
    const sources = await app.search("topic 2999 about schedulers", 3);
    expect(sources[0]?.text).toBe("topic 2999 about schedulers");
    app.close();
  });

  it("a running app sees what another process ingested", async () => {
    const reader = appFor();
    await reader.ingest();
    expect((await reader.search("Istioのサービスメッシュ", 3)).map((s) => s.file)).not.toContain(
      "istio.md",
    );
    writeFileSync(
      path.join(ws.notes, "istio.md"),
      "# Mesh\n\n- △ Istioのサービスメッシュはサイドカーで通信を制御する\n",
    );
    const writer = appFor();
    await writer.ingest();
    writer.close();
    const sources = await reader.search("Istioのサービスメッシュ", 3);
    expect(sources[0]).toMatchObject({ file: "istio.md", status: "partial" });
    reader.close();
  });
});
