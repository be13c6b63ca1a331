/**
 * The history diffs an ingest's own item deltas instead of whole notes when it is synced with
 * the index the ingest started from. That shortcut must record exactly what the full diff
 * (snapshot against every indexed item) records, for any sequence of edits.
 */
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { type IngestSummary, ingest } from "../../src/index/ingest.js";
import { LocalEmbeddings } from "../../src/index/local-embeddings.js";
import { openStore, type Store } from "../../src/index/store.js";
import { type LearningEvent, openHistory } from "../../src/learning/history.js";
import { recordIngest } from "../../src/learning/record.js";

const embedder = new LocalEmbeddings();
const info = { name: embedder.info.signature, dimensions: embedder.info.dimensions };
const root = mkdtempSync(path.join(tmpdir(), "michi-deltas-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Marker = "O" | "△" | "X" | "";
interface ModelItem {
  readonly marker: Marker;
  readonly text: string;
  readonly sub: string | null;
}
type Model = Record<string, ModelItem[] | "unreadable">;

const TEXTS = ["Pod", "Deployment", "Serviceの役割", "DaemonSetは各ノード", "Ingress", "ConfigMap"];
const marker = fc.constantFrom<Marker>("O", "△", "X", "");
const text = fc.constantFrom(...TEXTS);
const file = fc.constantFrom("a.md", "b.md", "c.md");
const item = fc.record({ marker, text, sub: fc.option(text, { nil: null }) });

type Op =
  | { op: "mark"; file: string; at: number; marker: Marker }
  | { op: "reword"; file: string; at: number; text: string }
  | { op: "insert"; file: string; at: number; item: ModelItem }
  | { op: "delete"; file: string; at: number }
  | { op: "swap"; file: string; at: number }
  | { op: "sub"; file: string; at: number; sub: string | null }
  | { op: "unreadable"; file: string }
  | { op: "remove"; file: string };

const at = fc.nat({ max: 7 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("mark" as const), file, at, marker }),
  fc.record({ op: fc.constant("reword" as const), file, at, text }),
  fc.record({ op: fc.constant("insert" as const), file, at, item }),
  fc.record({ op: fc.constant("delete" as const), file, at }),
  fc.record({ op: fc.constant("swap" as const), file, at }),
  fc.record({ op: fc.constant("sub" as const), file, at, sub: fc.option(text, { nil: null }) }),
  fc.record({ op: fc.constant("unreadable" as const), file }),
  fc.record({ op: fc.constant("remove" as const), file }),
);

function apply(model: Model, change: Op): Model {
  const current = model[change.file];
  if (change.op === "remove") {
    const { [change.file]: _gone, ...rest } = model;
    return rest;
  }
  if (change.op === "unreadable") return { ...model, [change.file]: "unreadable" };
  const items = current === undefined || current === "unreadable" ? [] : [...current];
  const i = items.length === 0 ? 0 : change.at % items.length;
  const target = items[i];
  switch (change.op) {
    case "insert":
      items.splice(Math.min(change.at, items.length), 0, change.item);
      break;
    case "mark":
      if (target) items[i] = { ...target, marker: change.marker };
      break;
    case "reword":
      if (target) items[i] = { ...target, text: `${target.text}・${change.text}` };
      break;
    case "delete":
      items.splice(i, 1);
      break;
    case "swap": {
      const next = items[i + 1];
      if (target && next) items.splice(i, 2, next, target);
      break;
    }
    case "sub":
      if (target) items[i] = { ...target, sub: change.sub };
      break;
  }
  return { ...model, [change.file]: items };
}

function render(items: ModelItem[] | "unreadable"): string {
  if (items === "unreadable") return "---\ntitle: [broken\n---\n\n- X Pod\n";
  const lines = items.flatMap((it) => [
    `- ${it.marker ? `${it.marker} ` : ""}${it.text}`,
    ...(it.sub ? [`  - ${it.sub}`] : []),
  ]);
  return `# Note\n\n## Section\n\n${lines.join("\n")}\n`;
}

interface Workspace {
  readonly notesDir: string;
  readonly store: Store;
}

function createWorkspace(name: string): Workspace {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, "notes"), { recursive: true });
  return {
    notesDir: path.join(dir, "notes"),
    store: openStore(path.join(dir, "data"), info),
  };
}

let clock = 1_700_000_000;
function write(notesDir: string, model: Model): void {
  clock += 10;
  for (const name of ["a.md", "b.md", "c.md"]) {
    const target = path.join(notesDir, name);
    const items = model[name];
    if (items === undefined) {
      rmSync(target, { force: true });
      continue;
    }
    writeFileSync(target, render(items));
    // A marker flip keeps the size: a new mtime is what tells ingest to look.
    utimesSync(target, clock, clock);
  }
}

type Comparable = Omit<LearningEvent, "seq" | "at">;

async function step(
  ws: Workspace,
  useDeltas: boolean,
  now: Date,
): Promise<{ events: Comparable[]; summary: IngestSummary }> {
  const summary = await ingest({ notesDir: ws.notesDir, store: ws.store, embedder, workers: 0 });
  const history = openHistory(ws.store.db);
  const given = useDeltas ? summary : { ...summary, itemDeltas: undefined };
  const events = await recordIngest(history, ws.store, given, { notesDir: ws.notesDir, now });
  return { events: events.map(({ seq: _seq, at: _at, ...rest }) => rest), summary };
}

