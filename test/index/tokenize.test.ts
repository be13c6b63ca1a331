import { describe, expect, it } from "vitest";
import {
  analyze,
  analyzeQuery,
  hashString,
  lemmasOf,
  normalizeText,
  stemWord,
} from "../../src/index/tokenize.js";

describe("analyze", () => {
  it("lowercases Latin words and splits camelCase into parts too", () => {
    expect(analyze("ReplicaSet")).toEqual(["replicaset", "replica", "set"]);
    expect(analyze("PersistentVolumeClaim")).toContain(stemWord("volume"));
  });

  it("keeps letter-digit words like k8s whole", () => {
    expect(analyze("k8s and k3s")).toEqual(["k8s", "k3s"]);
  });

  it("splits hyphenated compounds and also keeps them joined", () => {
    expect(analyze("containerd-shim")).toEqual(["containerdshim", "containerd", "shim"]);
  });

  it("folds full-width Latin and half-width katakana with NFKC", () => {
    expect(analyze("ＲｅｐｌｉｃａＳｅｔ")).toEqual(analyze("ReplicaSet"));
    expect(analyze("ｺﾝﾃﾅ")).toEqual(["コンテナ"]);
    expect(normalizeText("ｺﾝﾃﾅ")).toBe("コンテナ");
  });

  it("drops English function words and question words", () => {
    expect(analyze("What does the kubelet do?")).toEqual(["kubelet"]);
  });

  it("drops Japanese particles, hiragana function words and question words", () => {
    expect(analyze("kubeletの役割は何?")).toEqual(["kubelet", "役割"]);
    expect(analyze("DaemonSetって何?")).toEqual(["daemonset", "daemon", "set"]);
    expect(analyze("とはなに")).toEqual([]);
  });

  it("adds kanji bigrams for compounds so differently joined phrases still meet", () => {
    const question = analyze("高可用構成");
    const note = analyze("高可用な構成");
    expect(question).toEqual(expect.arrayContaining(["高可", "可用", "構成"]));
    expect(note).toEqual(expect.arrayContaining(["高可用", "構成"]));
  });

  it("keeps the kanji stem of verbs so inflections match", () => {
    expect(analyze("使う")).toEqual(["使", "使う"]);
    expect(analyze("使える")).toEqual(["使", "使え"]);
  });

  it("treats a trailing long vowel mark as a spelling variant of katakana words", () => {
    expect(analyze("サーバー")).toEqual(analyze("サーバ"));
  });

  it("splits long katakana compounds into their words as well", () => {
    expect(analyze("サービスメッシュ")).toEqual(["サービスメッシュ", "サービス", "メッシュ"]);
  });

  it("keeps Japanese words with okurigana beside their kanji stem", () => {
    expect(analyze("アプリに機密情報を渡す仕組み")).toEqual(
      expect.arrayContaining(["渡", "渡す", "仕組", "仕組み"]),
    );
    expect(analyze("divを画面のど真ん中に置く")).toContain("真ん中");
    // Dictionary form and other inflections meet on one form (final る/い dropped).
    expect(analyze("ファイルが消える")).toContain("消え");
    expect(analyze("細かいコミット")).toContain("細か");
    expect(analyze("設定を書き換えたい")).toEqual(analyze("設定を書き換える"));
  });

  it("keeps hiragana content words, one form for their inflections", () => {
    expect(analyze("表示がずれる")).toEqual(["表示", "ずれ"]);
    expect(analyze("コミットをまとめたい")).toEqual(["コミット", "まとめ"]);
    expect(analyze("コミットをまとめる")).toEqual(["コミット", "まとめ"]);
  });

  it("drops particles, auxiliaries and other hiragana function words", () => {
    expect(analyze("これについてはできるだけ確認しておきたいと思っています")).toEqual([
      "確認",
      "思",
    ]);
    expect(analyze("それぞれどういう時に使うのかよくわからない")).toEqual(["使", "使う"]);
    // An adverb is a kanji word plus a particle, not a word of its own.
    expect(analyze("同時に")).toEqual(["同時"]);
  });

  it("ignores kana the segmenter splits off a kanji word", () => {
    // 小さくする → 小 | さくする: the kana are an inflection, not a word.
    expect(analyze("イメージを小さくする")).toEqual(["イメージ", "小"]);
  });

  it("segments a long unbroken Japanese run in windows, losing only words cut at an edge", () => {
    const terms = analyze("ファイルをまとめる".repeat(3000));
    const count = (term: string) => terms.filter((t) => t === term).length;
    expect(count("ファイル")).toBe(3000);
    expect(count("まとめ")).toBeGreaterThan(2900);
    expect(count("まとめ")).toBeLessThanOrEqual(3000);
  });

  it("guesses the base forms of English inflections", () => {
    expect(lemmasOf("used")).toContain("use");
    expect(lemmasOf("running")).toContain("run");
    expect(lemmasOf("written")).toContain("write");
    expect(lemmasOf("copied")).toContain("copy");
    expect(lemmasOf("directly")).toContain("direct");
    expect(lemmasOf("pod")).toEqual(["pod"]);
  });

  it("stems English words (Porter), plurals and inflections alike", () => {
    expect(stemWord("containers")).toBe(stemWord("container"));
    expect(stemWord("policies")).toBe(stemWord("policy"));
    expect(stemWord("sandboxes")).toBe(stemWord("sandbox"));
    expect(stemWord("extracting")).toBe(stemWord("extracted"));
    expect(stemWord("class")).toBe("class");
    expect(stemWord("k8s")).toBe("k8s");
  });
});

