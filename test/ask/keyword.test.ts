import { describe, expect, it } from "vitest";
import { KeywordIndex } from "../../src/ask/keyword.js";
import { sigilTerms } from "../../src/ask/symbols.js";

const NOTES = [
  { id: "daemonset", text: "DaemonSetは各ノードに1つずつPodを配置するという認識" },
  {
    id: "list",
    text: "Podを管理するリソースとしてReplicaSet, StatefulSet, DaemonSet, Deploymentが定義できる",
  },
  { id: "replicaset", text: "ReplicaSetはPodのレプリカ数を維持するために使える事は知っている" },
  { id: "kubelet", text: "kubeletの役割をあまり知らない" },
  { id: "secret", text: "シークレットの仕組みや実体を知らない" },
];

function buildIndex(): KeywordIndex {
  const index = new KeywordIndex();
  index.addAll(NOTES);
  return index;
}

describe("KeywordIndex", () => {
  it("ranks the short item about a word above the longer one that lists it", () => {
    const hits = buildIndex().search("DaemonSetって何?", 5);
    expect(hits.map((h) => h.id).slice(0, 2)).toEqual(["daemonset", "list"]);
    expect(hits[0]?.score).toBeGreaterThan(hits[1]?.score ?? 1);
  });

  it("reports full coverage when every concept of the question is in the item", () => {
    const [top] = buildIndex().search("kubeletの役割は?", 1);
    expect(top).toMatchObject({ id: "kubelet", coverage: 1 });
  });

  it("credits a concept matched through a translation, a little below a written match", () => {
    const [english] = buildIndex().search("What is the role of the kubelet?", 1);
    const [japanese] = buildIndex().search("kubeletの役割は?", 1);
    expect(english?.id).toBe("kubelet");
    expect(english?.coverage).toBeGreaterThan(0.8);
    expect(english?.coverage).toBeLessThan(japanese?.coverage ?? 0);
  });

  it("gives low coverage when the question's topic never occurs in the notes", () => {
    const hits = buildIndex().search("Istioのサービスメッシュの仕組みは?", 5);
    for (const hit of hits) expect(hit.coverage).toBeLessThan(0.4);
  });

  it("returns nothing for a question sharing no term with the notes", () => {
    expect(buildIndex().search("What is a PersistentVolumeClaim?", 5)).toEqual([]);
  });

  it("matches Japanese words written with kana, in another inflection", () => {
    const index = new KeywordIndex();
    index.addAll([
      { id: "a", text: "コミットを1つずつ確認する" },
      { id: "b", text: "細かいコミットを1つにまとめる" },
    ]);
    const [top] = index.search("wipコミットをまとめたい", 2);
    expect(top?.id).toBe("b");
    const [covered] = index.search("コミットが細かくてまとめたい", 1);
    expect(covered).toMatchObject({ id: "b" });
  });

  it("counts a kanji compound's words once, whether the note joins them or not", () => {
    const index = new KeywordIndex();
    index.addAll([
      { id: "joined", text: "名前解決の設定" },
      { id: "apart", text: "名前を解決する設定" },
      { id: "other", text: "ログの設定" },
    ]);
    const hits = index.search("名前解決", 3);
    expect(hits.map((h) => h.id)).toEqual(["joined", "apart"]);
    // The straddling bigram 前解 is not a concept of its own, so the note that writes the two
    // words apart covers two of three concepts (the rarer compound weighs more than each
    // word); as four concepts, 前解 counted too, it covered under a third.
    expect(hits[1]?.coverage).toBeGreaterThan(0.4);
  });

  it("keeps scores and coverage within [0, 1]", () => {
    for (const q of ["ReplicaSet ReplicaSet Pod", "Podのレプリカ", "知らない"]) {
      for (const hit of buildIndex().search(q, 10)) {
        expect(hit.score).toBeGreaterThan(0);
        expect(hit.score).toBeLessThanOrEqual(1);
        expect(hit.coverage).toBeLessThanOrEqual(1);
      }
    }
  });

  it("forgets a removed document and replaces a re-added one", () => {
    const index = buildIndex();
    expect(index.remove("kubelet")).toBe(true);
    expect(index.remove("kubelet")).toBe(false);
    expect(index.size).toBe(NOTES.length - 1);
    expect(index.search("kubelet", 5)).toEqual([]);
    index.add({ id: "secret", text: "kubeletはノード上でPodを動かす" });
    expect(index.size).toBe(NOTES.length - 1);
    expect(index.search("kubelet", 5).map((h) => h.id)).toEqual(["secret"]);
    expect(index.search("シークレット", 5)).toEqual([]);
  });

  it("scores the same after many removals trigger compaction", () => {
    const index = new KeywordIndex();
    for (let i = 0; i < 3000; i++) index.add({ id: `noise${i}`, text: `filler word${i % 50}` });
    index.addAll(NOTES);
    const before = index.search("ReplicaSetは何に使う?", 3);
    for (let i = 0; i < 3000; i++) index.remove(`noise${i}`);
    const fresh = buildIndex().search("ReplicaSetは何に使う?", 3);
    const after = index.search("ReplicaSetは何に使う?", 3);
    expect(after).toEqual(fresh);
    expect(after.map((h) => h.id)).toEqual(before.map((h) => h.id));
  });

  it("breaks score ties by id so results do not depend on insertion order", () => {
    const a = new KeywordIndex();
    const b = new KeywordIndex();
    const docs = [
      { id: "b", text: "containerd" },
      { id: "a", text: "containerd" },
    ];
    a.addAll(docs);
    b.addAll([...docs].reverse());
    expect(a.search("containerd", 2)).toEqual(b.search("containerd", 2));
    expect(a.search("containerd", 2).map((h) => h.id)).toEqual(["a", "b"]);
  });

  describe("a Japanese word the glossary cannot translate", () => {
    const english = [
      { id: "env", text: "Read an environment variable in Clojure with System/getenv" },
      { id: "tmux", text: "Rename a tmux window from the command line" },
    ];
    // 鼻歌 (humming) is in no glossary: English notes cannot contain it.
    const question = "Clojure 鼻歌";

    it("says nothing about notes written without Japanese", () => {
      const index = new KeywordIndex();
      index.addAll(english);
      expect(index.search(question, 1)[0]).toMatchObject({ id: "env", coverage: 1 });
      expect(index.unseen(question).share).toBe(0);
    });

    it("counts as missing once the notes do use Japanese", () => {
      const index = new KeywordIndex();
      index.addAll([...english, { id: "ja", text: "環境変数を読む" }]);
      expect(index.search(question, 1)[0]?.coverage).toBeLessThan(1);
      expect(index.unseen(question).share).toBeGreaterThan(0);
    });

    it("forgets the notes' Japanese when the last Japanese note is removed", () => {
      const index = new KeywordIndex();
      index.addAll([...english, { id: "ja", text: "環境変数を読む" }]);
      index.remove("ja");
      expect(index.search(question, 1)[0]?.coverage).toBe(1);
    });
  });

  describe("unseen names", () => {
    const index = new KeywordIndex();
    index.addAll([
      { id: "topic", text: "Create a topic with three partitions" },
      { id: "memo", text: "Use a memo to remember the result" },
      { id: "status", text: "The server answered with status 200" },
    ]);

    it("names a name-like word no document contains", () => {
      expect(index.unseen("How do I create a Kafka topic with three partitions?").names).toEqual([
        "kafka",
      ]);
      expect(index.unseen("WordPressのプラグインを作るには?").names).toEqual(["wordpress"]);
    });

    it("leaves out everyday words, numbers, seen words and compounds of seen words", () => {
      expect(index.unseen("How do I create a topic?").names).toEqual([]);
      expect(index.unseen("What does a nonexistent word do?").names).toEqual([]);
      expect(index.unseen("Why does the server answer 502?").names).toEqual([]);
      expect(index.unseen("How do I useMemo the result?").names).toEqual([]);
      expect(index.unseen("Is three-way partitioning possible?").names).toEqual([]);
    });
  });
});

