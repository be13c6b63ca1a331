import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Resvg, type ResvgRenderOptions } from "@resvg/resvg-js";
import type { Language } from "../ask/language.js";
import { MichiError } from "../errors.js";
import { STATUS_NAMES } from "./render.js";

/** One week's counts of bullets by marker. */
export interface WeekProgress {
  /** Short label under the bar, e.g. "11/23". */
  label: string;
  known: number;
  partial: number;
  unknown: number;
}

export interface ProgressChartInput {
  /** Chart title; may be Japanese, e.g. "Kubernetesの学習進捗". */
  title: string;
  /** Oldest first; drawn left to right. */
  weeks: WeekProgress[];
  /** Pixels; default 800. */
  width?: number;
  /** Pixels; default 400. */
  height?: number;
  /** Language of the legend and axis titles (the title is drawn as given); default English. */
  language?: Language;
}

/** The chart's own words, in the language of the digest it goes with. */
const CHART_WORDS = {
  en: { legend: STATUS_NAMES.en, items: "items", week: "week", noData: "no data yet" },
  ja: { legend: STATUS_NAMES.ja, items: "項目数", week: "週", noData: "まだデータがありません" },
} as const;

type ChartWords = (typeof CHART_WORDS)[Language];

export const DEFAULT_CHART_WIDTH = 800;
export const DEFAULT_CHART_HEIGHT = 400;
const MIN_SIDE = 200;
const MAX_SIDE = 4096;

/** Fill colours of the stacked segments; exported so tests can find them in the pixels. */
export const CHART_COLORS = {
  known: "#3a9d5d",
  partial: "#f2b134",
  unknown: "#e0604f",
} as const;

const FONT_FAMILY = "BIZ UDPGothic";
const FONT_PACKAGE = "@expo-google-fonts/biz-udpgothic";
// TTF, because resvg's font loader does not read WOFF/WOFF2.
const FONT_FILES = {
  regular: `${FONT_PACKAGE}/400Regular/BIZUDPGothic_400Regular.ttf`,
  bold: `${FONT_PACKAGE}/700Bold/BIZUDPGothic_700Bold.ttf`,
};

const TEXT = "#1f2937";
const MUTED = "#6b7280";
const GRID = "#e5e7eb";
const AXIS = "#9ca3af";

const SEGMENTS = ["known", "partial", "unknown"] as const;

/**
 * Renders the weekly known / partial / unknown stacked-bar chart as a PNG.
 * Uses only the bundled Japanese-capable font, never system fonts, so the bytes are identical on
 * every machine (and CJK titles render on servers without CJK fonts).
 */
export function renderProgressChart(input: ProgressChartInput): Buffer {
  const svg = buildProgressChartSvg(input);
  return renderSvg(svg).asPng();
}

/** Renders any chart SVG with the bundled font; returns resvg's image (PNG bytes or raw RGBA). */
export function renderSvg(svg: string): ReturnType<Resvg["render"]> {
  try {
    return new Resvg(svg, loadRenderOptions()).render();
  } catch (error) {
    if (error instanceof MichiError) throw error;
    throw new MichiError("Could not render the progress chart image.", { cause: error });
  }
}