describe("analyzeQuery", () => {
  it("translates a Japanese gloss only when the question has all of its words", () => {
    const translations = (q: string) =>
      analyzeQuery(q)
        .filter((t) => t.kind === "translation")
        .map((t) => t.term);
    // 置き換え (replace) analyzes to 置, 換, 換え: 置く (put) alone is not "replace".
    expect(translations("文字列を置き換えたい")).toContain("replac");
    expect(translations("ファイルを置く場所")).not.toContain("replac");
  });

  it("groups a compound word with its parts", () => {
    const terms = analyzeQuery("What does a ReplicaSet do?", { expand: false });
    expect(terms.map((t) => [t.term, t.kind])).toEqual([
      ["replicaset", "written"],
      ["replica", "piece"],
      ["set", "piece"],
    ]);
    expect(new Set(terms.map((t) => t.group)).size).toBe(1);
  });

  it("adds Japanese translations of English words into the same group", () => {
    const terms = analyzeQuery("How do containers start?");
    const container = terms.find((t) => t.term === stemWord("container"));
    const translated = terms.find((t) => t.term === "コンテナ");
    expect(translated?.kind).toBe("translation");
    expect(translated?.group).toBe(container?.group);
  });

  it("translates into kanji and katakana terms, not the kana words beside them", () => {
    const translations = analyzeQuery("How do I use it?")
      .filter((t) => t.kind === "translation")
      .map((t) => t.term);
    expect(translations).toContain("使");
    expect(translations.filter((t) => /[\u3041-\u309f]/.test(t))).toEqual([]);
  });

  it("translates English phrases as one concept", () => {
    const terms = analyzeQuery("what is the control plane");
    const groups = new Set(
      terms
        .filter((t) => ["control", "plane", "コントロールプレーン"].includes(t.term))
        .map((t) => t.group),
    );
    expect(groups.size).toBe(1);
  });

  it("adds English translations of Japanese words", () => {
    expect(analyzeQuery("コンテナの役割").map((t) => t.term)).toEqual(
      expect.arrayContaining([stemWord("container"), "role"]),
    );
  });

  it("marks names as specific and everyday words as not", () => {
    const terms = analyzeQuery("Does Istio exist", { expand: false });
    expect(terms.find((t) => t.term === "istio")?.specific).toBe(true);
    expect(terms.find((t) => t.term === "exist")?.specific).toBe(false);
  });

  it("matches other inflections of an everyday English word, not of names", () => {
    const terms = analyzeQuery("Which pods were made?", { expand: false });
    const made = terms.find((t) => t.term === "made");
    const make = terms.find((t) => t.term === stemWord("make"));
    expect(make).toMatchObject({ kind: "variant", group: made?.group });
    expect(analyzeQuery("created", { expand: false }).map((t) => t.term)).toContain(
      stemWord("creating"),
    );
    expect(analyzeQuery("Istio", { expand: false }).map((t) => t.term)).toEqual(["istio"]);
  });

  it("translates inflected and irregular English forms through their base word", () => {
    expect(analyzeQuery("Is it used?").map((t) => t.term)).toContain("使");
    expect(analyzeQuery("what was made").map((t) => t.term)).toContain("作成");
  });

  it("treats 'kind of' as phrasing rather than the topic", () => {
    const terms = analyzeQuery("What kind of interface is it?", { expand: false });
    expect(terms.map((t) => t.term)).toContain(stemWord("interface"));
    expect(terms.map((t) => t.term)).not.toContain("kind");
    expect(analyzeQuery("minikube or kind", { expand: false }).map((t) => t.term)).toContain(
      "kind",
    );
  });

  it("counts a word with okurigana and its kanji stem as one concept", () => {
    const terms = analyzeQuery("機密情報を渡す仕組み", { expand: false });
    const group = (term: string) => terms.find((t) => t.term === term)?.group;
    expect(group("渡す")).toBe(group("渡"));
    expect(group("仕組み")).toBe(group("仕組"));
    expect(group("渡す")).not.toBe(group("仕組み"));
    expect(terms.find((t) => t.term === "仕組み")).toMatchObject({ kind: "written", weight: 1 });
  });

  it("makes the words of a kanji compound its concepts and a straddling bigram only a piece", () => {
    const terms = analyzeQuery("名前解決", { expand: false });
    expect(terms.map((t) => [t.term, t.kind])).toEqual([
      ["名前解決", "written"],
      ["前解", "piece"],
      ["名前", "written"],
      ["解決", "written"],
    ]);
    const group = (term: string) => terms.find((t) => t.term === term)?.group;
    expect(group("前解")).toBe(group("名前解決"));
    expect(new Set(terms.map((t) => t.group)).size).toBe(3);
    // The document side still has every bigram, so a differently joined phrase matches.
    expect(analyze("名前解決")).toEqual(["名前解決", "前解", "名前", "解決"]);
  });

  it("returns no terms for a question made only of function words", () => {
    expect(analyzeQuery("what is it?")).toEqual([]);
  });
});

describe("hashString", () => {
  it("is a fixed function of the text", () => {
    expect(hashString("kubelet")).toBe(hashString("kubelet"));
    expect(hashString("kubelet")).not.toBe(hashString("kubelets"));
    expect(hashString("abc", 1)).not.toBe(hashString("abc", 2));
  });

  it("hashes a slice like the substring", () => {
    expect(hashString("xxkubeletyy", 7, 2, 9)).toBe(hashString("kubelet", 7));
  });
});
