/**
 * `npm run torture`: the fault campaign of issue 11 as a repeatable script. Every trial runs the
 * real `bin/michi.js` as child processes in a scratch folder, with an OpenAI-compatible fake
 * server on 127.0.0.1 (nothing leaves the machine), then checks invariants:
 * - a note holds exactly the old or the new bytes (plus every line an "editor" appended);
 * - an edit michi acknowledged (exit 0) is in the note;
 * - no crash (exit code 2 or a stack trace), no hang (each command has a timeout);
 * - the index matches a fresh rebuild of the same notes;
 * - after damage to `.michi`, `ingest --rebuild` succeeds and the learning history is kept.
 *
 * Defaults finish in a few minutes on 2 cores; flags raise the counts (see --help).
 * Exits 1 when an invariant broke. Docs: docs/reliability.md.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { type FakeOpenAI, startFakeOpenAI } from "../test/support/fake-openai.js";

const ROOT = path.resolve(new URL("..", import.meta.url).pathname);
const BIN = path.join(ROOT, "bin/michi.js");
const FIXTURE_NOTES = path.join(ROOT, "test/fixtures/notes");
const NOTE = "k8s-weekly-log-2.md";

const HELP = `npm run torture -- [options]
  --kills N          kill -9 trials during ingest (default 2) and during edits (2N)
  --rounds N         concurrent-writer rounds and fuzzed-note rounds (default 2)
  --deadline S       MICHI_ANSWER_DEADLINE for the failing-server trials (default: michi's, 25)
  --timeout S        a command running longer than this is a hang (default 90)
  --max-minutes M    start no new trial after M minutes (default 15)
  --only LIST        comma-separated: kill-ingest,kill-edit,concurrent,fuzz,model,damage
  --seed N           random seed (default 1)
  --keep             keep the scratch folders (printed) for inspection
  --json             print the figures as JSON`;

const { values: flags } = parseArgs({
  options: {
    kills: { type: "string", default: "2" },
    rounds: { type: "string", default: "2" },
    deadline: { type: "string" },
    timeout: { type: "string", default: "90" },
    "max-minutes": { type: "string", default: "15" },
    only: { type: "string" },
    seed: { type: "string", default: "1" },
    keep: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}

const KILLS = positive("kills");
const ROUNDS = positive("rounds");
const TIMEOUT_MS = positive("timeout") * 1000;
const STOP_AT = Date.now() + positive("max-minutes") * 60_000;
const DEADLINE_S = flags.deadline === undefined ? undefined : positive("deadline");
const ONLY = flags.only?.split(",").map((s) => s.trim());

function positive(name: keyof typeof flags): number {
  const n = Number(flags[name]);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`torture: --${name}: expected a positive number, got "${flags[name]}"`);
    process.exit(2);
  }
  return n;
}

/** Deterministic PRNG (mulberry32), so a seed replays the same campaign. */
let seed = Number(flags.seed) >>> 0 || 1;
function random(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

// ---------------------------------------------------------------------------------------------
// Figures

const figures = {
  trials: 0,
  notesLostOrCorrupted: 0,
  lostAcknowledgedEdits: 0,
  lostEditorAppends: 0,
  crashes: 0,
  hangs: 0,
  indexMismatches: 0,
  failedRebuilds: 0,
  historyLost: 0,
  conflictsReported: 0,
  staleTempFiles: 0,
  worstNextCommandAfterKillMs: 0,
  worstAskWithFailingServerMs: 0,
  commands: 0,
};
const failures: string[] = [];
const perKind = new Map<string, { trials: number; ms: number }>();

function fail(kind: keyof typeof figures, detail: string): void {
  (figures[kind] as number)++;
  failures.push(`${kind}: ${detail}`);
}

// ---------------------------------------------------------------------------------------------
// Running michi

interface Run {
  readonly args: readonly string[];
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  readonly timedOut: boolean;
}

interface Workspace {
  readonly dir: string;
  readonly notes: string;
  readonly data: string;
}

/** Only what michi needs: no key, no base URL from the caller's environment (loopback only). */
function childEnv(ws: Workspace, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    HOME: ws.dir,
    MICHI_TIMEZONE: "UTC",
    MICHI_NOTES_DIR: ws.notes,
    MICHI_DATA_DIR: ws.data,
    ...extra,
  };
}

