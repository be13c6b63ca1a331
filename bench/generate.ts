/**
 * Synthetic learning-log notes for the benchmark: markdown files shaped like the seed log
 * (frontmatter, headings, marked list items in Japanese and English, nested context, prose,
 * code blocks), generated from a seed so every run and machine sees the same corpus.
 *
 * Item counts are exact: letter markers (`O`, `x`…) are never glued to Latin letters or digits
 * (the ambiguous form), and unmarked items never start with anything a marker could match.
 *
 * CLI: `tsx bench/generate.ts --items 10000 --out /tmp/notes [--seed 1] [--items-per-note 50]`
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { MichiError } from "../src/errors.js";
import type { Status } from "../src/notes/index.js";
import { matchMarker } from "../src/notes/markers.js";

export interface GenerateOptions {
  /** Exact number of list items to write, nested sub-items included. */
  readonly items: number;
  /** PRNG seed; the same seed writes byte-identical files. Default 1. */
  readonly seed?: number;
  /** Directory to write into; created if missing, must hold no files yet. */
  readonly dir: string;
  /** Average items per note (the seed log has 45). Default 50. */
  readonly itemsPerNote?: number;
}

export interface GenerateResult {
  readonly notes: number;
  readonly items: number;
  readonly byStatus: Record<Status, number>;
  /** Prose paragraphs written (indexed as unmarked chunks, not counted as items). */
  readonly prose: number;
  /** Fenced code blocks written (their list-like lines are not items). */
  readonly codeBlocks: number;
  /** How many items use each marker form, e.g. `{ "O": 812, "[ ]": 97 }`. */
  readonly markers: Readonly<Record<string, number>>;
  /** Items whose marker is glued to the text (`Oカスタム…`). */
  readonly glued: number;
  /** Note paths relative to `dir`, `/`-separated, in write order. */
  readonly files: readonly string[];
}

export interface EditResult {
  /** Items whose text changed. */
  readonly items: number;
  /** Files rewritten. */
  readonly files: number;
}

const DEFAULTS = {
  seed: 1,
  // Close to the seed log's 45 items per note.
  itemsPerNote: 50,
  // Concurrent file writes; enough to hide latency without exhausting file descriptors.
  writeConcurrency: 32,
} as const;

