import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { makeWorkspace, runChild, runInProcess } from "../support/cli.js";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ENV = { MICHI_TIMEZONE: "Asia/Tokyo" };

let ws: ReturnType<typeof makeWorkspace>;
beforeEach(() => {
  ws = makeWorkspace();
});
afterEach(() => ws.cleanup());

const notePath = () => path.join(ws.notes, "k8s-weekly-log-2.md");
const michi = (...args: string[]) =>
  runInProcess(["--notes", ws.notes, "--data", ws.data, ...args], { cwd: ws.dir, env: ENV });
/** A note of unknown Helm items, several of which the topic "Helm" names; returns its path. */
const writeHelmNote = (...items: string[]) => {
  const helm = path.join(ws.notes, "helm.md");
  writeFileSync(helm, `# Helm\n\n${items.map((item) => `- X ${item}\n`).join("")}`);
  return helm;
};
/** Today's date in Tokyo, as `learned --note` writes it. */
const today = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tokyo" }).format(new Date());

describe("michi learned", () => {
  it("with an ambiguous topic in a non-TTY run, lists the candidates, exits 1 and changes nothing", async () => {
    const before = readFileSync(notePath());
    const run = await michi("learned", "Pod");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('"Pod" does not name one item clearly; nothing was changed');
    expect(run.stderr).toMatch(/ {2}1\. .*Pod/);
    expect(run.stderr).toMatch(/ {2}3\. .*Pod/);
    expect(run.stderr).toMatch(/^ {5}k8s-weekly-log-2\.md › Pod関連:\d+$/m);
    expect(run.stderr).toContain("--pick");
    expect(readFileSync(notePath()).equals(before)).toBe(true);
    const status = JSON.parse((await michi("status", "--json")).stdout);
    expect(status.history.events).toBe(0);
  });

  it("as the real command, exits non-zero on an ambiguous topic", async () => {
    const before = readFileSync(notePath());
    const run = await runChild(["learned", "Pod"], { cwd: ws.dir, env: ENV, input: "" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("does not name one item clearly");
    expect(readFileSync(notePath()).equals(before)).toBe(true);
  });

  it('marks "Deployment" known with a note, changing only that marker and adding the line', async () => {
    const before = readFileSync(notePath(), "utf8");
    const run = await michi(
      "learned",
      "Deployment",
      "--note",
      "ReplicaSetを管理してローリングアップデートする",
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Deploymentが何かは忘れた: unknown → known");
    const expected = before.replace(
      "- X Deploymentが何かは忘れた\n",
      `- O Deploymentが何かは忘れた\n  - learned ${today()}: ReplicaSetを管理してローリングアップデートする\n`,
    );
    expect(expected).not.toBe(before);
    expect(readFileSync(notePath()).equals(Buffer.from(expected, "utf8"))).toBe(true);

    const ask = await michi("ask", "--json", "Deploymentとは何ですか");
    const answer = JSON.parse(ask.stdout);
    expect(answer.flag).toBe("known");
    expect(answer.sources[0]).toMatchObject({ text: "Deploymentが何かは忘れた", status: "known" });
  });

  it("takes candidate N with --pick and reports JSON", async () => {
    const listed = JSON.parse((await michi("learned", "Pod", "--json")).stdout);
    expect(listed.kind).toBe("ambiguous");
    const second = listed.candidates[1];
    expect(second.pick).toBe(2);
    expect(second.file).toBe("k8s-weekly-log-2.md");
    const run = await michi("learned", "Pod", "--pick", "2", "--json");
    expect(run.code).toBe(0);
    const outcome = JSON.parse(run.stdout);
    expect(outcome).toMatchObject({ kind: "changed", to: "known", item: { id: second.id } });
    expect(readFileSync(notePath(), "utf8").split("\n")[second.line - 1]).toMatch(/^- O Pod/);
  });

  it("keeps the numbers of a listed topic after a --pick, so the next --pick takes the item shown", async () => {
    const helm = writeHelmNote(
      "Helm charts and their templates",
      "Helm hooks",
      "Helm values files",
    );
    const listed = JSON.parse((await michi("learned", "Helm", "--json")).stdout);
    expect(listed.kind).toBe("ambiguous");
    const shown = listed.candidates.map((c: { text: string }) => c.text);
    expect(shown).toHaveLength(3);
    // The user takes the first and then the second item of the list they were shown.
    expect((await michi("learned", "Helm", "--pick", "1")).code).toBe(0);
    const second = await michi("learned", "Helm", "--pick", "2", "--json");
    expect(JSON.parse(second.stdout)).toMatchObject({ kind: "changed", item: { text: shown[1] } });
    const lines = readFileSync(helm, "utf8").split("\n");
    const third = lines.find((l) => l.endsWith(shown[2]));
    expect(third).toBe(`- X ${shown[2]}`);
  });

  it("takes --pick N from the list shown, also when the notes changed since it was listed", async () => {
    const helm = writeHelmNote(
      "Helm charts and their templates",
      "Helm hooks",
      "Helm values files",
    );
    const listed = JSON.parse((await michi("learned", "Helm", "--json")).stdout);
    const shown = listed.candidates.map((c: { text: string }) => c.text);
    expect(shown).toHaveLength(3);
    // An edit adds an item the topic names better than the others, before the user picks.
    writeFileSync(
      helm,
      readFileSync(helm, "utf8").replace("# Helm\n\n", "# Helm\n\n- X Helm CLI\n"),
    );
    const edited = readFileSync(helm, "utf8");
    const run = await michi("learned", "Helm", "--pick", "2");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`${shown[1]}: unknown → known`);
    expect(readFileSync(helm, "utf8")).toBe(
      edited.replace(`- X ${shown[1]}\n`, `- O ${shown[1]}\n`),
    );
  });

  it("refuses --pick N when the item shown as N is gone from the notes, changing nothing", async () => {
    const helm = writeHelmNote("Helm hooks", "Helm values files");
    const listed = JSON.parse((await michi("learned", "Helm", "--json")).stdout);
    const first = listed.candidates[0].text;
    writeFileSync(helm, readFileSync(helm, "utf8").replace(`- X ${first}\n`, ""));
    const before = readFileSync(helm);
    const run = await michi("learned", "Helm", "--pick", "1");
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `michi: --pick 1: "${first}", as listed for "Helm", is no longer in your notes; nothing was changed. Run michi learned "Helm" to list the items again.\n`,
    );
    expect(readFileSync(helm).equals(before)).toBe(true);
  });

  it("refuses a --pick N other than 1 when the topic names one item clearly (no list was shown)", async () => {
    const before = readFileSync(notePath());
    for (const args of [
      ["mark", "kubeletの役割", "--status", "known", "--pick", "3"],
      ["learned", "Deployment", "--pick", "2"],
      ["learned", "DaemonSet", "--pick", "2"],
    ]) {
      const run = await michi(...args);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /^michi: --pick \d: "[^"]+" names one item clearly \(k8s-weekly-log-2\.md:\d+, .+\), so there is no list to pick from; run it without --pick\.$/m,
      );
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(readFileSync(notePath()).equals(before)).toBe(true);
    // --pick 1 is the item the topic names.
    const one = await michi("learned", "Deployment", "--pick", "1");
    expect(one.stdout).toContain("Deploymentが何かは忘れた: unknown → known");
  });

  it("suggests, under an unknown answer, a shell command that marks exactly that item", async () => {
    const job = path.join(ws.notes, "k8s-jobs.md");
    const item = "Jobの `backoffLimit` と `activeDeadlineSeconds` のどちらが先に効くのか $HOME";
    writeFileSync(job, `# Jobs\n\n- X ${item}\n- O Jobの \`backoffLimit\` の既定値は6\n`);
    const ask = await michi("ask", "JobのbackoffLimitとactiveDeadlineSecondsはどちらが先に効く?");
    expect(ask.stdout).toMatch(/^❓/);
    const hint = /^→ learned it\? michi (learned .*)$/m.exec(ask.stdout)?.[1];
    expect(hint).toBeDefined();
    // The words a shell passes to michi when the user pastes the line.
    const argv = execFileSync("bash", ["-c", `printf '%s\\0' ${hint}`], { encoding: "utf8" })
      .split("\0")
      .slice(0, -1);
    const before = readFileSync(job, "utf8");
    const run = await michi(...argv);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(job, "utf8")).toBe(before.replace(`- X ${item}`, `- O ${item}`));
  });

  it("suggests learned under a partial answer too, as Discord's button does", async () => {
    const ask = await michi("ask", "Pod作成時の特殊なコンテナ");
    expect(ask.stdout).toMatch(/^🔺/);
    expect(ask.stdout).toContain(
      '→ learned it? michi learned "Pod作成時には特殊なコンテナを作るらしい事は知っているが、どんな名前でどんな役割かは忘れた・知らない"',
    );
  });

  it("rejects a --pick beyond the candidates in one line, changing nothing", async () => {
    const before = readFileSync(notePath());
    const run = await michi("learned", "Pod", "--pick", "99");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^michi: --pick 99: there are \d+ candidates for "Pod"; pick 1 to \d+\.$/m,
    );
    expect(readFileSync(notePath()).equals(before)).toBe(true);
  });

  it('says "DaemonSet" is already known, line 34, and changes no byte', async () => {
    const before = readFileSync(notePath());
    for (const args of [
      ["learned", "DaemonSet"],
      ["mark", "DaemonSet", "--status", "known"],
    ]) {
      const run = await michi(...args);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        "already known: line 34, DaemonSetは各ノードに1つずつPodを配置するという認識",
      );
      expect(readFileSync(notePath()).equals(before)).toBe(true);
    }
  });

  it("mark --status partial --pick 1 on an already partial item says so and changes nothing", async () => {
    const before = readFileSync(notePath());
    for (const args of [
      ["mark", "Pod作成時", "--status", "partial"],
      ["mark", "Pod作成時", "--status", "partial", "--pick", "1"],
    ]) {
      const run = await michi(...args);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("already partial: line 28");
    }
    expect(readFileSync(notePath()).equals(before)).toBe(true);
  });

  it("says when nothing matches and exits 1", async () => {
    const before = readFileSync(notePath());
    const run = await michi("learned", "Helmチャート");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No item matches "Helmチャート"; nothing was changed.');
    expect(readFileSync(notePath()).equals(before)).toBe(true);
  });
});