describe("KeywordIndex: sigils", () => {
  const shell = () => {
    const index = new KeywordIndex();
    index.addAll([
      { id: "bang", text: "Pass `!$` to vim: `vim !$`." },
      { id: "status", text: "The exit status of the last command is in `$?`." },
      { id: "line", text: "Edit the last command line with fc." },
      { id: "flags", text: "Command line flags and line endings." },
      { id: "shell", text: "A command runs in the shell." },
      { id: "arrow", text: "An arrow function: `x => x + 1`." },
    ]);
    return index;
  };

  it("finds the item that explains a sigil the question is built on", () => {
    expect(shell().search("What does !$ refer to on the command line?", 1)[0]?.id).toBe("bang");
    expect(shell().search("what does $? hold", 1)[0]?.id).toBe("status");
  });

  it("does not count a sigil no note has against the question's coverage", () => {
    const [top] = shell().search("edit the last command line <%= here", 1);
    expect(top).toMatchObject({ id: "line", coverage: 1 });
    expect(shell().unseen("edit the last command line <%= here").share).toBe(0);
  });

  it("takes whole tokens with an operator only, not dashes, dots or headings", () => {
    expect(sigilTerms("echo $? and $_ and $HOME/bin, a => b").map((t) => t.slice(1))).toEqual([
      "$?",
      "$_",
      "=>",
    ]);
    expect(sigilTerms("x -- y ... ## Head **bold** What?")).toEqual([]);
  });
});

