/**
 * Abbreviations learned from the indexed texts (ask/abbreviations.ts): definitions written in
 * the notes, all-caps words spelled by the initials of a run of capitalized words, numeronyms;
 * used as query alternatives both ways and in the unseen-name test of the none decision.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { findDefinitions, spells } from "../../src/ask/abbreviations.js";
import { KeywordIndex } from "../../src/ask/keyword.js";
import { NoteIndex } from "../../src/ask/note-index.js";
import { loadConfig } from "../../src/config.js";
import { tempVault } from "../support/vault.js";

const pairs = (text: string) => findDefinitions(text).map((d) => `${d.abbreviation}=${d.phrase}`);

describe("definitions written in a text", () => {
  it("reads Long Form (LF), LF (Long Form), LF = Long Form, LF: Long Form", () => {
    expect(pairs("Scale pods with the Horizontal Pod Autoscaler (HPA) when load grows.")).toEqual([
      "hpa=horizont pod autoscal",
    ]);
    expect(pairs("HPA (Horizontal Pod Autoscaler) reads metrics.")).toEqual([
      "hpa=horizont pod autoscal",
    ]);
    expect(pairs("LF = Long Form, as usual")).toEqual(["lf=long form"]);
    expect(pairs("SLO: service level objective")).toEqual(["slo=servic level object"]);
    expect(pairs("Keep an eye on SLOs (Service Level Objectives).")).toEqual([
      "slo=servic level object",
    ]);
    expect(pairs("inadvertent exposure of personally identifiable information (PII)")).toEqual([
      "pii=person identifi inform",
    ]);
  });

  it("reads full-width parentheses in Japanese text", () => {
    expect(pairs("社内ツールをCreate React App（CRA）からViteに移行した")).toEqual([
      "cra=creat react app",
    ]);
    expect(pairs("Horizontal Pod Autoscaler（以下HPA）でPodを増やす")).toEqual([
      "hpa=horizont pod autoscal",
    ]);
    expect(pairs("the Horizontal Pod Autoscaler (hereafter HPA) reads metrics")).toEqual([
      "hpa=horizont pod autoscal",
    ]);
  });

  it("checks the initials, so an aside in parentheses is no definition", () => {
    expect(pairs("Run it in the database (Postgres) first")).toEqual([]);
    expect(pairs("allow(ENV) and hello(Hello)")).toEqual([]);
    expect(pairs("We use Kubernetes (EKS) in production")).toEqual([]);
    expect(pairs("The ID (identifier) is random")).toEqual([]); // one word cannot spell two letters
  });

  it("spells initials with camelCase parts and function words", () => {
    expect(spells("json", ["JavaScript", "Object", "Notation"])).toBe(true);
    expect(spells("dod", ["Department", "of", "Defense"])).toBe(true);
    expect(spells("dd", ["Department", "of", "Defense"])).toBe(true);
    expect(spells("ttl", ["to", "the", "latest"])).toBe(false);
    expect(spells("cra", ["Create", "React"])).toBe(false);
  });
});

describe("abbreviations in keyword search", () => {
  const index = (texts: readonly string[]): KeywordIndex => {
    const k = new KeywordIndex();
    texts.forEach((text, i) => {
      k.add({ id: `d${i}`, text });
    });
    return k;
  };
  const filler = [
    "Vite starts the dev server instantly.",
    "React components re-render when their props change.",
    "The app reads its configuration from environment variables.",
    "Create a new branch before you start.",
    "Pods are scheduled on nodes by the scheduler.",
    "Dates are formatted with the Intl API.",
  ];

  it("an all-caps word no note has meets the capitalized run its initials spell (Japanese question)", () => {
    const k = index([
      ...filler,
      "社内の管理画面をCreate React AppからViteに移行した。起動が速くなった。",
    ]);
    const question = "CRAから乗り換えたい";
    expect(k.search(question, 3)[0]?.id).toBe("d6");
    // The notes do mention what CRA stands for: it is no unseen name.
    expect(k.unseen(question).names).toEqual([]);
  });

  it("an English question too, and the concept counts each word of the expansion", () => {
    const k = index([...filler, "We moved from Create React App to Vite last year."]);
    const hits = k.search("Why did we move from CRA?", 3);
    expect(hits[0]?.id).toBe("d6");
    // Each word of the expansion is a concept the note covers (at a translation's weight).
    expect(hits[0]?.coverage).toBeGreaterThan(0.75);
    expect(k.unseen("Why did we move from CRA?").names).toEqual([]);
  });

  it("a defined pair works both ways", () => {
    const k = index([
      ...filler,
      "The Horizontal Pod Autoscaler (HPA) changes the number of replicas.",
      "HPA needs metrics-server to read the load.",
    ]);
    // Question with the expansion, note with the abbreviation.
    expect(k.search("Why can't the horizontal pod autoscaler read the load?", 1)[0]?.id).toBe("d7");
    // Question with the abbreviation, note with the expansion.
    expect(k.search("HPAでレプリカ数 replicas", 1)[0]?.id).toBe("d6");
  });

  it("a name the question spells out meets its initials in the notes, defined or not", () => {
    const k = index([
      ...filler,
      "The replica count of a Deployment is set in its spec.",
      "HPA changes the replica count from CPU load.",
    ]);
    const question = "How does the Horizontal Pod Autoscaler pick the replica count?";
    expect(k.search(question, 1)[0]?.id).toBe("d7");
    // Lowercase words are no name: `pick the replica count` spells nothing.
    expect(k.queryTerms("how does it pick replica count").map((t) => t.term)).not.toContain("prc");
  });

  it("a numeronym meets the long word of its form, and the long word the numeronym", () => {
    const k = index([
      ...filler,
      "Internationalization of the checkout page: translate every label.",
      "Our a11y checklist: contrast, focus order, labels on inputs.",
      "The a11y audit runs in CI.",
    ]);
    expect(k.search("i18n", 1)[0]?.id).toBe("d6");
    expect(k.unseen("i18n").share).toBe(0);
    expect(k.search("accessibility", 3).map((h) => h.id)).toEqual(["d8", "d7"]);
    // A numeronym of a short word is more likely a name (`k3s`): left alone.
    expect(k.queryTerms("k3s").map((t) => t.term)).toEqual(["k3s"]);
  });

  it("expands nothing from headings, two-letter initials, ambiguous runs or function words", () => {
    const k = index([
      ...filler,
      "Build Go Programs",
      "Open a Pull Request from the command line.",
      "Use Temporary Table Logs here, or Tiny Tree Layouts there.",
      "Set it To The Latest version.",
    ]);
    const asked = (q: string) => k.queryTerms(q).map((t) => t.term);
    expect(k.unseen("How do I configure BGP peering?").names).toEqual(["bgp"]);
    expect(asked("How do I configure BGP peering?")).not.toContain("program");
    expect(asked("Open a PR")).not.toContain("pull");
    expect(asked("Where do TTL values go?")).not.toContain("temporari");
    expect(asked("Where do TTL values go?")).not.toContain("latest");
    expect(k.unseen("Where do TTL values go?").names).toEqual(["ttl"]);
  });

  it("follows removals", () => {
    const k = index([...filler, "We moved from Create React App to Vite last year."]);
    expect(k.unseen("Leave CRA?").names).toEqual([]);
    k.remove("d6");
    expect(k.unseen("Leave CRA?").names).toEqual(["cra"]);
  });
});

describe("abbreviations defined in headings", () => {
  it("learns from a note's headings while a chunk sits under them", () => {
    const chunks = new KeywordIndex();
    const notes = new NoteIndex({ chunkIndex: chunks });
    const add = (id: string, file: string, text: string, sectionPath: string[]) => {
      const chunk = { id, text, file, title: file.replace(/\.md$/, ""), sectionPath };
      chunks.add(chunk);
      notes.add(chunk);
    };
    add("a", "k8s.md", "It changes the replica count from CPU load.", [
      "Horizontal Pod Autoscaler (HPA)",
    ]);
    add("b", "metrics.md", "HPA needs metrics-server to read the load.", []);
    add("c", "pods.md", "Each pod can read the load average of its node.", []);
    const question = "Why can't the horizontal pod autoscaler read the load?";
    const asked = () => chunks.queryTerms(question);
    expect(asked().map((t) => t.term)).toContain("hpa");
    expect(chunks.search(question, 1)[0]?.id).toBe("b");
    chunks.remove("a");
    notes.remove("a");
    expect(asked().map((t) => t.term)).not.toContain("hpa");
  });
});

describe("abbreviations in the none decision", () => {
  const { root, notes, write } = tempVault("michi-abbreviations-");
  let app: App;

  beforeAll(async () => {
    write(
      "frontend/vite-migration.md",
      "# Viteへの移行\n\n社内の管理画面をCreate React AppからViteに移行した。開発サーバの起動が40秒から2秒になった。\n",
    );
    write(
      "frontend/react-memo.md",
      "# React.memoの使いどころ\n\n全部のコンポーネントをメモ化しても速くならなかった。\n",
    );
    write(
      "backend/go-timeout.md",
      "# Goのタイムアウト\n\n外部APIの呼び出しにはcontextで期限を付ける。\n",
    );
    app = createApp(
      loadConfig(
        { MICHI_TIMEZONE: "UTC", MICHI_QUESTION_LOG: "false" },
        { notesDir: notes, dataDir: path.join(root, "data") },
      ),
    );
    await app.ingest();
  });

  afterAll(() => {
    app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("answers a question naming an abbreviation the notes only spell out", async () => {
    const sources = await app.search("開発サーバーの起動が遅すぎるのでCRAから乗り換えたい", 5);
    expect(sources[0]?.file).toBe("frontend/vite-migration.md");
  });
});
