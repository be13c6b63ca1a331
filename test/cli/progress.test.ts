import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createIngestProgress } from "../../src/cli/progress.js";

function terminal(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 120 });
  let text = "";
  stream.on("data", (d: Buffer) => {
    text += d.toString();
  });
  return { stream, text: () => text };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("ingest progress display", () => {
  it("names each phase with how far it is, from reading to writing", () => {
    const out = terminal(true);
    const progress = createIngestProgress(out.stream, { delayMs: 0 });
    progress.onProgress({ phase: "read", done: 0, total: 5 * 1024 * 1024, file: "big.md" });
    expect(out.text()).toContain("reading and parsing");
    expect(out.text()).toContain("0.0/5.0 MB · big.md");
    progress.onProgress({ phase: "index", done: 512, total: 1000 });
    progress.onProgress({ phase: "embed", done: 1000, total: 1000 });
    progress.onProgress({ phase: "commit", done: 0, total: 1000 });
    progress.stop();
    expect(out.text()).toContain("writing the index");
  });

  it("shows a large read at once, before the note is parsed", () => {
    const out = terminal(true);
    const progress = createIngestProgress(out.stream);
    progress.onProgress({ phase: "read", done: 0, total: 5 * 1024 * 1024, file: "big.md" });
    expect(out.text()).toContain("reading and parsing");
    progress.stop();
  });

  it("shows a small run that is still going after the delay, with what it is doing", () => {
    vi.useFakeTimers();
    const out = terminal(true);
    const progress = createIngestProgress(out.stream, { delayMs: 1000 });
    progress.onProgress({ phase: "read", done: 0, total: 2048, file: "a.md" });
    progress.onProgress({ phase: "index", done: 0, total: 300 });
    expect(out.text()).toBe("");
    vi.advanceTimersByTime(1000);
    expect(out.text()).toContain("indexing");
    expect(out.text()).toContain("0/300 chunks");
    progress.stop();
  });

  it("stays silent when stderr is not a terminal, or the run ends before the delay", () => {
    const piped = terminal(false);
    const p1 = createIngestProgress(piped.stream, { delayMs: 0 });
    p1.onProgress({ phase: "read", done: 0, total: 50 * 1024 * 1024, file: "big.md" });
    p1.onProgress({ phase: "embed", done: 1000, total: 1000 });
    p1.stop();
    const short = terminal(true);
    const p2 = createIngestProgress(short.stream);
    p2.onProgress({ phase: "read", done: 0, total: 4096, file: "a.md" });
    p2.onProgress({ phase: "embed", done: 10, total: 10 });
    p2.stop();
    expect(piped.text()).toBe("");
    expect(short.text()).toBe("");
  });
});