function start(ws: Workspace, args: readonly string[], env: Record<string, string> = {}) {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ws.dir,
    env: childEnv(ws, env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c: Buffer) => {
    stdout += c.toString("utf8");
  });
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString("utf8");
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, TIMEOUT_MS);
  const done = new Promise<Run>((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      figures.commands++;
      resolve({
        args,
        code,
        signal,
        stdout,
        stderr,
        ms: performance.now() - started,
        timedOut,
      });
    });
  });
  return { child, done };
}

/** Runs a command to its end and counts a crash or a hang. */
async function michi(
  ws: Workspace,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<Run> {
  const run = await start(ws, args, env).done;
  checkRun(run);
  return run;
}

const STACK = /\n\s+at .+[:(]\d+:\d+\)?/;

function checkRun(run: Run, killed = false): void {
  const what = `michi ${run.args.join(" ")}`;
  if (run.timedOut) fail("hangs", `${what}: no exit within ${TIMEOUT_MS / 1000} s`);
  else if (!killed && (run.code === 2 || STACK.test(run.stderr))) {
    fail("crashes", `${what}: exit ${run.code}: ${firstLines(run.stderr)}`);
  }
}

function firstLines(text: string, n = 3): string {
  return text.split("\n").slice(0, n).join(" | ").slice(0, 400);
}

function kill(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

// ---------------------------------------------------------------------------------------------
// Workspaces, notes and the index

const scratch = mkdtempSync(path.join(tmpdir(), "michi-torture-"));

function workspace(name: string, extraNotes = 0): Workspace {
  const dir = mkdtempSync(path.join(scratch, `${name}-`));
  const notes = path.join(dir, "notes");
  cpSync(FIXTURE_NOTES, notes, { recursive: true });
  for (let i = 0; i < extraNotes; i++) {
    writeFileSync(path.join(notes, `gen-${i}.md`), generatedNote(i, 150));
  }
  return { dir, notes, data: path.join(dir, ".michi") };
}

function generatedNote(n: number, items: number): string {
  const words = [
    "Pod",
    "Service",
    "Ingress",
    "kubelet",
    "etcd",
    "CNI",
    "ネットワーク",
    "ボリューム",
  ];
  const lines = [`# Generated log ${n}`, ""];
  for (let i = 0; i < items; i++) {
    if (i % 25 === 0) lines.push("", `## Section ${i / 25}`, "");
    lines.push(`- ${pick(["O", "△", "X"])} ${pick(words)} topic ${n}-${i} ${pick(words)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Every note's bytes, by path relative to the notes folder. */
function snapshotNotes(notes: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const entry of readdirSync(notes, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out.set(path.relative(notes, full), readFileSync(full));
  }
  return out;
}

/** What the index holds, independent of labels and file times. */
function indexFingerprint(data: string): string | null {
  const file = path.join(data, "michi.db");
  if (!existsSync(file)) return null;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db
      .prepare(
        "SELECT id, kind, file, line, status, text, embed_hash FROM chunks ORDER BY id, file, line",
      )
      .raw()
      .all();
    return createHash("sha256").update(JSON.stringify(rows)).digest("hex");
  } catch (error) {
    return `unreadable: ${(error as Error).message}`;
  } finally {
    db?.close();
  }
}

/** Ingests the same notes into a fresh data folder and compares the two indexes. */
async function checkIndexMatchesRebuild(ws: Workspace, label: string): Promise<void> {
  const ingest = await michi(ws, ["ingest"]);
  if (ingest.code !== 0) {
    fail("indexMismatches", `${label}: ingest exited ${ingest.code}: ${firstLines(ingest.stderr)}`);
    return;
  }
  const fresh: Workspace = { ...ws, data: path.join(ws.dir, `.fresh-${Date.now()}`) };
  const rebuilt = await michi(fresh, ["ingest"]);
  const a = indexFingerprint(ws.data);
  const b = indexFingerprint(fresh.data);
  rmSync(fresh.data, { recursive: true, force: true });
  if (rebuilt.code !== 0 || a === null || a !== b) {
    fail("indexMismatches", `${label}: the index differs from a fresh rebuild of the same notes`);
  }
}

function countStaleTemps(notes: string): number {
  return readdirSync(notes, { recursive: true }).filter((f) => String(f).endsWith(".tmp")).length;
}

function historyEvents(run: Run): number | null {
  try {
    return (JSON.parse(run.stdout) as { history: { events: number } }).history.events;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Trials

/** Edits with one clear target each (full item texts), and where they land. */
const EDITS: readonly { args: string[]; file: string }[] = [
  { args: ["learned", "Deploymentが何かは忘れた"], file: NOTE },
  { args: ["learned", "kubeletの役割をあまり知らない"], file: NOTE },
  { args: ["mark", "シークレットの仕組みや実体を知らない", "--status", "partial"], file: NOTE },
  { args: ["unknown", "torture で追加した未知の項目"], file: "inbox.md" },
];

/** How long an undisturbed command takes here, so kills land while it works, not before. */
const durations = new Map<string, number>();

async function killDuringIngest(i: number): Promise<void> {
  const ws = workspace(`kill-ingest-${i}`, 12);
  const before = snapshotNotes(ws.notes);
  if (!durations.has("ingest")) {
    const reference = workspace("reference-ingest", 12);
    durations.set("ingest", (await michi(reference, ["ingest"])).ms);
  }
  // Every other trial kills a re-ingest of an existing index (a rebuild of it).
  if (i % 2 === 1) await michi(ws, ["ingest"]);
  const { child, done } = start(ws, i % 2 === 0 ? ["ingest"] : ["ingest", "--rebuild"]);
  await sleep(between(0.2 * (durations.get("ingest") ?? 2000), durations.get("ingest") ?? 2000));
  kill(child);
  checkRun(await done, true);
  const started = performance.now();
  const next = await michi(ws, ["ask", "--json", "kubeletの役割は?"]);
  figures.worstNextCommandAfterKillMs = Math.max(
    figures.worstNextCommandAfterKillMs,
    performance.now() - started,
  );
  if (next.code !== 0)
    failures.push(`kill-ingest ${i}: next ask exited ${next.code}: ${firstLines(next.stderr)}`);
  compareNotes(before, snapshotNotes(ws.notes), `kill-ingest ${i}`);
  figures.staleTempFiles += countStaleTemps(ws.notes);
  await checkIndexMatchesRebuild(ws, `kill-ingest ${i}`);
}

/** Notes must keep their bytes exactly (`ingest` never writes notes). */
function compareNotes(before: Map<string, Buffer>, after: Map<string, Buffer>, label: string) {
  for (const [file, bytes] of before) {
    const now = after.get(file);
    if (now === undefined || !now.equals(bytes)) {
      fail("notesLostOrCorrupted", `${label}: ${file} changed or vanished`);
    }
  }
}

/** The bytes each edit produces, from an undisturbed run in a reference workspace. */
const expectedAfter = new Map<number, Buffer | null>();

async function referenceEdit(e: number): Promise<Buffer | null> {
  if (expectedAfter.has(e)) return expectedAfter.get(e) ?? null;
  const edit = EDITS[e] as (typeof EDITS)[number];
  const ws = workspace(`reference-${e}`);
  await michi(ws, ["ingest"]);
  const run = await michi(ws, edit.args);
  durations.set(`edit-${e}`, run.ms);
  const bytes = run.code === 0 ? readFileSync(path.join(ws.notes, edit.file)) : null;
  if (bytes === null)
    failures.push(`reference ${edit.args.join(" ")}: exit ${run.code}: ${firstLines(run.stderr)}`);
  expectedAfter.set(e, bytes);
  return bytes;
}

async function killDuringEdit(i: number): Promise<void> {
  const e = i % EDITS.length;
  const edit = EDITS[e] as (typeof EDITS)[number];
  const after = await referenceEdit(e);
  if (after === null) return;
  const ws = workspace(`kill-edit-${i}`);
  await michi(ws, ["ingest"]);
  const target = path.join(ws.notes, edit.file);
  const old = existsSync(target) ? readFileSync(target) : null;
  const { child, done } = start(ws, edit.args);
  const d = durations.get(`edit-${e}`) ?? 2000;
  await sleep(between(0.4 * d, 1.05 * d));
  const exitedBeforeKill = child.exitCode !== null;
  kill(child);
  const run = await done;
  checkRun(run, !exitedBeforeKill);
  const now = existsSync(target) ? readFileSync(target) : null;
  const isOld = old === null ? now === null : now?.equals(old) === true;
  const isNew = now?.equals(after) === true;
  if (!isOld && !isNew)
    fail("notesLostOrCorrupted", `kill-edit ${i}: ${edit.file} is neither old nor new`);
  if (exitedBeforeKill && run.code === 0 && !isNew) {
    fail(
      "lostAcknowledgedEdits",
      `kill-edit ${i}: ${edit.args.join(" ")} said done, note lacks it`,
    );
  }
  const started = performance.now();
  const next = await michi(ws, ["status", "--json"]);
  figures.worstNextCommandAfterKillMs = Math.max(
    figures.worstNextCommandAfterKillMs,
    performance.now() - started,
  );
  if (next.code !== 0)
    failures.push(`kill-edit ${i}: next status exited ${next.code}: ${firstLines(next.stderr)}`);
  figures.staleTempFiles += countStaleTemps(ws.notes);
  await checkIndexMatchesRebuild(ws, `kill-edit ${i}`);
}

/** Two michi edits of one note while an "editor" appends lines to it in place. */
async function concurrentWriters(i: number): Promise<void> {
  const ws = workspace(`concurrent-${i}`);
  await michi(ws, ["ingest"]);
  const file = path.join(ws.notes, NOTE);
  const original = readFileSync(file, "utf8");
  const flips = [
    {
      args: ["learned", "kubeletの役割をあまり知らない"],
      from: "- X kubeletの",
      to: "- O kubeletの",
    },
    {
      args: ["learned", "Deploymentが何かは忘れた"],
      from: "- X Deploymentが",
      to: "- O Deploymentが",
    },
  ];
  const runs = flips.map((f) => start(ws, f.args));
  const appended: string[] = [];
  let running = runs.length;
  for (const r of runs) void r.done.then(() => running--);
  // Appends in place (as `>>` and many editors do) for as long as michi is at work.
  const editor = (async () => {
    for (let n = 0; running > 0 && n < 400; n++) {
      await sleep(between(5, 60));
      const line = `- X editor line ${i}-${n}\n`;
      appendFileSync(file, line);
      appended.push(line);
    }
  })();
  const results = await Promise.all(runs.map((r) => r.done));
  await editor;
  for (const r of results) checkRun(r);
  const final = readFileSync(file, "utf8");
  const tail = appended.join("");
  if (!final.endsWith(tail)) {
    fail(
      "lostEditorAppends",
      `concurrent ${i}: the editor's appended lines are not all at the end`,
    );
  }
  // The rest is the original with some of the flips applied, nothing else.
  const body = final.endsWith(tail) ? final.slice(0, final.length - tail.length) : final;
  const applied = flips.map((f) => body.includes(f.to));
  let expected = original;
  flips.forEach((f, k) => {
    if (applied[k]) expected = expected.replace(f.from, f.to);
  });
  if (body !== expected)
    fail("notesLostOrCorrupted", `concurrent ${i}: ${NOTE} has bytes no writer wrote`);
  results.forEach((r, k) => {
    if (r.code === 0 && !applied[k]) {
      fail(
        "lostAcknowledgedEdits",
        `concurrent ${i}: ${flips[k]?.args.join(" ")} said done, note lacks it`,
      );
    }
    if (/changed by another program|kept changing/.test(r.stderr)) figures.conflictsReported++;
  });
  await checkIndexMatchesRebuild(ws, `concurrent ${i}`);
}

/** Hostile notes: YAML bombs, invalid UTF-8, huge lines, CR/CRLF, BOM, junk. */
async function fuzzedNotes(i: number): Promise<void> {
  const ws = workspace(`fuzz-${i}`);
  const fuzz = path.join(ws.notes, "fuzz");
  mkdirSync(fuzz);
  const makers: Record<string, () => Buffer> = {
    "yaml-bomb": () =>
      Buffer.from(
        `---\na: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\ntags: [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n---\n# Bomb\n- X still an item\n`,
      ),
    "invalid-utf8": () =>
      Buffer.concat([
        Buffer.from("# Broken\n- X caf"),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from("\n"),
      ]),
    "huge-line": () => Buffer.from(`# Huge\n- X ${"長い行".repeat(between(50_000, 200_000))}\n`),
    crlf: () => Buffer.from(randomMarkdown().replace(/\n/g, "\r\n")),
    cr: () => Buffer.from(randomMarkdown().replace(/\n/g, "\r")),
    bom: () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(randomMarkdown())]),
    "bad-frontmatter": () => Buffer.from(`---\ntitle: [unclosed\n---\n${randomMarkdown()}`),
    junk: () => Buffer.from(Array.from({ length: between(10, 5000) }, () => between(0, 255))),
    random: () => Buffer.from(randomMarkdown()),
    empty: () => Buffer.alloc(0),
  };
  for (const [name, make] of Object.entries(makers)) {
    writeFileSync(path.join(fuzz, `${name}-${i}.md`), make());
  }
  const before = snapshotNotes(ws.notes);
  const ingest = await michi(ws, ["ingest"]);
  if (ingest.code !== 0)
    failures.push(`fuzz ${i}: ingest exited ${ingest.code}: ${firstLines(ingest.stderr)}`);
  const ask = await michi(ws, ["ask", "--json", "kubeletの役割は?"]);
  if (ask.code !== 0) failures.push(`fuzz ${i}: ask exited ${ask.code}: ${firstLines(ask.stderr)}`);
  // An edit of the CRLF note must keep every other byte.
  const crlf = path.join(fuzz, `crlf-${i}.md`);
  const crlfBefore = readFileSync(crlf, "utf8");
  const target = /^- X (.+)$/m.exec(crlfBefore.replace(/\r/g, ""))?.[1];
  if (target !== undefined) {
    const run = await michi(ws, ["learned", target]);
    const now = readFileSync(crlf, "utf8");
    const expected = crlfBefore.replace(`- X ${target}\r\n`, `- O ${target}\r\n`);
    if (run.code === 0 && now !== expected)
      fail("notesLostOrCorrupted", `fuzz ${i}: learned changed more than the marker`);
    if (run.code !== 0 && now !== crlfBefore)
      fail("notesLostOrCorrupted", `fuzz ${i}: a refused learned changed the note`);
    before.set(path.relative(ws.notes, crlf), readFileSync(crlf));
  }
  compareNotes(before, snapshotNotes(ws.notes), `fuzz ${i}`);
  await checkIndexMatchesRebuild(ws, `fuzz ${i}`);
}