describe("full-width markers", () => {
  it("reads Ｘ / Ｏ typed in full-width mode as markers, and learned keeps the note's full-width family", async () => {
    const note = path.join(ws.notes, "zenkaku.md");
    writeFileSync(note, "# 全角\n\n- Ｘ　Ingressの仕組み\n- Ｏ Serviceの種類\n- ＸＣＯＤＥの話\n");
    const ask = JSON.parse((await michi("ask", "--json", "Ingressの仕組み")).stdout);
    expect(ask.flag).toBe("unknown");
    expect(ask.sources[0]).toMatchObject({ text: "Ingressの仕組み", status: "unknown" });
    expect((await michi("learned", "Ingressの仕組み")).code).toBe(0);
    expect((await michi("mark", "Serviceの種類", "--status", "partial")).code).toBe(0);
    // Only the marker changed; a full-width word that merely starts with Ｘ stays a word.
    expect(readFileSync(note, "utf8")).toBe(
      "# 全角\n\n- Ｏ　Ingressの仕組み\n- △ Serviceの種類\n- ＸＣＯＤＥの話\n",
    );
  });
});

describe("michi mark and unknown", () => {
  it("sets a status with mark, and rejects an unknown status", async () => {
    const run = await michi("mark", "Deploymentが何か", "--status", "partial");
    expect(run.code).toBe(0);
    expect(readFileSync(notePath(), "utf8")).toContain("- △ Deploymentが何かは忘れた\n");
    const bad = await michi("mark", "Deployment", "--status", "learned");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--status: expected known, partial or unknown");
  });

  it("adds an unknown to notes/inbox.md under today's date", async () => {
    const run = await michi("unknown", "Ingressの仕組み");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("added: Ingressの仕組み");
    expect(readFileSync(path.join(ws.notes, "inbox.md"), "utf8")).toBe(
      `# Inbox\n\n## ${today()}\n\n- X Ingressの仕組み\n`,
    );
    const digest = JSON.parse((await michi("digest", "--json")).stdout);
    expect(digest.unknownsAdded).toMatchObject([
      { text: "Ingressの仕組み", origin: "command", file: "inbox.md" },
    ]);
  });
});

