import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createIngestProgress } from "../../src/cli/progress.js";

function terminal(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 80 });
  let text = "";
  stream.on("data", (d: Buffer) => {
    text += d.toString();
  });
  return { stream, text: () => text };
}

describe("ingest progress bar", () => {
  it("draws a bar on a terminal for a long embedding run", () => {
    const out = terminal(true);
    const progress = createIngestProgress(out.stream);
    progress.onProgress({ phase: "embed", done: 256, total: 1000 });
    progress.onProgress({ phase: "embed", done: 1000, total: 1000 });
    progress.stop();
    expect(out.text()).toContain("embedding");
    expect(out.text()).toContain("1000/1000");
  });

  it("stays silent when stderr is not a terminal or the run is short", () => {
    const piped = terminal(false);
    const p1 = createIngestProgress(piped.stream);
    p1.onProgress({ phase: "embed", done: 1000, total: 1000 });
    p1.stop();
    const short = terminal(true);
    const p2 = createIngestProgress(short.stream);
    p2.onProgress({ phase: "embed", done: 10, total: 10 });
    p2.stop();
    expect(piped.text()).toBe("");
    expect(short.text()).toBe("");
  });
});
