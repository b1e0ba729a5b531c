// Turns the state machine's output into what a person reads: a terminal table, summary.md, report.html.
import type { PowerStats, TuningOutput } from "../../functions/tuner/core/index.js";
import { formatMs, formatUsd } from "./format.js";
import { escapeHtml } from "./html.js";
import { renderDualAxisChartSvg } from "./svg-chart.js";
import { type Column, renderMarkdownTable, renderTextTable } from "./text-table.js";

interface Row {
  stats: PowerStats;
  marks: string[];
}

/** Marks each power: cheapest (lowest cost, ties → faster), fastest (ties → cheaper), chosen. */
export function markRows(output: TuningOutput): Row[] {
  const stats = output.stats ?? [];
  const cheapest = [...stats].sort((a, b) => a.costUsd - b.costUsd || a.averageMs - b.averageMs)[0];
  const fastest = [...stats].sort((a, b) => a.averageMs - b.averageMs || a.costUsd - b.costUsd)[0];
  return stats.map((s) => {
    const marks: string[] = [];
    if (s === cheapest) marks.push("cheapest");
    if (s === fastest) marks.push("fastest");
    if (s.power === output.power) marks.push("chosen");
    if (s.power === output.recommendation.currentPower) marks.push("current");
    return { stats: s, marks };
  });
}

const columns: Column<Row>[] = [
  { header: "memory", align: "right", cell: (r) => `${r.stats.power} MB` },
  { header: "avg", align: "right", cell: (r) => formatMs(r.stats.averageMs) },
  { header: "p50", align: "right", cell: (r) => formatMs(r.stats.p50Ms) },
  { header: "p99", align: "right", cell: (r) => formatMs(r.stats.p99Ms) },
  { header: "cost/invocation", align: "right", cell: (r) => formatUsd(r.stats.costUsd) },
  { header: "monthly", align: "right", cell: (r) => formatUsd(r.stats.monthlyCostUsd) },
  { header: "notes", align: "left", cell: (r) => r.marks.join(", ") },
];

export function describeOutcome(output: TuningOutput): string {
  const r = output.recommendation;
  const saving = r.savingPercent === null ? "" : ` (${r.savingPercent.toFixed(1)} % better on ${r.strategy})`;
  const where = r.appliedTo ? ` to ${r.appliedTo}` : "";
  switch (r.applied) {
    case "yes":
      return `applied: ${r.winnerPower} MB${where}, was ${r.currentPower} MB${saving}`;
    case "pending":
      return `pending approval: ${r.winnerPower} MB (now ${r.currentPower} MB)${saving}; run \`powertune approve\` or \`powertune deny\``;
    default:
      return `not applied: ${r.reason}`;
  }
}

export function renderTerminalSummary(output: TuningOutput, reportDir?: string): string {
  const lines: string[] = [];
  if (output.stats && output.stats.length > 0) lines.push(renderTextTable(columns, markRows(output)), "");
  lines.push(
    `best power (${output.recommendation.strategy}): ${output.power} MB, ${formatMs(output.duration)}, ${formatUsd(output.cost)} per invocation`,
    describeOutcome(output),
    `tuning run cost: ${formatUsd(output.stateMachine.executionCost)} (state machine) + ${formatUsd(output.stateMachine.lambdaCost)} (Lambda)`,
    `chart: ${output.stateMachine.visualization}`,
  );
  for (const warning of output.warnings) lines.push(`warning: ${warning}`);
  if (reportDir) lines.push(`report: ${reportDir}`);
  return `${lines.join("\n")}\n`;
}

export interface ReportMeta {
  functionArn: string;
  executionArn: string;
  startedAt: Date;
  finishedAt: Date;
}

export function renderSummaryMarkdown(output: TuningOutput, meta: ReportMeta): string {
  const seconds = ((meta.finishedAt.getTime() - meta.startedAt.getTime()) / 1000).toFixed(1);
  const parts = [
    `# Power tuning of \`${meta.functionArn}\``,
    "",
    `- execution: \`${meta.executionArn}\``,
    `- started: ${meta.startedAt.toISOString()}, took ${seconds} s`,
    `- strategy: ${output.recommendation.strategy}; best power: **${output.power} MB** (${formatMs(output.duration)}, ${formatUsd(output.cost)} per invocation)`,
    `- ${describeOutcome(output)}`,
    `- prices: ${output.prices.architecture} in ${output.prices.region}, taken on ${output.prices.takenOn}`,
    `- tuning run cost: ${formatUsd(output.stateMachine.executionCost)} (state machine) + ${formatUsd(output.stateMachine.lambdaCost)} (Lambda)`,
    `- chart: ${output.stateMachine.visualization}`,
    "",
  ];
  if (output.stats && output.stats.length > 0) parts.push(renderMarkdownTable(columns, markRows(output)), "");
  for (const warning of output.warnings) parts.push(`> warning: ${warning}`, "");
  return parts.join("\n");
}

/** A self-contained page: inline CSS and an inline SVG chart, no script and no network. */
export function renderReportHtml(output: TuningOutput, meta: ReportMeta): string {
  const rows = markRows(output);
  const chart =
    rows.length > 0
      ? renderDualAxisChartSvg({
          powers: rows.map((r) => r.stats.power),
          durationsMs: rows.map((r) => r.stats.averageMs),
          costsUsd: rows.map((r) => r.stats.costUsd),
          chosenPower: output.power,
        })
      : "<p>No per-power statistics: the input set includeOutputResults to false.</p>";
  const tableRows = rows
    .map(
      (r) =>
        `<tr${r.marks.includes("chosen") ? ' class="chosen"' : ""}>${columns
          .map((c) => `<td class="${c.align}">${escapeHtml(c.cell(r))}</td>`)
          .join("")}</tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>powertune: ${escapeHtml(meta.functionArn)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#111}
table{border-collapse:collapse;margin:1rem 0}td,th{padding:.3rem .7rem;border-bottom:1px solid #ddd}
.right{text-align:right}.left{text-align:left}tr.chosen{background:#ecfdf5;font-weight:600}
code{background:#f3f4f6;padding:0 .2rem}
</style></head><body>
<h1>Power tuning of <code>${escapeHtml(meta.functionArn)}</code></h1>
<p>Best power (${escapeHtml(output.recommendation.strategy)}): <strong>${output.power} MB</strong>,
${escapeHtml(formatMs(output.duration))}, ${escapeHtml(formatUsd(output.cost))} per invocation.
${escapeHtml(describeOutcome(output))}.</p>
${chart}
<table><thead><tr>${columns.map((c) => `<th class="${c.align}">${escapeHtml(c.header)}</th>`).join("")}</tr></thead>
<tbody>
${tableRows}
</tbody></table>
<p>Execution <code>${escapeHtml(meta.executionArn)}</code>, started ${meta.startedAt.toISOString()}.
Prices: ${escapeHtml(output.prices.architecture)} in ${escapeHtml(output.prices.region)}, taken on ${escapeHtml(output.prices.takenOn)}.
Tuning run cost: ${escapeHtml(formatUsd(output.stateMachine.executionCost))} (state machine) + ${escapeHtml(formatUsd(output.stateMachine.lambdaCost))} (Lambda).</p>
${output.warnings.map((w) => `<p><strong>warning:</strong> ${escapeHtml(w)}</p>`).join("\n")}
<p><a href="${escapeHtml(output.stateMachine.visualization)}">The same chart on quickchart.io</a> (needs network).</p>
</body></html>
`;
}