/** Builds the chart as an SVG string (all text escaped). Exposed for tests and debugging. */
export function buildProgressChartSvg(input: ProgressChartInput): string {
  const width = readSide(input.width, DEFAULT_CHART_WIDTH, "width");
  const height = readSide(input.height, DEFAULT_CHART_HEIGHT, "height");
  input.weeks.forEach(validateWeek);

  // Everything scales with the canvas so small and large charts keep their proportions.
  // (Floored so that small thumbnails keep legible text.)
  const scale = clamp(
    Math.min(width / DEFAULT_CHART_WIDTH, height / DEFAULT_CHART_HEIGHT),
    0.75,
    3,
  );
  const pad = Math.round(18 * scale);
  const titleSize = round1(22 * scale);
  const labelSize = round1(13 * scale);
  const smallSize = round1(12 * scale);

  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);

  // Header: title on the left, legend on the right; legend drops to its own row when crowded.
  const words = CHART_WORDS[input.language ?? "en"];
  const legend = layoutLegend(words, labelSize, scale);
  const titleBaseline = pad + titleSize * 0.85;
  let titleRoom = width - 2 * pad - legend.width - 24 * scale;
  let legendY = pad + titleSize * 0.5;
  let headerBottom = pad + titleSize;
  if (titleRoom < width * 0.45) {
    titleRoom = width - 2 * pad;
    legendY = headerBottom + 8 * scale + labelSize * 0.5;
    headerBottom = legendY + labelSize * 0.5;
  }
  const title = truncateToWidth(sanitizeText(input.title), titleRoom, titleSize, "bold");
  parts.push(
    `<text x="${pad}" y="${round1(titleBaseline)}" font-size="${titleSize}" font-weight="700" fill="${TEXT}">${escapeXml(title)}</text>`,
  );
  parts.push(drawLegend(legend, width - pad - legend.width, legendY, labelSize, scale));

  // Plot area, leaving room for the y tick labels + axis title and the x labels + axis title.
  const totals = input.weeks.map((week) => week.known + week.partial + week.unknown);
  const axis = chooseAxis(Math.max(0, ...totals));
  const tickLabelWidth = measureText(formatCount(axis.max), smallSize);
  const plotLeft = Math.round(pad + smallSize * 1.6 + tickLabelWidth + 10 * scale);
  const plotRight = width - pad;
  const plotTop = Math.round(headerBottom + 18 * scale);
  const plotBottom = Math.round(height - pad - smallSize * 1.4 - labelSize * 1.6);
  const plotWidth = plotRight - plotLeft;
  const plotHeight = plotBottom - plotTop;

  // With no weeks only the baseline is drawn: a 0..1 scale would suggest data that is not there.
  const axisTop = input.weeks.length === 0 ? 0 : axis.max;
  for (let tick = 0; tick <= axisTop; tick += axis.step) {
    const y = Math.round(plotBottom - (tick / axis.max) * plotHeight) + 0.5;
    const color = tick === 0 ? AXIS : GRID;
    parts.push(
      `<line x1="${plotLeft}" y1="${y}" x2="${plotRight}" y2="${y}" stroke="${color}" stroke-width="1"/>`,
    );
    parts.push(
      `<text x="${plotLeft - 8 * scale}" y="${round1(y + smallSize * 0.35)}" font-size="${smallSize}" fill="${MUTED}" text-anchor="end">${formatCount(tick)}</text>`,
    );
  }

  const axisTitleY = round1(plotTop + plotHeight / 2);
  const axisTitleX = round1(pad + smallSize * 0.8);
  parts.push(
    `<text x="${axisTitleX}" y="${axisTitleY}" font-size="${smallSize}" fill="${MUTED}" text-anchor="middle" transform="rotate(-90 ${axisTitleX} ${axisTitleY})">${words.items}</text>`,
  );
  parts.push(
    `<text x="${round1(plotLeft + plotWidth / 2)}" y="${round1(height - pad)}" font-size="${smallSize}" fill="${MUTED}" text-anchor="middle">${words.week}</text>`,
  );

  if (input.weeks.length === 0) {
    parts.push(
      `<text x="${round1(plotLeft + plotWidth / 2)}" y="${round1(plotTop + plotHeight / 2)}" font-size="${round1(18 * scale)}" fill="${MUTED}" text-anchor="middle">${words.noData}</text>`,
    );
  } else {
    parts.push(
      drawBars(input.weeks, totals, {
        plotLeft,
        plotWidth,
        plotBottom,
        plotHeight,
        axisMax: axis.max,
        labelSize,
        smallSize,
        scale,
      }),
    );
  }

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}">`,
    ...parts,
    "</svg>",
  ].join("\n");
}

/** Escapes text for use inside SVG/XML element content or attribute values. */
export function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

interface BarLayout {
  plotLeft: number;
  plotWidth: number;
  plotBottom: number;
  plotHeight: number;
  axisMax: number;
  labelSize: number;
  smallSize: number;
  scale: number;
}