function randomMarkdown(): string {
  const markers = ["O", "X", "△", "○", "×", "[ ]", "[x]", "", "O", "X"];
  const texts = [
    "Pod",
    "サービス",
    "emoji 🚀 テスト",
    "a *b* `c`",
    "<b>html</b>",
    "長い説明の項目",
    "x".repeat(300),
  ];
  const lines: string[] = [];
  if (random() < 0.3) lines.push("---", `title: Fuzz ${between(0, 99)}`, "tags: [a, b]", "---");
  for (let n = 0; n < between(5, 60); n++) {
    const r = random();
    if (r < 0.1) lines.push(`${"#".repeat(between(1, 4))} ${pick(texts)}`);
    else if (r < 0.15) lines.push("```", pick(texts), "```");
    else if (r < 0.2) lines.push("| a | b |", "| - | - |", `| ${pick(texts)} | x |`);
    else if (r < 0.25) lines.push("");
    else
      lines.push(
        `${"  ".repeat(between(0, 2))}- ${pick(markers)} ${pick(texts)} ${n}`.replace(
          / {2,}(?=\S)/,
          " ",
        ),
      );
  }
  return `${lines.join("\n")}\n`;
}

/** A fake OpenAI-compatible server that fails or hangs: every ask must still answer. */
async function failingModelServer(server: FakeOpenAI): Promise<void> {
  const modes = ["500", "hang", "malformed"] as const;
  const setups: { name: string; env: Record<string, string> }[] = [
    { name: "chat", env: { MICHI_CHAT_MODEL: "fake-chat" } },
    {
      name: "embeddings+chat",
      env: {
        MICHI_CHAT_MODEL: "fake-chat",
        MICHI_EMBEDDINGS: "openai",
        MICHI_EMBEDDING_MODEL: "fake-embed",
      },
    },
  ];
  for (const setup of setups) {
    const ws = workspace(`model-${setup.name}`);
    const env: Record<string, string> = {
      OPENAI_BASE_URL: server.url,
      ...setup.env,
      ...(DEADLINE_S === undefined ? {} : { MICHI_ANSWER_DEADLINE: String(DEADLINE_S) }),
    };
    server.setMode("ok");
    await michi(ws, ["ingest"], env);
    for (const mode of modes) {
      if (Date.now() > STOP_AT) return;
      const t0 = performance.now();
      figures.trials++;
      server.setMode(mode);
      const run = await michi(ws, ["ask", "--json", "DaemonSetって何?"], env);
      figures.worstAskWithFailingServerMs = Math.max(figures.worstAskWithFailingServerMs, run.ms);
      let ok = false;
      try {
        const answer = JSON.parse(run.stdout) as { answer: string; notices: string[] };
        ok = run.code === 0 && answer.answer.length > 0 && answer.notices.length > 0;
      } catch {
        ok = false;
      }
      if (!ok)
        failures.push(
          `model ${setup.name} ${mode}: no answer with a notice (exit ${run.code}): ${firstLines(run.stderr)}`,
        );
      tally("model", performance.now() - t0);
    }
    server.setMode("ok");
  }
}