/** mulberry32: tiny, fast, good enough for test data, and identical on every platform. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;

function pick<T>(rng: Rng, list: readonly T[]): T {
  const value = list[Math.floor(rng() * list.length)];
  if (value === undefined) throw new Error("pick from an empty list");
  return value;
}

function shuffle<T>(rng: Rng, list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const a = list[i] as T;
    list[i] = list[j] as T;
    list[j] = a;
  }
  return list;
}

function randInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

interface Domain {
  readonly slug: string;
  readonly name: string;
  readonly tags: readonly string[];
  readonly sections: readonly string[];
  readonly terms: readonly string[];
}

const DOMAINS: readonly Domain[] = [
  {
    slug: "kubernetes",
    name: "Kubernetes",
    tags: ["k8s", "container", "infra"],
    sections: ["概要", "Pod関連", "NW", "Storage", "その他リソース", "拡張", "Workloads"],
    terms: [
      "Pod",
      "ReplicaSet",
      "StatefulSet",
      "DaemonSet",
      "Deployment",
      "Ingress",
      "ConfigMap",
      "kubelet",
      "kube-proxy",
      "etcd",
      "CNI",
      "CSI",
      "Helm",
      "カスタムコントローラ",
      "マニフェストファイル",
      "名前空間",
      "コントロールプレーン",
      "サイドカーコンテナ",
      "PersistentVolume",
      "HorizontalPodAutoscaler",
    ],
  },
  {
    slug: "networking",
    name: "ネットワーク",
    tags: ["network", "tcp-ip"],
    sections: ["基礎", "TCP/IP", "DNS", "HTTP", "ルーティング", "Troubleshooting"],
    terms: [
      "TCP",
      "UDP",
      "QUIC",
      "HTTP/2",
      "TLS",
      "DNS",
      "BGP",
      "NAT",
      "VLAN",
      "ARP",
      "MTU",
      "3ウェイハンドシェイク",
      "輻輳制御",
      "ロードバランサ",
      "リバースプロキシ",
      "サブネットマスク",
      "パケットキャプチャ",
      "WebSocket",
    ],
  },
  {
    slug: "databases",
    name: "データベース",
    tags: ["db", "sql"],
    sections: ["SQL", "インデックス", "トランザクション", "Replication", "運用"],
    terms: [
      "PostgreSQL",
      "MySQL",
      "SQLite",
      "B-tree",
      "LSM-tree",
      "MVCC",
      "WAL",
      "VACUUM",
      "EXPLAIN",
      "外部キー",
      "正規化",
      "分離レベル",
      "デッドロック",
      "レプリケーション",
      "シャーディング",
      "接続プール",
      "マテリアライズドビュー",
      "Redis",
    ],
  },
  {
    slug: "linux",
    name: "Linux",
    tags: ["linux", "os"],
    sections: ["プロセス", "ファイルシステム", "メモリ", "Kernel", "シェル"],
    terms: [
      "systemd",
      "cgroups",
      "namespaces",
      "epoll",
      "inode",
      "ページキャッシュ",
      "仮想メモリ",
      "スワップ",
      "シグナル",
      "ゾンビプロセス",
      "ファイルディスクリプタ",
      "strace",
      "eBPF",
      "iptables",
      "cron",
      "カーネルモジュール",
      "コピーオンライト",
    ],
  },
  {
    slug: "typescript",
    name: "TypeScript",
    tags: ["typescript", "javascript", "lang"],
    sections: ["型システム", "ランタイム", "ツール", "非同期", "Modules"],
    terms: [
      "ジェネリクス",
      "型推論",
      "条件型",
      "mapped types",
      "satisfies",
      "ESM",
      "CommonJS",
      "イベントループ",
      "Promise",
      "async/await",
      "tsconfig",
      "型ガード",
      "判別共用体",
      "Node.js",
      "Deno",
      "バンドラ",
      "ソースマップ",
      "WeakMap",
    ],
  },
  {
    slug: "rust",
    name: "Rust",
    tags: ["rust", "lang"],
    sections: ["所有権", "トレイト", "非同期", "Cargo", "Unsafe"],
    terms: [
      "所有権",
      "借用チェッカー",
      "ライフタイム",
      "トレイトオブジェクト",
      "Box",
      "Rc",
      "Arc",
      "Mutex",
      "tokio",
      "async fn",
      "マクロ",
      "Cargo workspace",
      "パターンマッチ",
      "ゼロコスト抽象化",
      "Send",
      "Sync",
      "unsafe",
    ],
  },
  {
    slug: "security",
    name: "セキュリティ",
    tags: ["security"],
    sections: ["認証", "認可", "暗号", "Web脆弱性", "運用"],
    terms: [
      "OAuth 2.0",
      "OpenID Connect",
      "JWT",
      "CSRF",
      "XSS",
      "SQLインジェクション",
      "公開鍵暗号",
      "ハッシュ関数",
      "ソルト",
      "HSTS",
      "CORS",
      "ゼロトラスト",
      "多要素認証",
      "証明書チェーン",
      "シークレット管理",
      "サンドボックス",
    ],
  },
  {
    slug: "machine-learning",
    name: "機械学習",
    tags: ["ml", "ai"],
    sections: ["基礎", "深層学習", "評価", "LLM", "MLOps"],
    terms: [
      "勾配降下法",
      "過学習",
      "正則化",
      "交差検証",
      "Transformer",
      "Attention",
      "埋め込みベクトル",
      "ファインチューニング",
      "RAG",
      "トークナイザ",
      "バッチ正規化",
      "ドロップアウト",
      "適合率",
      "再現率",
      "近似最近傍探索",
      "HNSW",
      "量子化",
    ],
  },
  {
    slug: "frontend",
    name: "フロントエンド",
    tags: ["web", "frontend"],
    sections: ["React", "CSS", "ブラウザ", "パフォーマンス", "アクセシビリティ"],
    terms: [
      "仮想DOM",
      "useEffect",
      "Server Components",
      "ハイドレーション",
      "CSS Grid",
      "Flexbox",
      "Service Worker",
      "レンダリングパイプライン",
      "Core Web Vitals",
      "遅延読み込み",
      "状態管理",
      "WAI-ARIA",
      "コード分割",
      "Web Components",
      "IndexedDB",
    ],
  },
  {
    slug: "cloud",
    name: "クラウド",
    tags: ["cloud", "aws"],
    sections: ["コンピュート", "ストレージ", "IAM", "ネットワーク", "コスト"],
    terms: [
      "EC2",
      "S3",
      "Lambda",
      "VPC",
      "IAMロール",
      "CloudFront",
      "Terraform",
      "オートスケーリング",
      "マネージドサービス",
      "リージョン",
      "アベイラビリティゾーン",
      "サーバーレス",
      "スポットインスタンス",
      "オブジェクトストレージ",
      "Infrastructure as Code",
    ],
  },
  {
    slug: "distributed-systems",
    name: "分散システム",
    tags: ["distributed"],
    sections: ["合意", "一貫性", "障害", "メッセージング", "Time"],
    terms: [
      "Raft",
      "Paxos",
      "CAP定理",
      "結果整合性",
      "ベクタークロック",
      "リーダー選出",
      "冪等性",
      "サーキットブレーカー",
      "Kafka",
      "メッセージキュー",
      "分散トレーシング",
      "2相コミット",
      "CRDT",
      "ゴシッププロトコル",
      "スプリットブレイン",
    ],
  },
  {
    slug: "devops",
    name: "DevOps",
    tags: ["git", "ci", "devops"],
    sections: ["Git", "CI/CD", "監視", "リリース", "Incident"],
    terms: [
      "git rebase",
      "git bisect",
      "GitHub Actions",
      "ブルーグリーンデプロイ",
      "カナリアリリース",
      "Prometheus",
      "Grafana",
      "SLO",
      "エラーバジェット",
      "ポストモーテム",
      "feature flag",
      "コンテナイメージ",
      "Dockerfile",
      "マルチステージビルド",
      "サプライチェーン攻撃",
    ],
  },
];

/** Headings any log may have besides its topic's own. */
const GENERIC_SECTIONS = ["はじめに", "知っていること", "知らないこと", "その他", "Open questions"];

