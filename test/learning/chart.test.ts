import { describe, expect, it } from "vitest";
import { MichiError } from "../../src/errors.js";
import {
  buildProgressChartSvg,
  CHART_COLORS,
  type ProgressChartInput,
  renderProgressChart,
  renderSvg,
  type WeekProgress,
} from "../../src/learning/chart.js";

const SIX_WEEKS: WeekProgress[] = [
  { label: "10/19", known: 4, partial: 6, unknown: 12 },
  { label: "10/26", known: 8, partial: 7, unknown: 10 },
  { label: "11/2", known: 12, partial: 8, unknown: 9 },
  { label: "11/9", known: 15, partial: 9, unknown: 8 },
  { label: "11/16", known: 21, partial: 7, unknown: 6 },
  { label: "11/23", known: 26, partial: 6, unknown: 5 },
];

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function readPngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  // The first chunk must be IHDR: length(4) type(4) width(4) height(4).
  expect(png.toString("latin1", 12, 16)).toBe("IHDR");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

interface Pixels {
  data: Buffer;
  width: number;
  height: number;
}

function renderPixels(input: ProgressChartInput): Pixels {
  const image = renderSvg(buildProgressChartSvg(input));
  return { data: image.pixels, width: image.width, height: image.height };
}

/** RGBA bytes of the rectangle [x0, x1) × [y0, y1). */
function cropPixels(pixels: Pixels, x0: number, y0: number, x1: number, y1: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = y0; y < y1; y++) {
    rows.push(pixels.data.subarray((y * pixels.width + x0) * 4, (y * pixels.width + x1) * 4));
  }
  return Buffer.concat(rows);
}

function countNonWhite(rgba: Buffer): number {
  let count = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i] !== 255 || rgba[i + 1] !== 255 || rgba[i + 2] !== 255) count++;
  }
  return count;
}

/** Count and mean row of the pixels painted exactly `hex`. */
function findColor(pixels: Pixels, hex: string): { count: number; meanY: number } {
  const r = Number.parseInt(hex.slice(1, 3), 16);
  const g = Number.parseInt(hex.slice(3, 5), 16);
  const b = Number.parseInt(hex.slice(5, 7), 16);
  let count = 0;
  let sumY = 0;
  for (let i = 0; i < pixels.data.length; i += 4) {
    if (pixels.data[i] === r && pixels.data[i + 1] === g && pixels.data[i + 2] === b) {
      count++;
      sumY += Math.floor(i / 4 / pixels.width);
    }
  }
  return { count, meanY: count > 0 ? sumY / count : Number.NaN };
}

// At the default 800×400 the title sits in the top-left band; the legend is right of x=500.
const TITLE_REGION = [0, 0, 480, 50] as const;

