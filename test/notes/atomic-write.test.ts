import { writeFileSync } from "node:fs";
import {
  chmod,
  lstat,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MichiError } from "../../src/errors.js";
import { editFileExactly, type WriteBytes, writeFileAtomic } from "../../src/notes/atomic-write.js";
import { appendInboxItem, setMarker } from "../../src/notes/edit.js";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "michi-atomic-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A disk that fails halfway through writing the temp file (ENOSPC, a crash). */
const failHalfway: WriteBytes = async (handle, data) => {
  await handle.write(data.subarray(0, Math.floor(data.length / 2)));
  throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
};

describe("writeFileAtomic", () => {
  it("replaces the file's content and keeps its permission bits", async () => {
    const path = join(dir, "k8s.md");
    await writeFile(path, "- X Pod\n");
    await chmod(path, 0o640);

    await writeFileAtomic(path, "- O Pod\n");

    expect(await readFile(path, "utf8")).toBe("- O Pod\n");
    expect((await stat(path)).mode & 0o777).toBe(0o640);
    expect(await readdir(dir)).toEqual(["k8s.md"]);
  });

  it("leaves the original intact and no temp file when the write fails midway", async () => {
    const path = join(dir, "k8s.md");
    const original = Buffer.from("\uFEFF# K8s\r\n- X Pod\r\n", "utf8");
    await writeFile(path, original);

    await expect(writeFileAtomic(path, "- O Pod\n", { writeBytes: failHalfway })).rejects.toThrow(
      MichiError,
    );

    expect((await readFile(path)).equals(original)).toBe(true);
    expect(await readdir(dir)).toEqual(["k8s.md"]);
  });
});

describe("editFileExactly", () => {
  it("keeps a BOM and CRLF byte for byte on disk", async () => {
    const path = join(dir, "k8s.md");
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    await writeFile(path, Buffer.concat([bom, Buffer.from("# K8s\r\n- XCNI\r\n", "utf8")]));

    const result = await editFileExactly(path, (current) => {
      expect(current.charCodeAt(0)).toBe(0xfeff);
      const offset = current.indexOf("XCNI");
      return setMarker(
        current,
        { line: 2, marker: { text: "X", offset, ambiguous: true } },
        "known",
      );
    });

    expect(result.changed).toBe(true);
    const expected = Buffer.concat([bom, Buffer.from("# K8s\r\n- OCNI\r\n", "utf8")]);
    expect((await readFile(path)).equals(expected)).toBe(true);
  });

  it("loses no update when 50 edits of one file run at once", async () => {
    const path = join(dir, "inbox.md");
    await writeFile(path, "# Inbox\n");

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        editFileExactly(path, (current) => `${current}- X 質問${i}\n`),
      ),
    );

    const text = await readFile(path, "utf8");
    for (let i = 0; i < 50; i++) expect(text.split("\n")).toContain(`- X 質問${i}`);
    expect(text.split("\n")).toHaveLength(52);
    expect(results.every((r) => r.changed)).toBe(true);
    expect(await readdir(dir)).toEqual(["inbox.md"]);
  });

  it("re-applies the edit on the new content when the file changes between read and write", async () => {
    const path = join(dir, "k8s.md");
    await writeFile(path, "- X Pod\n");
    const seen: string[] = [];

    const result = await editFileExactly(path, (current) => {
      seen.push(current);
      // Another program (an editor) saves while michi is between its read and its write.
      if (seen.length === 1) writeFileSync(path, `${current}- X Service\n`);
      return current.replace("- X Pod", "- O Pod");
    });

    expect(seen).toEqual(["- X Pod\n", "- X Pod\n- X Service\n"]);
    expect(result).toEqual({
      changed: true,
      before: "- X Pod\n- X Service\n",
      after: "- O Pod\n- X Service\n",
    });
    expect(await readFile(path, "utf8")).toBe("- O Pod\n- X Service\n");
  });

  it("gives up without overwriting when the file keeps changing", async () => {
    const path = join(dir, "k8s.md");
    await writeFile(path, "0\n");
    let calls = 0;

    await expect(
      editFileExactly(
        path,
        (current) => {
          calls++;
          writeFileSync(path, `${current}${calls}\n`);
          return `${current}mine\n`;
        },
        { maxAttempts: 3 },
      ),
    ).rejects.toThrow(MichiError);

    expect(calls).toBe(3);
    expect(await readFile(path, "utf8")).toBe("0\n1\n2\n3\n");
    expect(await readdir(dir)).toEqual(["k8s.md"]);
  });

  it("writes nothing when the edit returns null or the same text", async () => {
    const path = join(dir, "k8s.md");
    await writeFile(path, "- O Pod\n");
    const inode = (await stat(path)).ino;

    const none = await editFileExactly(path, () => null);
    const same = await editFileExactly(path, (current) => current);

    expect(none).toEqual({ changed: false, before: "- O Pod\n", after: "- O Pod\n" });
    expect(same.changed).toBe(false);
    // A rename would have put a new inode at the path.
    expect((await stat(path)).ino).toBe(inode);
  });

  it("leaves the note intact and no temp file when the write fails midway", async () => {
    const path = join(dir, "k8s.md");
    const original = Buffer.from("# K8s\n- X Pod\n", "utf8");
    await writeFile(path, original);

    const attempt = editFileExactly(path, (c) => c.replace("X", "O"), { writeBytes: failHalfway });

    await expect(attempt).rejects.toThrow(/k8s\.md.*left unchanged/);
    expect((await readFile(path)).equals(original)).toBe(true);
    expect(await readdir(dir)).toEqual(["k8s.md"]);
  });

  it("reports a missing note, and creates it only when asked to", async () => {
    const path = join(dir, "sub", "inbox.md");

    await expect(editFileExactly(path, () => "x")).rejects.toThrow(/Note not found/);
    const result = await editFileExactly(
      path,
      (current) => appendInboxItem(current, "## 2026-11-27", "CNIって何?"),
      { create: true },
    );

    expect(result.before).toBe("");
    expect(await readFile(path, "utf8")).toBe("# Inbox\n\n## 2026-11-27\n\n- X CNIって何?\n");
  });

  it("refuses to edit a note that is not UTF-8, leaving its bytes alone", async () => {
    const path = join(dir, "sjis.md");
    // "- X テスト" in Shift_JIS: decoding it as UTF-8 and writing back would corrupt it.
    const sjis = Buffer.from([0x2d, 0x20, 0x58, 0x20, 0x83, 0x65, 0x83, 0x58, 0x83, 0x67, 0x0a]);
    await writeFile(path, sjis);

    await expect(editFileExactly(path, (c) => c.replace("X", "O"))).rejects.toThrow(/UTF-8/);
    expect((await readFile(path)).equals(sjis)).toBe(true);
  });

  it("edits the file behind a symlink and keeps the link", async () => {
    const real = join(dir, "real.md");
    const link = join(dir, "link.md");
    await writeFile(real, "- X Pod\n");
    await symlink(real, link);

    await editFileExactly(link, (c) => c.replace("X", "O"));

    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(real, "utf8")).toBe("- O Pod\n");
  });

  it("passes on an edit's error and still runs the edits queued behind it", async () => {
    const path = join(dir, "k8s.md");
    await writeFile(path, "a\n");

    const failing = editFileExactly(path, () => {
      throw new MichiError("no such item");
    });
    const next = editFileExactly(path, (c) => `${c}b\n`);

    await expect(failing).rejects.toThrow("no such item");
    await expect(next).resolves.toMatchObject({ changed: true });
    expect(await readFile(path, "utf8")).toBe("a\nb\n");
  });
});