/** Damage `.michi` in one way, then `ingest --rebuild` must work and keep the history. */
async function damagedData(kind: string): Promise<void> {
  const ws = workspace(`damage-${kind}`);
  await michi(ws, ["ingest"]);
  await michi(ws, ["learned", "Deploymentが何かは忘れた"]);
  const eventsBefore = historyEvents(await michi(ws, ["status", "--json"]));
  const db = path.join(ws.data, "michi.db");
  const graphs = readdirSync(ws.data).filter((f) => /^index-\d+\.hnsw$/.test(f));
  const graph = path.join(ws.data, graphs.at(-1) ?? "index-1.hnsw");
  switch (kind) {
    case "truncate-db":
      truncateSync(db, Math.floor(statSync(db).size / 2));
      break;
    case "garble-db": {
      const bytes = readFileSync(db);
      for (let k = 0; k < 64; k++) bytes[between(100, bytes.length - 1)] = between(0, 255);
      writeFileSync(db, bytes);
      break;
    }
    case "truncate-hnsw":
      if (existsSync(graph)) truncateSync(graph, Math.floor(statSync(graph).size / 3));
      break;
    case "drop-chunks": {
      const handle = new Database(db);
      handle.exec("DROP TABLE chunks");
      handle.close();
      break;
    }
  }
  const rebuild = await michi(ws, ["ingest", "--rebuild"]);
  if (rebuild.code !== 0) {
    fail(
      "failedRebuilds",
      `damage ${kind}: ingest --rebuild exited ${rebuild.code}: ${firstLines(rebuild.stderr)}`,
    );
    return;
  }
  const eventsAfter = historyEvents(await michi(ws, ["status", "--json"]));
  if (eventsBefore !== null && (eventsAfter ?? 0) < eventsBefore) {
    fail(
      "historyLost",
      `damage ${kind}: ${eventsBefore} history events before, ${eventsAfter} after`,
    );
  }
  await checkIndexMatchesRebuild(ws, `damage ${kind}`);
}