describe("KeywordIndex.coverageOf", () => {
  it("gives chosen documents the coverage search gives them, whatever their rank", () => {
    const index = new KeywordIndex();
    const docs = Array.from({ length: 40 }, (_, i) => ({
      id: `d${i}`,
      text: i % 3 === 0 ? `archive listing number ${i} with unzip` : `archive ${i} of things`,
    }));
    index.addAll(docs);
    index.remove("d3");
    const all = index.search("unzip archive listing 配列", 100);
    const picked = ["d39", "d1", "d3", "missing", "d0"];
    const covered = index.coverageOf("unzip archive listing 配列", picked);
    expect(covered.map((h) => h.id)).toEqual(["d39", "d1", "d0"]);
    for (const hit of covered) {
      expect(hit.coverage).toBeCloseTo(all.find((h) => h.id === hit.id)?.coverage ?? -1, 10);
    }
    expect(covered[0]?.coverage).toBeGreaterThan(covered[1]?.coverage ?? 1);
    expect(index.coverageOf("nothing shared", ["d1"])).toEqual([]);
  });
});

describe("KeywordIndex.addComposite", () => {
  const PARTS = {
    a: "DaemonSetは各ノードに1つずつPodを配置するという認識",
    b: "Use `!$` for the last argument of the previous command && keep going",
    c: "kubeletの役割をあまり知らない。Running kubelets report node status.",
  };
  const HEAD = "k8s\nKubernetes 学習ログ\nPod関連";
  const QUERIES = [
    "DaemonSetはどこに配置される?",
    "What does !$ do?",
    "kubelet node status",
    "Pod",
  ];

  it("indexes a document as if its parts' texts were joined to it, reusing their analysis", () => {
    const chunks = new KeywordIndex();
    for (const [id, text] of Object.entries(PARTS)) chunks.add({ id, text });
    const joined = new KeywordIndex();
    const composite = new KeywordIndex();
    for (const index of [joined, composite])
      index.add({ id: "other", text: "an unrelated note about Docker images" });
    joined.add({ id: "note", text: [HEAD, PARTS.a, PARTS.b, PARTS.c].join("\n") });
    composite.addComposite("note", HEAD, ["a", "b", "c"], chunks);

    for (const q of QUERIES) {
      expect(composite.search(q, 2)).toEqual(joined.search(q, 2));
      expect(composite.search(q, 2).length).toBeGreaterThan(0);
    }
  });

  it("leaves out a part the other index does not hold, and replaces the document on re-adding", () => {
    const chunks = new KeywordIndex();
    chunks.add({ id: "a", text: PARTS.a });
    const composite = new KeywordIndex();
    composite.addComposite("note", HEAD, ["a", "missing"], chunks);
    const joined = new KeywordIndex();
    joined.add({ id: "note", text: [HEAD, PARTS.a].join("\n") });
    expect(composite.search("DaemonSet Pod", 1)).toEqual(joined.search("DaemonSet Pod", 1));

    composite.addComposite("note", "Docker", [], chunks);
    expect(composite.size).toBe(1);
    expect(composite.search("DaemonSet", 1)).toEqual([]);
  });
});

describe("KeywordIndex: Japanese synonyms", () => {
  it("finds 置換 for a question that says 置き換え (both are 'replace' in the glossary)", () => {
    const index = new KeywordIndex();
    index.add({ id: "a-settings", text: "Vimの設定ファイルは ~/.vimrc に書く" });
    index.add({ id: "b-substitute", text: "Vimで置換するには :%s/old/new/gc を使う" });
    const [top] = index.search("Vimで文字列を置き換えたい", 2);
    expect(top?.id).toBe("b-substitute");
  });
});