function drawBars(weeks: WeekProgress[], totals: number[], layout: BarLayout): string {
  const { plotLeft, plotWidth, plotBottom, plotHeight, axisMax, labelSize, smallSize, scale } =
    layout;
  const band = plotWidth / weeks.length;
  const barWidth = Math.max(1, Math.round(Math.min(band * 0.62, 90 * scale)));
  const labels = weeks.map((week) => sanitizeText(week.label));
  // Thin out week labels so neighbours never overlap (e.g. a year of weekly bars).
  const widest = Math.max(...labels.map((label) => measureText(label, labelSize)));
  const labelEvery = Math.max(1, Math.ceil((widest + 10 * scale) / band));
  const showTotals = band >= measureText("0000", smallSize);

  const parts: string[] = [];
  weeks.forEach((week, index) => {
    const center = plotLeft + band * (index + 0.5);
    const x = Math.round(center - barWidth / 2);
    // Round cumulative edges (not each height) so segments tile with no gaps or overlaps.
    let cumulative = 0;
    let top = plotBottom;
    for (const segment of SEGMENTS) {
      const value = week[segment];
      const lower = Math.round(plotBottom - (cumulative / axisMax) * plotHeight);
      cumulative += value;
      const upper = Math.round(plotBottom - (cumulative / axisMax) * plotHeight);
      if (lower - upper > 0) {
        parts.push(
          `<rect x="${x}" y="${upper}" width="${barWidth}" height="${lower - upper}" fill="${CHART_COLORS[segment]}" shape-rendering="crispEdges"/>`,
        );
        top = upper;
      }
    }
    const total = totals[index] ?? 0;
    if (showTotals) {
      parts.push(
        `<text x="${round1(center)}" y="${round1(top - 5 * scale)}" font-size="${smallSize}" fill="${TEXT}" text-anchor="middle">${formatCount(total)}</text>`,
      );
    }
    if (index % labelEvery === 0) {
      const label = truncateToWidth(labels[index] ?? "", band * labelEvery - 6 * scale, labelSize);
      parts.push(
        `<text x="${round1(center)}" y="${round1(plotBottom + labelSize * 1.4)}" font-size="${labelSize}" fill="${TEXT}" text-anchor="middle">${escapeXml(label)}</text>`,
      );
    }
  });
  return parts.join("\n");
}

interface LegendLayout {
  width: number;
  items: Array<{ name: (typeof SEGMENTS)[number]; text: string; offset: number }>;
}

function layoutLegend(words: ChartWords, labelSize: number, scale: number): LegendLayout {
  const swatch = labelSize;
  const items: LegendLayout["items"] = [];
  let offset = 0;
  for (const name of SEGMENTS) {
    if (offset > 0) offset += 16 * scale;
    const text = words.legend[name];
    items.push({ name, text, offset });
    offset += swatch + 6 * scale + measureText(text, labelSize);
  }
  return { width: offset, items };
}

function drawLegend(
  legend: LegendLayout,
  left: number,
  middleY: number,
  labelSize: number,
  scale: number,
): string {
  const swatch = labelSize;
  return legend.items
    .map(({ name, text, offset }) => {
      const x = round1(left + offset);
      const y = round1(middleY - swatch / 2);
      return [
        `<rect x="${x}" y="${y}" width="${swatch}" height="${swatch}" rx="${round1(2 * scale)}" fill="${CHART_COLORS[name]}"/>`,
        `<text x="${round1(x + swatch + 6 * scale)}" y="${round1(middleY + labelSize * 0.36)}" font-size="${labelSize}" fill="${TEXT}">${text}</text>`,
      ].join("\n");
    })
    .join("\n");
}

/** Picks a "nice" axis (steps of 1, 2 or 5 × 10^n, never below 1 item) covering `maxTotal`. */
function chooseAxis(maxTotal: number): { max: number; step: number } {
  const target = Math.max(maxTotal, 1);
  const rough = target / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  let step = magnitude;
  for (const multiple of [1, 2, 5, 10]) {
    step = multiple * magnitude;
    if (step >= rough) break;
  }
  step = Math.max(1, step);
  return { max: Math.ceil(target / step) * step, step };
}

