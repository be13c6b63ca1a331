/**
 * Draws docs/reply.png: what michi's reply to `/ask DaemonSetって何?` looks like in Discord
 * (dark theme). The embed is the one the bot builds (embeds.ts) for the real answer over the
 * bundled notes; emoji are drawn as shapes, because the bundled font (BIZ UDPGothic, the only
 * one used, so the picture is the same on every machine) has no emoji.
 *   npx tsx scripts/render-reply.ts [OUT.png]
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { buildAnswerMessages } from "../src/discord/embeds.js";
import { escapeXml, renderSvg } from "../src/learning/chart.js";

const out = process.argv[2] ?? "docs/reply.png";
const root = path.resolve(new URL("..", import.meta.url).pathname);
const dir = mkdtempSync(path.join(tmpdir(), "michi-reply-"));
cpSync(path.join(root, "test/fixtures/notes"), path.join(dir, "notes"), { recursive: true });
const app = createApp(
  loadConfig({}, { notesDir: path.join(dir, "notes"), dataDir: path.join(dir, ".michi") }),
);
const question = "DaemonSetって何?";
const answer = await app.ask(question);
await app.close();
rmSync(dir, { recursive: true, force: true });
const [message] = buildAnswerMessages(answer, { key: "sample", question });
const embed = message?.embeds?.[0];
if (!embed) throw new Error("no embed");

const W = 760;
const FONT = 15;
const EMOJI = ["✅", "🔺", "❓", "📝", "🕳️"];
const parts: string[] = [];
let y = 28;

/** Rough advance of a string in em: CJK and full-width 1, the rest about 0.62. */
function emWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 1 : 0.62;
  return w;
}

function icon(kind: string, x: number, baseline: number, size: number): void {
  const s = size;
  const top = baseline - s * 0.85;
  if (kind === "✅") {
    parts.push(
      `<rect x="${x}" y="${top}" width="${s}" height="${s}" rx="${s * 0.2}" fill="#3ba55d"/>`,
      `<path d="M${x + s * 0.22} ${top + s * 0.52} l${s * 0.2} ${s * 0.2} l${s * 0.38} -${s * 0.42}" stroke="#fff" stroke-width="${s * 0.14}" fill="none" stroke-linecap="round" stroke-linejoin="round"/>`,
    );
  } else if (kind === "🔺") {
    parts.push(
      `<path d="M${x + s / 2} ${top + s * 0.1} L${x + s * 0.95} ${top + s * 0.9} L${x + s * 0.05} ${top + s * 0.9} Z" fill="#e74c3c"/>`,
    );
  } else if (kind === "❓") {
    parts.push(
      `<text x="${x + s * 0.15}" y="${baseline}" font-size="${s * 1.1}" font-weight="700" fill="#e74c3c">?</text>`,
    );
  } else {
    parts.push(
      `<ellipse cx="${x + s / 2}" cy="${top + s / 2}" rx="${s / 2}" ry="${s / 3}" fill="#111"/>`,
    );
  }
}

/** One line of text with its emoji drawn as icons. */
function line(text: string, x: number, size: number, color: string, weight = 400): void {
  let cursor = x;
  const pattern = new RegExp(`(${EMOJI.join("|")})`, "u");
  for (const piece of text.split(pattern)) {
    if (piece === "") continue;
    if (EMOJI.includes(piece)) {
      icon(piece, cursor, y, size);
      cursor += size * 1.3;
      continue;
    }
    parts.push(
      `<text x="${cursor}" y="${y}" font-size="${size}" font-weight="${weight}" fill="${color}" xml:space="preserve">${escapeXml(piece)}</text>`,
    );
    cursor += emWidth(piece) * size;
  }
}

/** Wraps text to `width` pixels at `size`, keeping explicit line breaks. */
function wrap(text: string, width: number, size: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let current = "";
    for (const ch of paragraph) {
      if (emWidth(current + ch) * size > width) {
        lines.push(current);
        current = ch.trim() === "" ? "" : ch;
      } else current += ch;
    }
    lines.push(current);
  }
  return lines;
}

const left = 72;
const boxX = left;
const inner = boxX + 16;
const innerWidth = W - inner - 40;
// Header: avatar, name, APP tag, time.
parts.push(`<circle cx="36" cy="${y + 10}" r="20" fill="#5865f2"/>`);
parts.push(
  `<text x="36" y="${y + 16}" font-size="17" font-weight="700" fill="#fff" text-anchor="middle">未</text>`,
);
parts.push(
  `<text x="${left}" y="${y + 8}" font-size="16" font-weight="700" fill="#f2f3f5">michi</text>`,
);
parts.push(`<rect x="${left + 50}" y="${y - 6}" width="34" height="17" rx="3" fill="#5865f2"/>`);
parts.push(
  `<text x="${left + 56}" y="${y + 7}" font-size="11" font-weight="700" fill="#fff">APP</text>`,
);
parts.push(`<text x="${left + 94}" y="${y + 8}" font-size="12" fill="#949ba4">今日 9:41</text>`);
y += 30;
const boxTop = y;
y += 22;
const body: (() => void)[] = [];
const color = `#${(embed.color ?? 0).toString(16).padStart(6, "0")}`;
if (embed.author) {
  line(embed.author.name, inner, 13, "#f2f3f5", 700);
  y += 24;
}
if (embed.title) {
  line(embed.title, inner, 16, "#f2f3f5", 700);
  y += 26;
}
for (const l of wrap(embed.description ?? "", innerWidth, FONT)) {
  const quote = l.startsWith("> ");
  if (quote)
    parts.push(
      `<rect x="${inner}" y="${y - FONT}" width="4" height="${FONT + 6}" rx="2" fill="#4e5058"/>`,
    );
  line(quote ? l.slice(2) : l, quote ? inner + 12 : inner, FONT, "#dbdee1");
  y += l === "" ? 10 : 21;
}
for (const field of embed.fields ?? []) {
  y += 8;
  line(field.name, inner, 14, "#f2f3f5", 700);
  y += 21;
  for (const l of wrap(field.value, innerWidth, 14)) {
    line(l, inner, 14, "#dbdee1");
    y += 20;
  }
}
if (embed.footer) {
  y += 8;
  line(embed.footer.text, inner, 12, "#b5bac1");
  y += 6;
}
for (const f of body) f();
const boxBottom = y + 12;
parts.unshift(
  `<rect x="${boxX}" y="${boxTop}" width="${W - boxX - 16}" height="${boxBottom - boxTop}" rx="4" fill="#2b2d31"/>`,
  `<rect x="${boxX}" y="${boxTop}" width="4" height="${boxBottom - boxTop}" rx="2" fill="${color}"/>`,
);
// The buttons under the answer.
y = boxBottom + 12;
let bx = left;
for (const label of ["👍", "👎"]) {
  parts.push(`<rect x="${bx}" y="${y}" width="48" height="32" rx="4" fill="#4e5058"/>`);
  parts.push(
    `<text x="${bx + 24}" y="${y + 21}" font-size="13" font-weight="700" fill="#fff" text-anchor="middle">${label === "👍" ? "＋1" : "−1"}</text>`,
  );
  bx += 56;
}
const H = y + 48;
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="BIZ UDPGothic"><rect width="${W}" height="${H}" fill="#313338"/>${parts.join("")}</svg>`;
writeFileSync(out, renderSvg(svg).asPng());
console.log(`wrote ${out} (${W}×${H})`);