describe("michi unknown into a linked inbox", () => {
  it("refuses an inbox.md that is a symbolic link (ingest skips it), writing nothing", async () => {
    const outside = path.join(ws.dir, "outside.md");
    writeFileSync(outside, "# Outside\n");
    symlinkSync(outside, path.join(ws.notes, "inbox.md"));
    const run = await michi("unknown", "Helm");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^michi: inbox\.md is a symbolic link: .+\n$/);
    expect(readFileSync(outside, "utf8")).toBe("# Outside\n");
  });
});

describe("michi unknown --force", () => {
  it("warns instead of adding a topic the notes mark known, and adds it with --force", async () => {
    const topic = "DaemonSetは各ノードに1つずつPodを配置するという認識";
    const run = await michi("unknown", topic);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`your notes mark this known: ${topic}`);
    expect(run.stderr).toContain("k8s-weekly-log-2.md › Pod関連:34");
    expect(run.stderr).toContain(`michi unknown "${topic}" --force`);
    expect(existsSync(path.join(ws.notes, "inbox.md"))).toBe(false);
    const forced = await michi("unknown", topic, "--force");
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`added: ${topic}`);
  });
});

describe("michi digest and status", () => {
  it("names notes relative to the notes folder, wherever michi runs from", async () => {
    const elsewhere = path.join(ws.dir, "elsewhere");
    mkdirSync(elsewhere);
    const run = (...args: string[]) =>
      runInProcess(["--notes", ws.notes, "--data", ws.data, ...args], { cwd: elsewhere, env: ENV });
    expect((await run("learned", "Deployment")).stdout).toContain(
      "k8s-weekly-log-2.md › Pod関連:35",
    );
    const digest = await run("digest");
    expect(digest.stdout).toContain("     k8s-weekly-log-2.md › Pod関連:35");
    for (const out of [digest, await run("digest", "--json"), await run("status")]) {
      expect(out.stdout).not.toContain(ws.dir);
      expect(out.stdout).not.toContain("../");
    }
  });

  it("lists a command and a hand edit as learned this week, with their origins", async () => {
    expect((await michi("ingest")).code).toBe(0);
    expect((await michi("learned", "Deployment", "--note", "ReplicaSetを管理する")).code).toBe(0);
    const text = readFileSync(notePath(), "utf8");
    writeFileSync(notePath(), text.replace("- X kubeletの役割", "- O kubeletの役割"));
    expect((await michi("ingest")).code).toBe(0);

    const run = await michi("digest", "--json");
    expect(run.code).toBe(0);
    const digest = JSON.parse(run.stdout);
    expect(
      digest.learned.map((e: { text: string; origin: string; file: string }) => [
        e.text,
        e.origin,
        e.file,
      ]),
    ).toEqual([
      ["Deploymentが何かは忘れた", "command", "k8s-weekly-log-2.md"],
      ["kubeletの役割をあまり知らない", "edit", "k8s-weekly-log-2.md"],
    ]);
    expect(digest.learned[0].learnedNote).toBe("ReplicaSetを管理する");
    expect(digest.timezone).toBe("Asia/Tokyo");

    const human = await michi("digest");
    expect(human.stdout).toContain("Learned (2)");
    expect(human.stdout).toContain("by hand edit");
    expect(human.stdout).toMatch(/^ {2}k8s-weekly-log-2\.md › NW:\d+$/m);
  });

  it("writes the progress chart as a PNG with --png", async () => {
    const file = path.join(ws.dir, "progress.png");
    const run = await michi("digest", "--png", file, "--json");
    expect(run.code).toBe(0);
    expect(() => JSON.parse(run.stdout)).not.toThrow();
    expect(existsSync(file)).toBe(true);
    const png = readFileSync(file);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([800, 400]);
  });

  it("fails on a --png it cannot write before printing the digest, so the output is not half a success", async () => {
    const run = await michi("digest", "--json", "--png", path.join(ws.dir, "no-such-dir", "p.png"));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^michi: --png: cannot write .*no-such-dir.*p\.png \(ENOENT\)\n$/);
    expect(run.stdout).toBe("");
  });

  it("rejects a --since that is not a date", async () => {
    const run = await michi("digest", "--since", "last tuesday");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("--since: expected a date");
  });

  it("rejects a --since in the future in one line, in MICHI_TIMEZONE's time", async () => {
    const run = await michi("digest", "--since", "2999-01-01");
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^michi: --since 2999-01-01 00:00 \(Asia\/Tokyo\) is not before the period's end, \d{4}-\d{2}-\d{2} \d{2}:\d{2}: the digest would be empty\.\n$/,
    );
  });

  it("reports counts, last ingest, index size and warnings", async () => {
    await michi("ingest");
    const report = JSON.parse((await michi("status", "--json")).stdout);
    expect(report).toMatchObject({
      notes: 1,
      items: { known: 24, partial: 2, unknown: 18, unmarked: 1 },
      history: { events: 0, questionLog: true },
    });
    expect(report.indexBytes).toBeGreaterThan(0);
    expect(Date.parse(report.lastIngest)).not.toBeNaN();
    const human = await michi("status");
    expect(human.stdout).toContain(
      "45 items: ✅ 24 known, 🔺 2 partial, ❓ 18 unknown, 📝 1 unmarked",
    );
    expect(human.stdout).toContain("warning: k8s-weekly-log-2.md:52: ambiguous marker");
  });
});