describe("renderProgressChart", () => {
  it("returns a PNG of the default 800x400 size", () => {
    const png = renderProgressChart({ title: "Progress", weeks: SIX_WEEKS });
    expect(readPngSize(png)).toEqual({ width: 800, height: 400 });
  });

  it("returns a PNG of the requested size", () => {
    const png = renderProgressChart({
      title: "Progress",
      weeks: SIX_WEEKS,
      width: 640,
      height: 360,
    });
    expect(readPngSize(png)).toEqual({ width: 640, height: 360 });
  });

  it("renders identical bytes for identical input", () => {
    const input = { title: "Kubernetesの学習進捗", weeks: SIX_WEEKS };
    const first = renderProgressChart(input);
    const second = renderProgressChart(structuredClone(input));
    expect(first.equals(second)).toBe(true);
  });

  it("renders different bytes when the data changes", () => {
    const changed = SIX_WEEKS.map((week, i) =>
      i === 5 ? { ...week, known: week.known + 3 } : week,
    );
    const a = renderProgressChart({ title: "t", weeks: SIX_WEEKS });
    const b = renderProgressChart({ title: "t", weeks: changed });
    expect(a.equals(b)).toBe(false);
  });

  it("draws Japanese titles with real glyphs from the bundled font, not nothing or tofu boxes", () => {
    const crop = (title: string) =>
      cropPixels(renderPixels({ title, weeks: SIX_WEEKS }), ...TITLE_REGION);
    const empty = crop("");
    const gakushu = crop("学習");
    const shinchoku = crop("進捗");
    // Something is drawn for the kanji...
    expect(countNonWhite(gakushu)).toBeGreaterThan(countNonWhite(empty) + 100);
    // ...and different kanji look different (missing glyphs would all be the same box).
    expect(gakushu.equals(shinchoku)).toBe(false);
    // Kana too, which some "Japanese" subsets leave out.
    expect(crop("ひらがな").equals(crop("カタカナ"))).toBe(false);
  });

  it("stacks known at the bottom, partial in the middle and unknown on top, sized by count", () => {
    const legendOnly = renderPixels({
      title: "",
      weeks: [{ label: "w", known: 0, partial: 0, unknown: 0 }],
    });
    const chart = renderPixels({
      title: "",
      weeks: [{ label: "w", known: 6, partial: 3, unknown: 1 }],
    });
    // Subtract the legend swatches, which are drawn identically in both images.
    const bar = (segment: keyof typeof CHART_COLORS) => {
      const all = findColor(chart, CHART_COLORS[segment]);
      const legend = findColor(legendOnly, CHART_COLORS[segment]);
      return { count: all.count - legend.count, meanY: all.meanY };
    };
    const known = bar("known");
    const partial = bar("partial");
    const unknown = bar("unknown");
    expect(unknown.count).toBeGreaterThan(500);
    expect(known.count / unknown.count).toBeCloseTo(6, 0);
    expect(partial.count / unknown.count).toBeCloseTo(3, 0);
    // Image rows grow downwards.
    expect(known.meanY).toBeGreaterThan(partial.meanY);
    expect(partial.meanY).toBeGreaterThan(unknown.meanY);
  });

  it("labels the legend known / partial / unknown and the axes", () => {
    const svg = buildProgressChartSvg({ title: "t", weeks: SIX_WEEKS });
    for (const text of ["known", "partial", "unknown", "items", "week", "10/19", "11/23"]) {
      expect(svg).toContain(`>${text}</text>`);
    }
    // The tallest bar (37) gets a nice axis maximum of 40.
    expect(svg).toContain(">40</text>");
    expect(svg).toContain(">37</text>");
  });

  it("escapes user text so markup in titles and labels is shown, not interpreted", () => {
    const input = {
      title: `<script>alert("x")</script>&amp; 'quoted'`,
      width: 1200,
      weeks: [{ label: "<b>&", known: 1, partial: 2, unknown: 3 }],
    };
    const svg = buildProgressChartSvg(input);
    expect(svg).not.toContain("<script>");
    expect(svg).not.toContain("<b>");
    expect(svg).toContain(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;amp; &apos;quoted&apos;",
    );
    expect(svg).toContain("&lt;b&gt;&amp;");
    expect(readPngSize(renderProgressChart(input))).toEqual({ width: 1200, height: 400 });
  });

  it("renders text containing control characters and lone surrogates, which XML forbids", () => {
    const png = renderProgressChart({
      title: "bad\u0000\u0007chars\uD800 and\ttabs",
      weeks: [{ label: "\u001b[31m11/23\uDC00", known: 1, partial: 0, unknown: 0 }],
    });
    expect(readPngSize(png)).toEqual({ width: 800, height: 400 });
  });

  it("words the legend and the axes in Japanese for a Japanese digest, drawn with real glyphs", () => {
    const svg = buildProgressChartSvg({ title: "", weeks: SIX_WEEKS, language: "ja" });
    for (const word of [">既知<", ">一部既知<", ">未知<", ">項目数<", ">週<"]) {
      expect(svg).toContain(word);
    }
    expect(svg).not.toMatch(/>(known|partial|unknown|items|week)</);
    expect(buildProgressChartSvg({ title: "", weeks: [], language: "ja" })).toContain(
      ">まだデータがありません</text>",
    );
    // The legend band (right of the title) is drawn, and drawn differently from English.
    const legend = (language: "en" | "ja") =>
      cropPixels(renderPixels({ title: "", weeks: SIX_WEEKS, language }), 480, 0, 800, 50);
    const ja = legend("ja");
    expect(countNonWhite(ja)).toBeGreaterThan(300);
    expect(ja.equals(legend("en"))).toBe(false);
  });

  it("shows an empty state saying 'no data yet' when there are no weeks", () => {
    const input = { title: "Kubernetesの学習進捗", weeks: [] };
    expect(buildProgressChartSvg(input)).toContain(">no data yet</text>");
    expect(readPngSize(renderProgressChart(input))).toEqual({ width: 800, height: 400 });
    // No bars: the only green is the legend swatch, exactly as with a week of zeros.
    const empty = findColor(renderPixels(input), CHART_COLORS.known).count;
    const zeros = findColor(
      renderPixels({ ...input, weeks: [{ label: "w", known: 0, partial: 0, unknown: 0 }] }),
      CHART_COLORS.known,
    ).count;
    expect(empty).toBe(zeros);
  });

  it("renders a single week as one labelled bar", () => {
    const input = { title: "one", weeks: [{ label: "11/23", known: 2, partial: 1, unknown: 1 }] };
    const svg = buildProgressChartSvg(input);
    expect(svg).toContain(">11/23</text>");
    expect(svg).not.toContain("no data yet");
    expect(svg.match(/<rect [^>]*shape-rendering="crispEdges"/g)).toHaveLength(3);
    expect(readPngSize(renderProgressChart(input))).toEqual({ width: 800, height: 400 });
  });

  it("thins out week labels when there are too many to fit side by side", () => {
    const weeks = Array.from({ length: 52 }, (_, i) => ({
      label: `W${String(i + 1).padStart(2, "0")}`,
      known: i,
      partial: 5,
      unknown: 52 - i,
    }));
    const svg = buildProgressChartSvg({ title: "year", weeks });
    const shown = svg.match(/>W\d\d<\/text>/g) ?? [];
    expect(shown.length).toBeGreaterThan(4);
    expect(shown.length).toBeLessThan(52);
    expect(shown[0]).toBe(">W01</text>");
  });

  it("shortens a title too long for the header with an ellipsis", () => {
    const title = "とても長いタイトル".repeat(10);
    const svg = buildProgressChartSvg({ title, weeks: SIX_WEEKS });
    expect(svg).not.toContain(title);
    expect(svg).toMatch(/>とても長いタイトル[^<]*…<\/text>/);
  });

  it("rejects negative or non-finite counts with a MichiError", () => {
    const bad = (week: Partial<WeekProgress>) => () =>
      buildProgressChartSvg({
        title: "t",
        weeks: [{ label: "11/23", known: 1, partial: 1, unknown: 1, ...week }],
      });
    expect(bad({ known: -1 })).toThrow(MichiError);
    expect(bad({ partial: Number.NaN })).toThrow(/partial/);
    expect(bad({ unknown: Number.POSITIVE_INFINITY })).toThrow(MichiError);
  });

  it("rejects sizes that are not whole pixels in range with a MichiError", () => {
    expect(() => renderProgressChart({ title: "t", weeks: [], width: 0 })).toThrow(MichiError);
    expect(() => renderProgressChart({ title: "t", weeks: [], height: 10.5 })).toThrow(/height/);
    expect(() => renderProgressChart({ title: "t", weeks: [], width: 100_000 })).toThrow(
      MichiError,
    );
  });
});
