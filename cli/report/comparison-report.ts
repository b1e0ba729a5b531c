// The comparison part of a report (a run with compareWith or architectures): per power, both targets' figures
// and which one is faster and cheaper, by how much and how surely.
import {
  type Comparison,
  describePValue,
  type MetricVerdict,
  type PowerComparison,
  type TuningOutput,
} from "../../functions/tuner/core/index.js";
import { formatMs, formatUsd } from "./format.js";
import type { Column } from "./text-table.js";

/** "arm64 by 12.3 % (p < 0.001)", "x86_64 by 1.2 % (p = 0.412, not resolved)", or why there is no verdict. */
export function verdictCell(verdict: MetricVerdict): string {
  if (verdict.pValue === null) return "not compared";
  if (verdict.winner === null) return "equal";
  const resolved = verdict.significant ? "" : ", not resolved";
  return `${verdict.winner} by ${(verdict.byPercent ?? 0).toFixed(1)} % (${describePValue(verdict.pValue)}${resolved})`;
}

const side = (value: number | null, feasible: boolean, format: (v: number) => string) =>
  value === null ? "not measured" : `${format(value)}${feasible ? "" : " (infeasible)"}`;

export function comparisonColumns(comparison: Comparison): Column<PowerComparison>[] {
  const [a, b] = [comparison.first.label, comparison.second.label];
  return [
    { header: "memory", align: "right", cell: (p) => `${p.power} MB` },
    { header: `${a} avg`, align: "right", cell: (p) => side(p.first.averageMs, p.first.feasible, formatMs) },
    {
      header: `${b} avg`,
      align: "right",
      cell: (p) => side(p.second.averageMs, p.second.feasible, formatMs),
    },
    { header: "faster", align: "left", cell: (p) => verdictCell(p.faster) },
    { header: `${a} cost`, align: "right", cell: (p) => side(p.first.costUsd, p.first.feasible, formatUsd) },
    {
      header: `${b} cost`,
      align: "right",
      cell: (p) => side(p.second.costUsd, p.second.feasible, formatUsd),
    },
    { header: "cheaper", align: "left", cell: (p) => verdictCell(p.cheaper) },
  ];
}

/** The lines around the table: what was compared, the summary, each target's own choice, the charts. */
export function comparisonLines(output: TuningOutput): string[] {
  const c = output.comparison;
  if (!c) return [];
  const what =
    c.kind === "architectures"
      ? `comparison: ${c.first.label} (the function) vs ${c.second.label} (a temporary copy of its code, deleted after the run)`
      : `comparison: ${c.first.label} vs ${c.second.label}`;
  const secondChoice =
    c.second.power === null
      ? `${c.second.label}: no feasible power`
      : `${c.second.label}'s own choice (${output.recommendation.strategy}): ${c.second.power} MB, ${formatMs(c.second.duration ?? 0)}, ${formatUsd(c.second.cost ?? 0)} per invocation`;
  return [
    what,
    `${c.summary}`,
    `${c.first.label}'s choice (${output.recommendation.strategy}): ${output.power} MB; ${secondChoice}`,
    `comparison chart: ${c.quickchartUrl}`,
    `comparison without sending the figures anywhere: ${c.visualization}`,
  ];
}