function tally(kind: string, ms: number): void {
  const t = perKind.get(kind) ?? { trials: 0, ms: 0 };
  perKind.set(kind, { trials: t.trials + 1, ms: t.ms + ms });
}

async function trial(kind: string, run: () => Promise<void>): Promise<void> {
  if (ONLY !== undefined && !ONLY.includes(kind)) return;
  if (Date.now() > STOP_AT) return;
  const t0 = performance.now();
  figures.trials++;
  try {
    await run();
  } catch (error) {
    failures.push(`${kind}: the trial itself failed: ${(error as Error).stack ?? error}`);
  }
  tally(kind, performance.now() - t0);
  if (!flags.json) process.stderr.write(".");
}

// ---------------------------------------------------------------------------------------------

const campaignStart = performance.now();
const server = await startFakeOpenAI({ reply: () => "DaemonSetは各ノードにPodを配置します [1]。" });
try {
  for (let i = 0; i < KILLS; i++) await trial("kill-ingest", () => killDuringIngest(i));
  for (let i = 0; i < 2 * KILLS; i++) await trial("kill-edit", () => killDuringEdit(i));
  for (let i = 0; i < ROUNDS; i++) await trial("concurrent", () => concurrentWriters(i));
  for (let i = 0; i < ROUNDS; i++) await trial("fuzz", () => fuzzedNotes(i));
  for (const kind of ["truncate-db", "garble-db", "truncate-hnsw", "drop-chunks"]) {
    await trial("damage", () => damagedData(kind));
  }
  if (ONLY === undefined || ONLY.includes("model")) await failingModelServer(server);
} finally {
  await server.close();
  if (!flags.keep) rmSync(scratch, { recursive: true, force: true });
}