const ASPECTS_JA = [
  "仕組み",
  "使いどころ",
  "内部実装",
  "設定方法",
  "トラブルシュート",
  "性能特性",
  "制約",
  "歴史的経緯",
  "ベストプラクティス",
  "障害時の挙動",
  "セキュリティ上の注意点",
  "デバッグ方法",
  "スケールのさせ方",
  "監視の仕方",
  "ライフサイクル",
  "API",
  "データ構造",
  "名前の由来",
  "メリット・デメリット",
  "テストの書き方",
];

const ASPECTS_EN = [
  "internals",
  "use cases",
  "configuration",
  "failure modes",
  "performance characteristics",
  "limits",
  "history",
  "best practices",
  "security implications",
  "debugging story",
  "scaling behaviour",
  "monitoring story",
  "lifecycle",
  "API surface",
  "data layout",
  "trade-offs",
  "default settings",
  "testing approach",
];

const EXPERIENCES_JA = [
  "本番で使ったことがある",
  "ハンズオンで触った",
  "公式ドキュメントを読んだ",
  "勉強会で聞いた",
  "個人開発で試した",
  "書籍で読んだ",
  "先輩に教わった",
  "研究で使っていた",
  "バイトで扱った",
  "障害対応で調べた",
];

const EXPERIENCES_EN = [
  "in production",
  "in a side project",
  "during a workshop",
  "while reading the official docs",
  "at work last year",
  "during a code review",
  "while debugging an outage",
  "in a university course",
];

type Lang = "ja" | "en";

interface Words {
  readonly t: string;
  readonly t2: string;
  readonly a: string;
  readonly a2: string;
  readonly x: string;
  readonly n: number;
}

type Template = (w: Words) => string;

const ITEM_TEMPLATES: Record<Lang, Record<Status, readonly Template[]>> = {
  ja: {
    known: [
      (w) => `${w.t}の${w.a}は説明できる`,
      (w) => `${w.t}は${w.x}ので知っている`,
      (w) => `"${w.t}"というものがあることは知っている`,
      (w) => `「${w.t}」の${w.a}は理解している`,
      (w) => `${w.t}と${w.t2}の違いは説明できる`,
      (w) => `${w.t}が${w.t2}と組み合わせて使われることは知っている`,
      (w) => `${w.t}の${w.a}について${w.x}`,
      (w) => `${w.t}は${w.a}が肝だという認識`,
      (w) => `${w.t}を使って${w.t2}の${w.a}を改善したことがある`,
    ],
    partial: [
      (w) => `${w.t}の${w.a}はなんとなく分かるが、${w.a2}は曖昧`,
      (w) => `${w.t}は${w.x}が、${w.a}までは自信がない`,
      (w) => `${w.t}と${w.t2}の関係は半分くらい理解している`,
      (w) => `${w.t}の${w.a}は知っているが、他にあるかどうかは知らない`,
      (w) => `${w.t}で特殊な${w.t2}を作るらしい事は知っているが、役割は忘れた`,
    ],
    unknown: [
      (w) => `${w.t}の${w.a}は知らない`,
      (w) => `${w.t}と${w.t2}の違いが説明できない`,
      (w) => `${w.t}を本番で使ったことはない`,
      (w) => `なぜ${w.t}が${w.t2}より好まれるのかは説明できない`,
      (w) => `${w.t}が何かは忘れた`,
      (w) => `${w.t}の${w.a}や${w.a2}はわかっていない`,
      (w) => `${w.t}はどの部分をどの様に${w.a}に活かせるのかわかっていない`,
    ],
    unmarked: [
      (w) => `${w.t}の${w.a}については後で調べる`,
      (w) => `${w.t}関連の記事を${w.n}本ほど読む予定`,
      (w) => `${w.t}は${w.t2}に似ているらしい`,
      (w) => `メモ: ${w.t}の${w.a}は第${w.n}章にある`,
    ],
  },
  en: {
    known: [
      (w) => `I can explain the ${w.a} of ${w.t}`,
      (w) => `Used ${w.t} ${w.x}`,
      (w) => `Know that ${w.t} works together with ${w.t2}`,
      (w) => `Understand how ${w.t} differs from ${w.t2}`,
      (w) => `Know the ${w.a} of ${w.t} well enough to teach it`,
      (w) => `Have tuned the ${w.a} of ${w.t} ${w.x}`,
    ],
    partial: [
      (w) => `Roughly know the ${w.a} of ${w.t}, but not the ${w.a2}`,
      (w) => `Read about ${w.t} ${w.x} but never tried it`,
      (w) => `Half understand why ${w.t} needs ${w.t2}`,
      (w) => `Can use ${w.t} but could not explain its ${w.a}`,
    ],
    unknown: [
      (w) => `Cannot explain the ${w.a} of ${w.t}`,
      (w) => `Do not know how ${w.t} compares to ${w.t2}`,
      (w) => `Never touched ${w.t} ${w.x}`,
      (w) => `No idea what the ${w.a} of ${w.t} look like`,
      (w) => `Unsure when to pick ${w.t} over ${w.t2}`,
    ],
    unmarked: [
      (w) => `Look into the ${w.a} of ${w.t} later`,
      (w) => `Maybe ${w.t} is related to ${w.t2}`,
      (w) => `Reading list: ${w.n} posts on ${w.t} and ${w.t2}`,
      (w) => `Question for the study group: ${w.t} ${w.a}`,
    ],
  },
};