describe("learning commands in the terminal chat", () => {
  it("settles an ambiguous /learned with /pick, and shows /status", async () => {
    const run = await runInProcess(["--notes", ws.notes, "--data", ws.data, "chat"], {
      cwd: ws.dir,
      env: ENV,
      stdin: "/learned Pod\n/pick 2\n/status\n/unknown\n/quit\n",
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"Pod" does not name one item clearly');
    expect(run.stdout).toContain("(/pick N to choose)");
    expect(run.stdout).toMatch(/Pod作成時.*: partial → known/);
    expect(run.stdout).toContain("history: 1 event since");
    expect(run.stdout).toContain("Give a topic, e.g. /unknown Ingressの仕組み.");
  });

  it("a /learned TOPIC --pick N after the list takes item N as shown, though the notes changed since", async () => {
    const stdin = new PassThrough();
    const out = collectText();
    const done = runCli(["--notes", ws.notes, "--data", ws.data, "chat"], {
      stdout: out.stream,
      stderr: new PassThrough(),
      stdin,
      env: ENV,
      cwd: ws.dir,
    });
    stdin.write("/learned Pod\n");
    await until(() => out.text().includes("(/pick N to choose)"));
    const second = /^ {2}2\. \S+ \w+ {2}(.+)$/m.exec(out.text())?.[1];
    expect(second).toBeDefined();
    // A hand edit puts an item that is exactly the topic first in any fresh ranking.
    const note = path.join(ws.notes, "k8s-weekly-log-2.md");
    writeFileSync(
      note,
      readFileSync(note, "utf8").replace("## Pod関連\n", "## Pod関連\n\n- X Pod\n"),
    );
    stdin.end("/learned Pod --pick 2\n/quit\n");
    expect(await done).toBe(0);
    expect(out.text()).toContain(`${second}: partial → known`);
    expect(readFileSync(note, "utf8")).toContain(`- O ${second}`);
  });

  it("suggests the chat's own commands under an answer, and takes them quoted as the shell's are", async () => {
    const chat = (stdin: string) =>
      runInProcess(["--notes", ws.notes, "--data", ws.data, "chat"], {
        cwd: ws.dir,
        env: ENV,
        stdin,
      });
    const asked = await chat("Deploymentって何?\nHow do I tune the Linux OOM killer?\n/quit\n");
    // A command line pasted into the chat would be asked as a question: the chat names its own.
    expect(asked.stdout).toContain("→ learned it? /learned Deploymentが何かは忘れた");
    expect(asked.stdout).toContain(
      "→ add it as an unknown: /unknown How do I tune the Linux OOM killer?",
    );
    expect(asked.stdout).not.toContain("michi learned");

    const run = await chat(
      `/learned "Deploymentが何かは忘れた" --note "ReplicaSetを管理する"\n/unknown 'Istio'\n/quit\n`,
    );
    expect(run.stdout).toContain("Deploymentが何かは忘れた: unknown → known");
    const note = readFileSync(notePath(), "utf8");
    expect(note).toContain("- O Deploymentが何かは忘れた\n");
    expect(note).toContain(`  - learned ${today()}: ReplicaSetを管理する\n`);
    expect(readFileSync(path.join(ws.notes, "inbox.md"), "utf8")).toMatch(/^- X Istio$/m);
  });

  it("/undo puts back the note the chat's /learned changed, byte for byte", async () => {
    const note = path.join(ws.notes, "k8s-weekly-log-2.md");
    const before = readFileSync(note);
    const run = await runInProcess(["--notes", ws.notes, "--data", ws.data, "chat"], {
      cwd: ws.dir,
      env: ENV,
      stdin: "/learned StatefulSetはDB等に使う\n/undo\n/undo\n/quit\n",
    });
    expect(run.code).toBe(0);
    // When, in the configured zone like `status` (Asia/Tokyo here), not a raw UTC timestamp.
    expect(run.stdout).toMatch(
      /↩️ undid learned: StatefulSetはDB等に使う.* \(\d{4}-\d\d-\d\d \d\d:\d\d Asia\/Tokyo\): k8s-weekly-log-2\.md is back/,
    );
    expect(run.stdout).toContain("known → unknown");
    expect(run.stdout).toContain("Nothing to undo");
    expect(readFileSync(note).equals(before)).toBe(true);
  });
});

function collectText(): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

async function until(ready: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the chat's reply");
    await new Promise((r) => setTimeout(r, 20));
  }
}
