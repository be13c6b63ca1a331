/** `michi eval`'s report as terminal text: a summary line, a table (all, then per kind), the misses. */
import type { EvalFigures, EvalReport } from "../ask/evaluate.js";
import { plural } from "../learning/render.js";

const f2 = (x: number) => x.toFixed(2);

/** hit@1/3/10 and MRR cells; dashes for a group with no answerable question. */
function hits(f: EvalFigures): [string, string] {
  if (f.answerable === 0) return ["—", "—"];
  return [`${f2(f.hit1)} / ${f2(f.hit3)} / ${f2(f.hit10)}`, f2(f.mrr)];
}

/** The report as text: a table (overall, then per kind), then the failures. */
export function formatEvalReport(report: EvalReport, baseline?: EvalReport): string[] {
  const rows: [string, EvalFigures, EvalFigures | undefined][] = [
    ["all", report, baseline],
    ...Object.entries(report.byKind).map(
      ([kind, figures]): [string, EvalFigures, EvalFigures | undefined] => [
        kind,
        figures,
        baseline?.byKind[kind],
      ],
    ),
  ];
  const header = [
    "kind",
    "n",
    "hit@1/3/10",
    "MRR",
    "none-acc",
    "false-none",
    ...(baseline ? ["MiniSearch hit@1/3/10", "MRR"] : []),
  ];
  const table = rows.map(([kind, m, b]) => [
    kind,
    String(m.n),
    ...hits(m),
    m.unanswerable > 0 ? f2(m.noneAccuracy) : "—",
    m.answerable > 0 ? f2(m.falseNone) : "—",
    ...(b ? hits(b) : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  const out = [
    `${plural(report.n, "question")}: hit@1 ${f2(report.hit1)}, hit@3 ${f2(report.hit3)}, hit@10 ${f2(report.hit10)}, MRR ${f2(report.mrr)}, none-accuracy ${report.unanswerable > 0 ? f2(report.noneAccuracy) : "—"}, false-none ${f2(report.falseNone)}, flag accuracy ${f2(report.flagAccuracy)}`,
    line(header),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...table.map(line),
  ];
  for (const f of report.failures) {
    const expected = f.note ?? f.expect;
    out.push(
      `  ✗ ${f.id} ${f.q} — flag ${f.flag} (expected ${f.expectedFlag})${expected ? `, expected ${f.note ? "note" : "source"} at rank ${f.rank ?? "—"}` : ""}${f.top ? `; top: ${f.topNote ?? ""} ${f.top.slice(0, 50)}` : ""}`,
    );
  }
  return out;
}
