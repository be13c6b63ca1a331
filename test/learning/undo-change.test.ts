/**
 * `undoChange(id)`: undoes exactly the change a reply was about (Discord's Undo button), and
 * only while it is the newest change not undone; `undo()` keeps going back one change at a time.
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { openHistoryFile } from "../../src/learning/history.js";
import type { StatusChangeOutcome, UnknownOutcome } from "../../src/learning/service.js";
import { makeWorkspace } from "../support/cli.js";

const NOTE = "k8s-weekly-log-2.md";

let ws: ReturnType<typeof makeWorkspace>;
let app: App;

beforeEach(() => {
  ws = makeWorkspace();
  const config = loadConfig(
    { MICHI_TIMEZONE: "Asia/Tokyo" },
    { notesDir: ws.notes, dataDir: ws.data },
  );
  app = createApp(config, { now: () => new Date("2026-11-16T01:00:00Z") });
});
afterEach(async () => {
  await app.close();
  ws.cleanup();
});

const notePath = () => path.join(ws.notes, NOTE);
const noteBytes = () => readFileSync(notePath());

function changeIdOf(outcome: StatusChangeOutcome | UnknownOutcome): string {
  if (outcome.kind !== "changed" && outcome.kind !== "added") {
    throw new Error(`expected a change, got ${outcome.kind}`);
  }
  return outcome.changeId;
}

describe("undoChange", () => {
  it("puts back exactly that change, byte for byte, with undo events", async () => {
    const original = noteBytes();
    const id = changeIdOf(await app.learned("Deployment", { note: "ReplicaSetを管理する" }));
    expect(noteBytes().equals(original)).toBe(false);

    const outcome = await app.undoChange(id);

    expect(outcome).toMatchObject({
      kind: "undone",
      change: { id, file: NOTE, command: "learned: Deploymentが何かは忘れた" },
      events: [{ origin: "undo", from: "known", to: "unknown", text: "Deploymentが何かは忘れた" }],
    });
    expect(noteBytes().equals(original)).toBe(true);
    expect(await app.undo()).toEqual({ kind: "nothing" });
  });

  it("refuses once a later change was made, even one that wrote the very same bytes", async () => {
    const original = noteBytes();
    const first = changeIdOf(await app.learned("Deployment"));
    const learnedBytes = noteBytes();
    changeIdOf(await app.mark("Deploymentが何かは忘れた", "unknown"));
    expect(noteBytes().equals(original)).toBe(true);
    const third = changeIdOf(await app.learned("Deployment"));
    // The note holds exactly what the first change wrote: only the journal tells them apart.
    expect(noteBytes().equals(learnedBytes)).toBe(true);

    const outcome = await app.undoChange(first);

    expect(outcome).toMatchObject({
      kind: "not-last",
      change: { id: first },
      newest: { id: third, command: "learned: Deploymentが何かは忘れた" },
    });
    expect(noteBytes().equals(learnedBytes)).toBe(true);
    // The newest change itself can be undone by its id.
    expect(await app.undoChange(third)).toMatchObject({ kind: "undone" });
    expect(noteBytes().equals(original)).toBe(true);
  });

  it("undoes a change again once the later ones are undone", async () => {
    const original = noteBytes();
    const first = changeIdOf(await app.learned("Deployment"));
    const afterFirst = noteBytes();
    changeIdOf(await app.mark("kubeletの役割", "partial"));
    expect((await app.undoChange(first)).kind).toBe("not-last");
    expect(noteBytes().equals(afterFirst)).toBe(false);

    expect((await app.undo()).kind).toBe("undone");
    expect(noteBytes().equals(afterFirst)).toBe(true);
    expect((await app.undoChange(first)).kind).toBe("undone");
    expect(noteBytes().equals(original)).toBe(true);
  });

  it("says a change was undone already, or is unknown, and writes nothing", async () => {
    const id = changeIdOf(await app.learned("Deployment"));
    expect((await app.undoChange(id)).kind).toBe("undone");
    const undone = noteBytes();
    // A later change of another item: pressing the old button again still names the old change.
    changeIdOf(await app.mark("kubeletの役割", "partial"));
    const later = noteBytes();

    expect(await app.undoChange(id)).toMatchObject({ kind: "already-undone", change: { id } });
    expect(await app.undoChange("2026-11-16T01:00:00.000Z-00000000")).toEqual({
      kind: "unknown-change",
      id: "2026-11-16T01:00:00.000Z-00000000",
    });
    expect(noteBytes().equals(later)).toBe(true);
    expect(undone.equals(later)).toBe(false);
  });

  it("refuses when the note was edited since, naming the kept version, and leaves it alone", async () => {
    const original = noteBytes();
    const id = changeIdOf(await app.learned("Deployment"));
    appendFileSync(notePath(), "- X typed by hand\n");
    const edited = noteBytes();

    const outcome = await app.undoChange(id);

    expect(outcome.kind).toBe("refused");
    if (outcome.kind !== "refused") return;
    expect(outcome.change.id).toBe(id);
    expect(outcome.kept).not.toBeNull();
    expect(readFileSync(outcome.kept ?? "").equals(original)).toBe(true);
    expect(noteBytes().equals(edited)).toBe(true);
  });

  it("two presses at once undo the change once; the other says it is undone already", async () => {
    const original = noteBytes();
    const id = changeIdOf(await app.learned("Deployment"));

    const outcomes = await Promise.all([app.undoChange(id), app.undoChange(id)]);

    expect(outcomes.map((o) => o.kind).sort()).toEqual(["already-undone", "undone"]);
    expect(noteBytes().equals(original)).toBe(true);
    const events = openHistoryFile(ws.data).eventsBetween(new Date(0), new Date(8.64e15));
    expect(events.filter((e) => e.origin === "undo")).toHaveLength(1);
  });

  it("undoes an added unknown by removing the inbox michi created", async () => {
    const id = changeIdOf(await app.unknown("Istioのサービスメッシュ"));
    const inbox = path.join(ws.notes, "inbox.md");
    expect(existsSync(inbox)).toBe(true);

    expect(await app.undoChange(id)).toMatchObject({
      kind: "undone",
      change: { file: "inbox.md", before: null },
      events: [{ origin: "undo", from: "unknown", to: null }],
    });
    expect(existsSync(inbox)).toBe(false);
  });
});