describe("recording an ingest from its item deltas", () => {
  let run = 0;
  it("records the same events and snapshot as diffing whole notes, for any edits", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(file, fc.array(item, { minLength: 1, maxLength: 6 })), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.array(fc.array(op, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }),
        async (initial, batches) => {
          run++;
          const fast = createWorkspace(`fast-${run}`);
          const full = createWorkspace(`full-${run}`);
          try {
            let model: Model = Object.fromEntries(initial);
            let now = new Date("2026-11-02T09:00:00Z");
            for (const batch of [[], ...batches]) {
              model = batch.reduce(apply, model);
              write(fast.notesDir, model);
              write(full.notesDir, model);
              const a = await step(fast, true, now);
              const b = await step(full, false, now);
              expect(a.events).toEqual(b.events);
              expect(openHistory(fast.store.db).snapshot()).toEqual(
                openHistory(full.store.db).snapshot(),
              );
              now = new Date(+now + 86_400_000);
            }
          } finally {
            fast.store.close();
            full.store.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);

  it("uses the deltas only when the history is synced with the ingest's starting point", async () => {
    const ws = createWorkspace("synced");
    try {
      write(ws.notesDir, { "a.md": [{ marker: "X", text: "Pod", sub: null }] });
      const first = await step(ws, true, new Date("2026-11-02T09:00:00Z"));
      expect(first.summary.itemDeltas.since).toBeNull();
      // A michi that crashed between committing an ingest and recording it leaves the
      // history behind the index: the next ingest's deltas start from the wrong state.
      write(ws.notesDir, { "a.md": [{ marker: "O", text: "Pod", sub: null }] });
      await ingest({ notesDir: ws.notesDir, store: ws.store, embedder, workers: 0 });
      write(ws.notesDir, {
        "a.md": [
          { marker: "O", text: "Pod", sub: null },
          { marker: "X", text: "Ingress", sub: null },
        ],
      });
      const late = await step(ws, true, new Date("2026-11-03T09:00:00Z"));
      expect(late.summary.itemDeltas.notes[0]?.before).toEqual([]);
      expect(late.events.map((e) => [e.kind, e.text, e.from, e.to])).toEqual([
        ["learned", "Pod", "unknown", "known"],
        ["added", "Ingress", null, "unknown"],
      ]);
    } finally {
      ws.store.close();
    }
  });

  it("diffs whole notes after a rebuild, whose deltas start from an emptied index", async () => {
    const ws = createWorkspace("rebuild");
    let rebuilt: Store | null = null;
    try {
      write(ws.notesDir, {
        "a.md": [
          { marker: "X", text: "Pod", sub: null },
          { marker: "O", text: "Ingress", sub: "ConfigMap" },
        ],
      });
      await step(ws, true, new Date("2026-11-02T09:00:00Z"));
      ws.store.close();
      write(ws.notesDir, {
        "a.md": [
          { marker: "O", text: "Pod", sub: null },
          { marker: "O", text: "Ingress", sub: "ConfigMap" },
        ],
      });
      rebuilt = openStore(path.join(ws.notesDir, "../data"), info, { rebuild: true });
      const again = await step(
        { notesDir: ws.notesDir, store: rebuilt },
        true,
        new Date("2026-11-03T09:00:00Z"),
      );
      expect(again.summary.rebuiltBecause).not.toBeNull();
      expect(again.events.map((e) => [e.kind, e.text])).toEqual([["learned", "Pod"]]);
    } finally {
      rebuilt?.close();
    }
  });

  it("keeps the stored headings in step with each re-read note", async () => {
    const ws = createWorkspace("headings");
    try {
      const headingsOf = () =>
        openHistory(ws.store.db)
          .headings()
          .map((h) => [h.text, h.itemCount]);
      write(ws.notesDir, { "a.md": [{ marker: "X", text: "Pod", sub: null }] });
      await step(ws, true, new Date("2026-11-02T09:00:00Z"));
      expect(headingsOf()).toEqual([["Section", 1]]);
      write(ws.notesDir, {
        "a.md": [
          { marker: "O", text: "Pod", sub: null },
          { marker: "X", text: "Ingress", sub: null },
        ],
      });
      await step(ws, true, new Date("2026-11-03T09:00:00Z"));
      expect(headingsOf()).toEqual([["Section", 2]]);
      writeFileSync(path.join(ws.notesDir, "a.md"), "# Note\n\n## Renamed\n\n- X Pod\n");
      clock += 10;
      utimesSync(path.join(ws.notesDir, "a.md"), clock, clock);
      await step(ws, true, new Date("2026-11-04T09:00:00Z"));
      expect(headingsOf()).toEqual([["Renamed", 1]]);
    } finally {
      ws.store.close();
    }
  });

  it("gives no deltas for a note that could not be read before or now", async () => {
    const ws = createWorkspace("unreadable");
    try {
      write(ws.notesDir, { "a.md": [{ marker: "X", text: "Pod", sub: null }] });
      await step(ws, true, new Date("2026-11-02T09:00:00Z"));
      write(ws.notesDir, { "a.md": "unreadable" });
      const broken = await step(ws, true, new Date("2026-11-03T09:00:00Z"));
      expect(broken.summary.itemDeltas.notes).toEqual([]);
      expect(broken.events).toEqual([]);
      write(ws.notesDir, { "a.md": [{ marker: "O", text: "Pod", sub: null }] });
      const fixed = await step(ws, true, new Date("2026-11-04T09:00:00Z"));
      expect(fixed.summary.itemDeltas.notes).toEqual([]);
      expect(fixed.events.map((e) => [e.kind, e.text])).toEqual([["learned", "Pod"]]);
      unlinkSync(path.join(ws.notesDir, "a.md"));
      const removed = await step(ws, true, new Date("2026-11-05T09:00:00Z"));
      expect(removed.summary.itemDeltas.notes.map((d) => d.before.length)).toEqual([1]);
      expect(removed.events.map((e) => [e.kind, e.text])).toEqual([["removed", "Pod"]]);
    } finally {
      ws.store.close();
    }
  });
});