/** Sub-items: mostly the explanation written under an item when it was learned. */
const CONTEXT_TEMPLATES: Record<Lang, readonly Template[]> = {
  ja: [
    (w) => `${w.x}ときに学んだ`,
    (w) => `参考: ${w.t}の公式ドキュメントの${w.a}の節`,
    (w) => `例: ${w.t2}と一緒に使う`,
    (w) => `ポイントは${w.a}で、${w.t2}とは独立している`,
    (w) => `${w.n}月の勉強会の資料にまとまっている`,
  ],
  en: [
    (w) => `Learned this ${w.x}`,
    (w) => `See the ${w.t} docs on ${w.a}`,
    (w) => `Note: ${w.t2} is involved too`,
    (w) => `Key point: ${w.a} matters more than ${w.a2}`,
  ],
};

const PROSE_TEMPLATES: Record<Lang, readonly Template[]> = {
  ja: [
    (w) =>
      `${w.t}をやるぞと言いながら、実はこれまでまともに${w.t2}を使ったことがない。とはいえ${w.x}ので、偏ってはいるもののそれなりに知識はある。`,
    (w) =>
      `今後効率よく勉強を進めるためにも、${w.t}について今知っていること、知らないことを整理してみようと思う。特に${w.a}が気になっている。`,
    (w) => `この節は${w.t}の${w.a}についてのメモ。${w.t2}との関係は別のノートにまとめる。`,
    (w) =>
      `${w.t}の${w.a}については、${w.x}だけなので、まだ自分の言葉では説明できない。来週${w.t2}と合わせて調べる。`,
  ],
  en: [
    (w) =>
      `This week I focused on ${w.t}. Most of what I know comes from reading ${w.x}, so the ${w.a} is still fuzzy.`,
    (w) =>
      `Notes on the ${w.a} of ${w.t}. The relationship with ${w.t2} deserves its own page later.`,
    (w) =>
      `Writing down what I know and what I do not know about ${w.t} makes the next study session easier to plan.`,
  ],
};

// ---------------------------------------------------------------------------------------------
// Markers

type MarkedStatus = Exclude<Status, "unmarked">;

const MARKER_FORMS: Record<MarkedStatus, readonly string[]> = {
  known: ["O", "o", "○", "◯", "〇", "✓", "✔", "[x]", "[X]"],
  partial: ["△", "▲", "[~]"],
  unknown: ["X", "x", "×", "✕", "✗", "✘", "[ ]"],
};

/** A note's habitual markers: people keep one style per note, with occasional strays. */
const STYLES: readonly Record<MarkedStatus, string>[] = [
  { known: "O", partial: "△", unknown: "X" },
  { known: "o", partial: "△", unknown: "x" },
  { known: "○", partial: "△", unknown: "×" },
  { known: "◯", partial: "▲", unknown: "×" },
  { known: "〇", partial: "△", unknown: "✕" },
  { known: "✓", partial: "△", unknown: "✗" },
  { known: "✔", partial: "▲", unknown: "✘" },
  { known: "[x]", partial: "[~]", unknown: "[ ]" },
];