interface FontMetrics {
  unitsPerEm: number;
  /** Advance in font units; missing glyphs count as a full em (resvg draws nothing or a box). */
  advanceOf(codePoint: number): number;
}

interface BundledFont {
  renderOptions: ResvgRenderOptions;
  metrics: { regular: FontMetrics; bold: FontMetrics };
}

let cachedFont: BundledFont | undefined;

/** Resolves, parses and caches the bundled font once per process. */
function loadBundledFont(): BundledFont {
  if (cachedFont) return cachedFont;
  const require = createRequire(import.meta.url);
  let regularPath: string;
  let boldPath: string;
  try {
    regularPath = require.resolve(FONT_FILES.regular);
    boldPath = require.resolve(FONT_FILES.bold);
  } catch (error) {
    throw new MichiError(
      `The chart font package ${FONT_PACKAGE} is missing; run "npm ci" to install it.`,
      { cause: error },
    );
  }
  cachedFont = {
    renderOptions: {
      font: {
        fontFiles: [regularPath, boldPath],
        // System fonts would make the bytes depend on the machine (and most servers lack CJK).
        loadSystemFonts: false,
        defaultFontFamily: FONT_FAMILY,
        sansSerifFamily: FONT_FAMILY,
      },
      background: "#ffffff",
      logLevel: "off",
    },
    metrics: { regular: readFontMetrics(regularPath), bold: readFontMetrics(boldPath) },
  };
  return cachedFont;
}

function loadRenderOptions(): ResvgRenderOptions {
  return loadBundledFont().renderOptions;
}

function loadFontMetrics(): BundledFont["metrics"] {
  return loadBundledFont().metrics;
}

/**
 * Reads just enough of a TrueType/OpenType file (head, hhea, hmtx, cmap) to know glyph advances,
 * so titles and labels can be truncated and laid out by their real rendered width.
 */
function readFontMetrics(path: string): FontMetrics {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    throw new MichiError(`Could not read the chart font at ${path}.`, { cause: error });
  }
  const tables = new Map<string, number>();
  const numTables = data.readUInt16BE(4);
  for (let i = 0; i < numTables; i++) {
    const record = 12 + i * 16;
    tables.set(data.toString("latin1", record, record + 4), data.readUInt32BE(record + 8));
  }
  const table = (tag: string): number => {
    const offset = tables.get(tag);
    if (offset === undefined)
      throw new MichiError(`The chart font at ${path} has no ${tag} table.`);
    return offset;
  };
  const unitsPerEm = data.readUInt16BE(table("head") + 18);
  const numberOfHMetrics = data.readUInt16BE(table("hhea") + 34);
  const hmtx = table("hmtx");
  const advanceOfGlyph = (glyph: number): number =>
    data.readUInt16BE(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1));
  const glyphOf = readCmap(data, table("cmap"));
  const cache = new Map<number, number>();
  return {
    unitsPerEm,
    advanceOf(codePoint) {
      let advance = cache.get(codePoint);
      if (advance === undefined) {
        const glyph = glyphOf(codePoint);
        advance = glyph === 0 ? unitsPerEm : advanceOfGlyph(glyph);
        cache.set(codePoint, advance);
      }
      return advance;
    },
  };
}

/** Returns a code point → glyph id lookup from the best Unicode cmap subtable (format 12 or 4). */
function readCmap(data: Buffer, cmap: number): (codePoint: number) => number {
  const count = data.readUInt16BE(cmap + 2);
  let format4: number | undefined;
  for (let i = 0; i < count; i++) {
    const record = cmap + 4 + i * 8;
    const platform = data.readUInt16BE(record);
    const encoding = data.readUInt16BE(record + 2);
    const subtable = cmap + data.readUInt32BE(record + 4);
    const format = data.readUInt16BE(subtable);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12) return readCmapFormat12(data, subtable);
    if (format === 4) format4 ??= subtable;
  }
  if (format4 !== undefined) return readCmapFormat4(data, format4);
  throw new MichiError("The chart font has no Unicode character map.");
}

