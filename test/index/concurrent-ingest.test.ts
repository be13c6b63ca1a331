import { renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { openStore } from "../../src/index/store.js";
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

  it("a running app sees a note another process only renamed (no vector changed)", async () => {
    writeFileSync(
      path.join(ws.notes, "mesh.md"),
      "# Mesh\n\n- △ Istioのサービスメッシュはサイドカーで通信を制御する\n",
    );
    const reader = appFor();
    await reader.ingest();
    expect((await reader.search("Istioのサービスメッシュ", 3))[0]?.file).toBe("mesh.md");
    renameSync(path.join(ws.notes, "mesh.md"), path.join(ws.notes, "istio.md"));
    const writer = appFor();
    const summary = await writer.ingest();
    expect(summary.embedded).toBe(0);
    writer.close();
    const sources = await reader.search("Istioのサービスメッシュ", 3);
    // The renamed note first; the old name nowhere (runners-up from other notes may follow).
    expect(sources[0]?.file).toBe("istio.md");
    expect(sources.map((s) => s.file)).not.toContain("mesh.md");
    reader.close();
  });

  it("keeps keyword search current across its own ingests without rebuilding it", async () => {
    const app = appFor();
    await app.ingest();
    const rebuilds = vi.spyOn(await app.store(), "embeddedTexts");
    const files = async (q: string) => (await app.search(q, 3)).map((s) => s.file);
    expect(await files("Longhornのレプリカ数")).not.toContain("storage.md");
    writeFileSync(
      path.join(ws.notes, "storage.md"),
      "# Storage\n\n- X Longhornのレプリカ数をどう決めるか\n- O Rook は Ceph を動かす\n",
    );
    await app.ingest();
    expect((await files("Longhornのレプリカ数"))[0]).toBe("storage.md");
    renameSync(path.join(ws.notes, "storage.md"), path.join(ws.notes, "ceph.md"));
    writeFileSync(
      path.join(ws.notes, "ceph.md"),
      "# Storage\n\n- X Longhornのレプリカ数をどう決めるか\n- O Rook は Ceph をKubernetes上で動かす\n",
    );
    await app.ingest();
    const longhorn = await files("Longhornのレプリカ数");
    expect(longhorn[0]).toBe("ceph.md");
    expect(longhorn).not.toContain("storage.md");
    const rook = await app.search("RookはCephをKubernetes上で動かす", 3);
    expect(rook[0]?.text).toBe("Rook は Ceph をKubernetes上で動かす");
    expect(rebuilds).toHaveBeenCalledTimes(1);
    app.close();
  });

  it("an open reader sees a rebuild as soon as it empties the index", async () => {
    const reader = appFor();
    await reader.ingest();
    const store = await reader.store();
    expect(store.isStale()).toBe(false);
    const rebuilding = openStore(ws.data, store.embedder, { rebuild: true });
    expect(rebuilding.chunkCount()).toBe(0);
    expect(store.isStale()).toBe(true);
    rebuilding.close();
    reader.close();
  });
});