const LETTER_MARKERS = new Set(["O", "o", "X", "x"]);
const STARTS_LATIN_OR_DIGIT = /^[\p{Script=Latin}\p{Nd}]/u;
/** Starts that markdown would read as block syntax rather than item text. */
const STARTS_BLOCK_SYNTAX = /^(?:[-*+>#]|\d+[.)])/;

// Status mix of a typical log: mostly known and unknown, a few partial and plain items.
const STATUS_WEIGHTS: ReadonlyArray<readonly [Status, number]> = [
  ["known", 0.45],
  ["partial", 0.1],
  ["unknown", 0.35],
  ["unmarked", 0.1],
];

function pickStatus(rng: Rng): Status {
  let r = rng();
  for (const [status, weight] of STATUS_WEIGHTS) {
    r -= weight;
    if (r < 0) return status;
  }
  return "unmarked";
}

// ---------------------------------------------------------------------------------------------
// Note builder

interface Tally {
  items: number;
  prose: number;
  codeBlocks: number;
  glued: number;
  byStatus: Record<Status, number>;
  markers: Record<string, number>;
}

interface NoteContext {
  readonly rng: Rng;
  readonly domain: Domain;
  /** Probability that an item is written in Japanese. */
  readonly jaShare: number;
  readonly style: Record<MarkedStatus, string>;
  readonly tally: Tally;
  readonly lines: string[];
}

function drawWords(ctx: NoteContext, lang: Lang): Words {
  const { rng, domain } = ctx;
  const t = pick(rng, domain.terms);
  let t2 = pick(rng, domain.terms);
  if (t2 === t) t2 = pick(rng, pick(rng, DOMAINS).terms);
  const aspects = lang === "ja" ? ASPECTS_JA : ASPECTS_EN;
  return {
    t,
    t2,
    a: pick(rng, aspects),
    a2: pick(rng, aspects),
    x: pick(rng, lang === "ja" ? EXPERIENCES_JA : EXPERIENCES_EN),
    n: randInt(rng, 2, 12),
  };
}

function pickLang(ctx: NoteContext): Lang {
  return ctx.rng() < ctx.jaShare ? "ja" : "en";
}

/** Rare tails that make otherwise equal sentences differ, as real notes do. */
function decorate(ctx: NoteContext, lang: Lang, text: string, w: Words): string {
  const { rng } = ctx;
  const r = rng();
  const other = pick(rng, ctx.domain.terms);
  if (lang === "ja") {
    if (r < 0.08) return `${text}*1`;
    if (r < 0.16) return `${text}。`;
    if (r < 0.22) return `${text}(${other}も関係ありそう)`;
    if (r < 0.26) return `${text}(v${w.n}.${randInt(rng, 0, 30)}時点)`;
    return text;
  }
  if (r < 0.1) return `${text}, e.g. ${other}`;
  if (r < 0.16) return `${text} (as of v${w.n}.${randInt(rng, 0, 30)})`;
  if (r < 0.22) return `${text}.`;
  return text;
}

/** Item text that no marker could match and markdown reads as plain text. */
function isSafeUnmarked(text: string): boolean {
  return matchMarker(text) === null && !STARTS_BLOCK_SYNTAX.test(text);
}

function writeItem(ctx: NoteContext, indent: string, bullet: string, asContext: boolean): void {
  const { rng, tally } = ctx;
  const lang = pickLang(ctx);
  // Sub-items are mostly unmarked explanations; some carry their own status.
  const status: Status = asContext && rng() < 0.6 ? "unmarked" : pickStatus(rng);
  const w = drawWords(ctx, lang);
  const templates =
    asContext && status === "unmarked" ? CONTEXT_TEMPLATES[lang] : ITEM_TEMPLATES[lang][status];
  let text = decorate(ctx, lang, pick(rng, templates)(w), w);
  let line: string;
  if (status === "unmarked") {
    if (!isSafeUnmarked(text)) text = `${lang === "ja" ? "メモ" : "Note"}: ${text}`;
    line = `${indent}${bullet} ${text}`;
  } else {
    const marker = rng() < 0.7 ? ctx.style[status] : pick(rng, MARKER_FORMS[status]);
    const separator = chooseSeparator(ctx, marker, text, lang);
    line = `${indent}${bullet} ${marker}${separator}${text}`;
    tally.markers[marker] = (tally.markers[marker] ?? 0) + 1;
    if (separator === "") tally.glued++;
  }
  tally.byStatus[status]++;
  tally.items++;
  ctx.lines.push(line);
}

/** Glued like the seed (`Oカスタム…`, `O"マニ…"`), spaced, or rarely a full-width space. */
function chooseSeparator(ctx: NoteContext, marker: string, text: string, lang: Lang): string {
  const { rng } = ctx;
  const r = rng();
  if (marker.startsWith("[")) return " ";
  // A letter glued to Latin text is the ambiguous form; never write it so counts stay exact.
  const glueable = !(LETTER_MARKERS.has(marker) && STARTS_LATIN_OR_DIGIT.test(text));
  if (glueable && r < (lang === "ja" ? 0.35 : 0.08)) return "";
  if (lang === "ja" && r > 0.97) return "\u3000";
  return " ";
}

/** One list of exactly `count` items, nested sub-items included. */
function writeList(ctx: NoteContext, count: number): void {
  const { rng } = ctx;
  const ordered = rng() < 0.15;
  const bulletChar = pick(rng, ["-", "-", "-", "*", "+"]);
  let remaining = count;
  let n = 1;
  while (remaining > 0) {
    const bullet = ordered ? `${n}.` : bulletChar;
    n++;
    writeItem(ctx, "", bullet, false);
    remaining--;
    // Children indent to the parent's content column, as CommonMark requires.
    const childIndent = " ".repeat(bullet.length + 1);
    let children = remaining > 0 && rng() < 0.2 ? Math.min(remaining, randInt(rng, 1, 3)) : 0;
    remaining -= children;
    while (children > 0) {
      const childBullet = ordered && rng() < 0.5 ? "1." : "-";
      writeItem(ctx, childIndent, childBullet, true);
      children--;
      if (children > 0 && rng() < 0.15) {
        writeItem(ctx, `${childIndent}${" ".repeat(childBullet.length + 1)}`, "-", true);
        children--;
      }
    }
  }
  ctx.lines.push("");
}

function writeProse(ctx: NoteContext): void {
  const lang = pickLang(ctx);
  const w = drawWords(ctx, lang);
  ctx.lines.push(pick(ctx.rng, PROSE_TEMPLATES[lang])(w), "");
  ctx.tally.prose++;
}

/** Code whose lines look like list items: they must never be counted. */
function writeCode(ctx: NoteContext): void {
  const { rng, domain } = ctx;
  const term = pick(rng, domain.terms);
  const name = term.toLowerCase().replace(/[^a-z0-9]+/g, "-") || "app";
  const n = randInt(rng, 1, 30);
  const blocks: string[][] = [
    [
      "```yaml",
      "apiVersion: v1",
      "kind: Pod",
      "metadata:",
      `  name: ${name}`,
      "spec:",
      "  containers:",
      `    - name: ${name}`,
      `      image: nginx:1.${n}`,
      "      ports:",
      `        - containerPort: ${8000 + n}`,
      "```",
    ],
    ["```bash", `# ${term}`, `grep -n "${name}" notes/*.md | head -${n}`, "```"],
    [
      "```markdown",
      "- O this line sits inside a code block and is not an item",
      "- X neither is this one",
      `* △ nor ${term}`,
      "```",
    ],
    [
      "~~~ts",
      `const ${name.replace(/-/g, "_")}Items = ["O", "X", "△"];`,
      `// - x ${term} is a comment, not an item`,
      "~~~",
    ],
  ];
  ctx.lines.push(...pick(rng, blocks), "");
  ctx.tally.codeBlocks++;
}

function quoteYaml(value: string): string {
  // JSON strings are valid YAML double-quoted scalars.
  return JSON.stringify(value);
}

function formatDate(rng: Rng, index: number): string {
  const base = Date.UTC(2022, 0, 1);
  const day = index * 3 + randInt(rng, 0, 2);
  return new Date(base + day * 86_400_000).toISOString().slice(0, 10);
}

function writeHeader(ctx: NoteContext, index: number): void {
  const { rng, domain, lines } = ctx;
  const n = index + 1;
  const title = pick(rng, [
    `Weekly Log ${n} -- ${domain.name}について今知っていること・知らないこと --`,
    `${domain.name} 学習ログ #${n}`,
    `What I know about ${domain.name} (part ${n})`,
    `${domain.name}: known / unknown #${n}`,
  ]);
  const date = formatDate(rng, index);
  const tags = domain.tags.slice(0, randInt(rng, 1, domain.tags.length));
  const layout = rng();
  // Title in frontmatter, in an H1, in both, or (rarely) only in the file name.
  const fmTitle = layout < 0.5 || (layout >= 0.75 && layout < 0.9);
  const h1 = layout >= 0.5 && layout < 0.95;
  if (layout < 0.9) {
    lines.push("---");
    if (fmTitle) lines.push(`title: ${quoteYaml(title)}`);
    if (rng() < 0.5) lines.push(`tags: [${tags.join(", ")}]`);
    else lines.push("tags:", ...tags.map((t) => `  - ${t}`));
    lines.push(rng() < 0.8 ? `date: ${date}` : `date: "${date}"`);
    lines.push("---", "");
  }
  if (h1) lines.push(`# ${title}`, "");
}

function writeNote(ctx: NoteContext, index: number, budget: number): void {
  const { rng, domain } = ctx;
  writeHeader(ctx, index);
  if (rng() < 0.5) writeProse(ctx);
  // Section names drawn without repeats; long notes fall back to numbered parts.
  const sections = shuffle(rng, [...domain.sections, ...GENERIC_SECTIONS]);
  let remaining = budget;
  for (let s = 0; remaining > 0; s++) {
    const name = sections[s % sections.length] ?? "その他";
    const round = Math.floor(s / sections.length);
    ctx.lines.push(round === 0 ? `## ${name}` : `## ${name} (${round + 1})`, "");
    if (rng() < 0.06) continue; // an empty section, like the seed's NW / Storage
    if (rng() < 0.15) writeProse(ctx);
    if (rng() < 0.08) writeCode(ctx);
    if (rng() < 0.25) {
      // H3 subsections, each with its own list.
      const subsections = randInt(rng, 1, 3);
      for (let s = 0; s < subsections && remaining > 0; s++) {
        const lang = pickLang(ctx);
        const w = drawWords(ctx, lang);
        ctx.lines.push(lang === "ja" ? `### ${w.t}について` : `### ${w.t} notes`, "");
        const count = Math.min(remaining, randInt(rng, 2, 8));
        writeList(ctx, count);
        remaining -= count;
      }
    } else {
      const count = Math.min(remaining, randInt(rng, 3, 12));
      writeList(ctx, count);
      remaining -= count;
    }
    if (rng() < 0.1) writeProse(ctx);
  }
}

function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

async function assertWritableDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new MichiError(`cannot create ${dir}: ${(error as Error).message}`, { cause: error });
  }
  const entries = await readdir(dir);
  if (entries.length > 0) {
    throw new MichiError(`${dir} is not empty; generate notes into an empty directory`);
  }
}