function readCmapFormat12(data: Buffer, subtable: number): (codePoint: number) => number {
  const groups = data.readUInt32BE(subtable + 12);
  return (codePoint) => {
    let low = 0;
    let high = groups - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const group = subtable + 16 + mid * 12;
      const start = data.readUInt32BE(group);
      const end = data.readUInt32BE(group + 4);
      if (codePoint < start) high = mid - 1;
      else if (codePoint > end) low = mid + 1;
      else return data.readUInt32BE(group + 8) + (codePoint - start);
    }
    return 0;
  };
}

function readCmapFormat4(data: Buffer, subtable: number): (codePoint: number) => number {
  const segCount = data.readUInt16BE(subtable + 6) / 2;
  const endCodes = subtable + 14;
  const startCodes = endCodes + segCount * 2 + 2;
  const idDeltas = startCodes + segCount * 2;
  const idRangeOffsets = idDeltas + segCount * 2;
  return (codePoint) => {
    if (codePoint > 0xffff) return 0;
    for (let seg = 0; seg < segCount; seg++) {
      if (codePoint > data.readUInt16BE(endCodes + seg * 2)) continue;
      const start = data.readUInt16BE(startCodes + seg * 2);
      if (codePoint < start) return 0;
      const delta = data.readUInt16BE(idDeltas + seg * 2);
      const rangeOffsetAt = idRangeOffsets + seg * 2;
      const rangeOffset = data.readUInt16BE(rangeOffsetAt);
      if (rangeOffset === 0) return (codePoint + delta) & 0xffff;
      const glyph = data.readUInt16BE(rangeOffsetAt + rangeOffset + (codePoint - start) * 2);
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}

function readSide(value: number | undefined, fallback: number, name: string): number {
  const side = value ?? fallback;
  if (!Number.isInteger(side) || side < MIN_SIDE || side > MAX_SIDE) {
    throw new MichiError(
      `Chart ${name} must be a whole number of pixels between ${MIN_SIDE} and ${MAX_SIDE} (got ${String(value)}).`,
    );
  }
  return side;
}

function validateWeek(week: WeekProgress, index: number): void {
  for (const segment of SEGMENTS) {
    const value = week[segment];
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new MichiError(
        `Week ${index + 1} ("${week.label}") has an invalid ${segment} count: ${String(value)}.`,
      );
    }
  }
}

/**
 * Makes user text safe for a one-line SVG text node: XML 1.0 forbids most control characters and
 * lone surrogates (resvg would refuse the whole document), and newlines would just collapse.
 */
function sanitizeText(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text.slice(i, i + 2);
        i++;
      } else {
        out += "\uFFFD";
      }
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      out += "\uFFFD";
    } else if (code === 0x09 || code === 0x0a || code === 0x0d) {
      out += " ";
    } else if (code < 0x20 || code === 0xfffe || code === 0xffff) {
      // Dropped: not representable in XML 1.0.
    } else {
      out += text[i];
    }
  }
  return out.trim();
}

/** Advance width of `text` in the bundled font (kerning ignored: close enough for layout). */
function measureText(
  text: string,
  fontSize: number,
  weight: "regular" | "bold" = "regular",
): number {
  const metrics = loadFontMetrics()[weight];
  let units = 0;
  for (const char of text) units += metrics.advanceOf(char.codePointAt(0) ?? 0);
  return (units / metrics.unitsPerEm) * fontSize;
}

function truncateToWidth(
  text: string,
  maxWidth: number,
  fontSize: number,
  weight: "regular" | "bold" = "regular",
): string {
  if (measureText(text, fontSize, weight) <= maxWidth) return text;
  const chars = Array.from(text);
  while (chars.length > 0 && measureText(`${chars.join("")}…`, fontSize, weight) > maxWidth) {
    chars.pop();
  }
  return chars.length > 0 ? `${chars.join("").trimEnd()}…` : "";
}

function formatCount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
