/**
 * Fault 6 of issue 11: an editor's save landing between michi's last check and its rename was
 * lost while michi reported success. The `beforeRename` seam plays the editor at exactly that
 * moment; the old code had no such guard (the append was replaced by michi's text).
 */
import { execFile } from "node:child_process";
import { renameSync, writeFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { editFileExactly, WriteConflictError } from "../../src/notes/atomic-write.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "michi-lost-save-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ORIGINAL = "# Log\r\n- X Deployment\r\n- O Pod\r\n";
const APPEND = "- X an editor's line, saved mid-write\r\n";
const flip = (text: string) => text.replace("- X Deployment", "- O Deployment");

describe("a write that slips in between michi's check and its rename", () => {
  it("is detected: the editor's bytes are put back, michi reports a conflict, nothing is lost", async () => {
    const note = join(dir, "log.md");
    await writeFile(note, ORIGINAL);
    let hookRan = false;

    // As in the issue: michi's rename held for 400 ms, another process appends meanwhile (an
    // in-place save, as `>>` and many editors do).
    const outcome = await editFileExactly(note, flip, {
      beforeRename: async () => {
        hookRan = true;
        await promisify(execFile)(process.execPath, [
          "-e",
          `require("node:fs").appendFileSync(${JSON.stringify(note)}, ${JSON.stringify(APPEND)})`,
        ]);
        await new Promise((resolve) => setTimeout(resolve, 400));
      },
    }).catch((error: unknown) => error);

    expect(hookRan).toBe(true);
    expect(outcome).toBeInstanceOf(WriteConflictError);
    expect((outcome as Error).message).toContain("log.md was changed by another program");
    expect(await readFile(note, "utf8")).toBe(ORIGINAL + APPEND);
    expect((await readdir(dir)).sort()).toEqual(["log.md"]); // no temp or kept link left
  });

  it("hands the replaced bytes to keepReplaced before the rename", async () => {
    const note = join(dir, "log.md");
    await writeFile(note, ORIGINAL);
    const kept: (Buffer | null)[] = [];
    let keptBeforeRename = false;

    const result = await editFileExactly(note, flip, {
      keepReplaced: async (bytes) => {
        kept.push(bytes);
      },
      beforeRename: () => {
        keptBeforeRename = kept.length === 1;
      },
    });

    expect(result.changed).toBe(true);
    expect(keptBeforeRename).toBe(true);
    expect(kept[0]?.equals(Buffer.from(ORIGINAL))).toBe(true);
    expect(await readFile(note, "utf8")).toBe(flip(ORIGINAL));
    expect((await readdir(dir)).sort()).toEqual(["log.md"]);
  });

  it("when creating a note, never replaces one that appeared meanwhile", async () => {
    const note = join(dir, "inbox.md");
    const outcome = await editFileExactly(note, (text) => `${text}- X new\n`, {
      create: true,
      maxAttempts: 1,
      beforeRename: () => writeFileSync(note, "- X written by hand\n"),
    }).catch((error: unknown) => error);

    expect(outcome).toBeInstanceOf(Error);
    expect(await readFile(note, "utf8")).toBe("- X written by hand\n");
  });

  it("re-applies the edit when another program replaced the note before the last check", async () => {
    const note = join(dir, "log.md");
    await writeFile(note, ORIGINAL);
    let first = true;

    const result = await editFileExactly(note, (text) => {
      if (first) {
        first = false;
        // An editor's atomic save (its own temp file renamed over the note) right after our read.
        writeFileSync(join(dir, ".editor.tmp"), ORIGINAL + APPEND);
        renameSync(join(dir, ".editor.tmp"), note);
      }
      return flip(text);
    });

    expect(result.changed).toBe(true);
    expect(await readFile(note, "utf8")).toBe(flip(ORIGINAL + APPEND));
  });
});