async function writeAll(
  files: ReadonlyArray<readonly [string, string]>,
  concurrency: number,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const entry = files[next++];
      if (entry) await writeFile(entry[0], entry[1], "utf8");
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
}

/**
 * Writes notes holding exactly `opts.items` list items (nested ones included) under
 * `opts.dir`, one subdirectory per topic. Deterministic for a given seed.
 */
export async function generateNotes(opts: GenerateOptions): Promise<GenerateResult> {
  const { items, dir } = opts;
  const seed = opts.seed ?? DEFAULTS.seed;
  const perNote = opts.itemsPerNote ?? DEFAULTS.itemsPerNote;
  if (!Number.isInteger(items) || items < 0) {
    throw new MichiError(`items must be a non-negative integer, got ${items}`);
  }
  if (!Number.isInteger(perNote) || perNote < 1) {
    throw new MichiError(`itemsPerNote must be a positive integer, got ${perNote}`);
  }
  await assertWritableDir(dir);
  const rng = createRng(seed);
  const tally: Tally = {
    items: 0,
    prose: 0,
    codeBlocks: 0,
    glued: 0,
    byStatus: { known: 0, partial: 0, unknown: 0, unmarked: 0 },
    markers: {},
  };
  const files: string[] = [];
  const contents: [string, string][] = [];
  const dirs = new Set<string>();
  let remaining = items;
  for (let index = 0; remaining > 0; index++) {
    // Vary note length around the mean, like real logs.
    const budget = Math.min(remaining, randInt(rng, Math.ceil(perNote / 2), perNote + perNote / 2));
    const domain = pick(rng, DOMAINS);
    const lines: string[] = [];
    const langRoll = rng();
    const ctx: NoteContext = {
      rng,
      domain,
      jaShare: langRoll < 0.55 ? 0.9 : langRoll < 0.8 ? 0.1 : 0.5,
      style: pick(rng, STYLES),
      tally,
      lines,
    };
    writeNote(ctx, index, budget);
    remaining -= budget;
    const rel = `${domain.slug}/${String(index + 1).padStart(5, "0")}-${slugify(pick(rng, domain.terms)) || "note"}.md`;
    files.push(rel);
    dirs.add(path.join(dir, domain.slug));
    contents.push([path.join(dir, rel), lines.join("\n")]);
  }
  if (tally.items !== items) {
    throw new Error(`generator bug: wrote ${tally.items} items, asked for ${items}`);
  }
  for (const d of dirs) await mkdir(d, { recursive: true });
  await writeAll(contents, DEFAULTS.writeConcurrency);
  return {
    notes: files.length,
    items: tally.items,
    byStatus: tally.byStatus,
    prose: tally.prose,
    codeBlocks: tally.codeBlocks,
    markers: tally.markers,
    glued: tally.glued,
    files,
  };
}