const minutes = (performance.now() - campaignStart) / 60_000;
const broken =
  figures.notesLostOrCorrupted +
  figures.lostAcknowledgedEdits +
  figures.lostEditorAppends +
  figures.crashes +
  figures.hangs +
  figures.indexMismatches +
  figures.failedRebuilds +
  figures.historyLost;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

if (flags.json) {
  console.log(JSON.stringify({ ...figures, minutes, failures, seed: Number(flags.seed) }, null, 2));
} else {
  process.stderr.write("\n");
  const lines = [
    `michi torture (seed ${flags.seed}, ${minutes.toFixed(1)} min, ${figures.commands} michi processes)`,
    ...[...perKind].map(
      ([k, v]) =>
        `  ${k.padEnd(12)} ${String(v.trials).padStart(3)} trials, ${s(v.ms / v.trials)} each`,
    ),
    "",
    `trials run                            ${figures.trials}`,
    `notes lost or corrupted               ${figures.notesLostOrCorrupted}`,
    `lost acknowledged edits               ${figures.lostAcknowledgedEdits}`,
    `lost editor appends                   ${figures.lostEditorAppends}`,
    `crashes (exit 2 / stack trace)        ${figures.crashes}`,
    `${`hangs (> ${TIMEOUT_MS / 1000} s)`.padEnd(38)}${figures.hangs}`,
    `index ≠ fresh rebuild                 ${figures.indexMismatches}`,
    `ingest --rebuild failed after damage  ${figures.failedRebuilds}`,
    `history lost after damage             ${figures.historyLost}`,
    `conflicts reported (not failures)     ${figures.conflictsReported}`,
    `stale temp files left in notes        ${figures.staleTempFiles}`,
    `worst next command after a kill       ${s(figures.worstNextCommandAfterKillMs)}`,
    `worst ask, failing model server       ${s(figures.worstAskWithFailingServerMs)} (deadline ${DEADLINE_S ?? 25} s)`,
  ];
  console.log(lines.join("\n"));
  if (failures.length > 0) {
    console.log(`\n${failures.length} finding(s):`);
    for (const f of failures.slice(0, 40)) console.log(`  - ${f}`);
  }
}
process.exitCode = broken > 0 ? 1 : 0;