// ---------------------------------------------------------------------------------------------
// Editing

const ITEM_LINE = /^(\s*(?:[-*+]|\d+\.)[ \t]+)(.*)$/;
const FENCE = /^\s*(```|~~~)/;

/** Markdown files under `dir`, recursively, sorted so edits are deterministic. */
async function listMarkdown(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".md"))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** Line numbers (0-based) of list items outside frontmatter and code fences. */
function findItemLines(lines: readonly string[]): number[] {
  const found: number[] = [];
  let i = 0;
  // Frontmatter (`tags:` block lists look like items) ends at the second `---`.
  if (lines[0] === "---") i = lines.indexOf("---", 1) + 1;
  let fence: string | null = null;
  for (; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const f = FENCE.exec(line);
    if (f) {
      if (fence === null) fence = f[1] ?? null;
      else if (f[1] === fence) fence = null;
      continue;
    }
    if (fence === null && ITEM_LINE.test(line)) found.push(i);
  }
  return found;
}

const ALL_TERMS = [...new Set(DOMAINS.flatMap((d) => d.terms))];
const TERM_PATTERN = new RegExp(
  [...ALL_TERMS]
    .sort((a, b) => b.length - a.length)
    .map((t) => t.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))
    .join("|"),
  "g",
);

/**
 * Changes one word of an item's text after its first character, so the marker, the
 * status and the item count stay as they were.
 */
function editItemText(rng: Rng, line: string): string {
  const m = ITEM_LINE.exec(line);
  if (!m) return line;
  const prefix = m[1] ?? "";
  const body = m[2] ?? "";
  const skip = matchMarker(body)?.consumed ?? 0;
  const head = prefix + body.slice(0, skip + 1);
  const rest = body.slice(skip + 1);
  const hits = [...rest.matchAll(TERM_PATTERN)];
  const hit = hits.length > 0 ? pick(rng, hits) : undefined;
  if (hit && hit.index !== undefined) {
    let replacement = pick(rng, ALL_TERMS);
    if (replacement === hit[0]) replacement = `${replacement} v2`;
    return head + rest.slice(0, hit.index) + replacement + rest.slice(hit.index + hit[0].length);
  }
  return `${head}${rest} (${pick(rng, ALL_TERMS)})`;
}

/**
 * Edits `Math.round(fraction × items)` randomly chosen items under `dir` in place by swapping
 * one word of their text; deterministic for a given seed and corpus.
 */
export async function editFraction(
  dir: string,
  fraction: number,
  seed: number = DEFAULTS.seed,
): Promise<EditResult> {
  if (!(fraction >= 0 && fraction <= 1)) {
    throw new MichiError(`fraction must be between 0 and 1, got ${fraction}`);
  }
  const files = await listMarkdown(dir);
  const texts = await Promise.all(files.map((f) => readFile(f, "utf8")));
  const located: { file: number; line: number }[] = [];
  const split = texts.map((text, file) => {
    const lines = text.split("\n");
    for (const line of findItemLines(lines)) located.push({ file, line });
    return lines;
  });
  const want = Math.round(fraction * located.length);
  const rng = createRng(seed ^ 0x5eed);
  // Partial Fisher–Yates: the first `want` slots become a uniform random sample.
  for (let i = 0; i < want; i++) {
    const j = i + Math.floor(rng() * (located.length - i));
    const a = located[i];
    const b = located[j];
    if (a && b) {
      located[i] = b;
      located[j] = a;
    }
  }
  const touched = new Set<number>();
  let changed = 0;
  for (const { file, line } of located.slice(0, want)) {
    const lines = split[file];
    const before = lines?.[line];
    if (!lines || before === undefined) continue;
    const after = editItemText(rng, before);
    if (after !== before) {
      lines[line] = after;
      touched.add(file);
      changed++;
    }
  }
  await writeAll(
    [...touched].map((f) => [files[f] ?? "", (split[f] ?? []).join("\n")] as const),
    DEFAULTS.writeConcurrency,
  );
  return { items: changed, files: touched.size };
}

// ---------------------------------------------------------------------------------------------
// CLI

async function runCli(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      items: { type: "string", default: "10000" },
      out: { type: "string" },
      seed: { type: "string", default: String(DEFAULTS.seed) },
      "items-per-note": { type: "string", default: String(DEFAULTS.itemsPerNote) },
    },
  });
  if (!values.out) throw new MichiError("usage: tsx bench/generate.ts --items N --out DIR");
  const started = performance.now();
  const result = await generateNotes({
    items: Number(values.items),
    seed: Number(values.seed),
    dir: values.out,
    itemsPerNote: Number(values["items-per-note"]),
  });
  const ms = performance.now() - started;
  const { files: _files, ...summary } = result;
  console.log(JSON.stringify({ ...summary, ms: Math.round(ms) }, null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCli(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof MichiError ? error.message : error);
    process.exitCode = 1;
  });
}
