// Turns the state machine's output into what a person reads: a terminal table, summary.md, report.html.
import { describePValue, type PowerStats, type TuningOutput } from "../../functions/tuner/core/index.js";
import { comparisonColumns, comparisonLines } from "./comparison-report.js";
import { formatMs, formatUsd } from "./format.js";
import { escapeHtml } from "./html.js";
import { renderDualAxisChartSvg } from "./svg-chart.js";
import { type Column, renderMarkdownTable, renderTextTable } from "./text-table.js";

interface Row {
  stats: PowerStats;
  marks: string[];
}

/** Outputs from before feasibility was measured have no `feasible`: every power of theirs was. */
export const isFeasible = (s: PowerStats) => s.feasible !== false;

/**
 * Marks each power: cheapest (lowest cost, ties → faster) and fastest (ties → cheaper) among the feasible ones,
 * infeasible, chosen, tied, current.
 */
export function markRows(output: TuningOutput): Row[] {
  const stats = output.stats ?? [];
  const r = output.recommendation;
  const feasible = stats.filter(isFeasible);
  const cheapest = [...feasible].sort((a, b) => a.costUsd - b.costUsd || a.averageMs - b.averageMs)[0];
  const fastest = [...feasible].sort((a, b) => a.averageMs - b.averageMs || a.costUsd - b.costUsd)[0];
  return stats.map((s) => {
    const marks: string[] = [];
    if (!isFeasible(s)) marks.push("infeasible");
    if (s === cheapest) marks.push("cheapest");
    if (s === fastest) marks.push("fastest");
    if (r.strategy === "balanced" && s.power === r.bestPower) marks.push("best score");
    if (s.power === output.power) marks.push("chosen");
    else if (r.equivalentPowers.includes(s.power)) marks.push("tied");
    if (s.power === r.currentPower) marks.push("current");
    return { stats: s, marks };
  });
}

/** The p-value column: how clearly a power differs from the best on the strategy's metric. */
function pValueCell(output: TuningOutput, power: number): string {
  if (power === output.recommendation.bestPower) return "best";
  const p = output.recommendation.pValues.find((v) => v.power === power)?.pValue;
  return p === undefined ? "" : describePValue(p).replace(/^p = /, "");
}

/** "0 %", or "100 % Runtime.OutOfMemory": the share of invocations that failed, and how. */
export function errorCell(s: PowerStats): string {
  if (s.errorRate === undefined) return "";
  const types = [...new Set((s.errors ?? []).map((e) => e.errorType))].join(", ");
  const percent = `${Number((s.errorRate * 100).toFixed(1))} %`;
  return types ? `${percent} ${types}` : percent;
}

function formatInterval(low: number, high: number, unit: (value: number) => string): string {
  return Number.isFinite(low) && Number.isFinite(high)
    ? `${unit(low).replace(/ \w+$/, "")}–${unit(high)}`
    : "";
}

function columnsFor(output: TuningOutput): Column<Row>[] {
  return [
    { header: "memory", align: "right", cell: (r) => `${r.stats.power} MB` },
    { header: "n", align: "right", cell: (r) => `${r.stats.invocations}` },
    { header: "avg", align: "right", cell: (r) => formatMs(r.stats.averageMs) },
    {
      header: "95 % interval",
      align: "right",
      cell: (r) => formatInterval(r.stats.ci95Ms.low, r.stats.ci95Ms.high, formatMs),
    },
    { header: "p99", align: "right", cell: (r) => formatMs(r.stats.p99Ms) },
    { header: "cost/invocation", align: "right", cell: (r) => formatUsd(r.stats.costUsd) },
    { header: "monthly", align: "right", cell: (r) => formatUsd(r.stats.monthlyCostUsd) },
    { header: "p vs best", align: "right", cell: (r) => pValueCell(output, r.stats.power) },
    { header: "errors", align: "right", cell: (r) => errorCell(r.stats) },
    { header: "notes", align: "left", cell: (r) => r.marks.join(", ") },
  ];
}

function listPowers(powers: number[]): string {
  const names = powers.map((p) => `${p} MB`);
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** " (not shown worse than the best by more than 5 %)" when the tie was drawn with a margin. */
function marginNote(margin: number | undefined): string {
  return margin
    ? ` (not shown worse than the best by more than ${Number((margin * 100).toFixed(1))} % at 95 %)`
    : "";
}

/** "256 MB; 512 MB is indistinguishable": the choice and the tie it was chosen from. */
export function describeChoice(output: TuningOutput): string {
  const r = output.recommendation;
  const others = r.equivalentPowers.filter((p) => p !== output.power);
  const tie =
    others.length === 0
      ? "no other power is indistinguishable from the best at 95 %"
      : `${listPowers(others)} ${others.length === 1 ? "is" : "are"} indistinguishable${marginNote(r.equivalenceMargin)}`;
  const best = r.bestPower !== output.power ? ` (best ${metricWord(r.strategy)}: ${r.bestPower} MB)` : "";
  return `${output.power} MB; ${tie}${best}`;
}

function metricWord(strategy: TuningOutput["recommendation"]["strategy"]): string {
  return strategy === "cost" ? "cost" : strategy === "speed" ? "duration" : "balanced score";
}

/** How sure the choice is: 1 − the p-value of the weakest exclusion of a smaller power. */
export function describeConfidence(output: TuningOutput): string {
  const r = output.recommendation;
  if (r.confidence === null) return "none: a dry run's single invocations resolve nothing";
  const percent = `${(r.confidence * 100).toFixed(1)} %`;
  const smallerInfeasible = (r.infeasiblePowers ?? []).filter((p) => p < output.power);
  if (!r.weakestExclusion && smallerInfeasible.length > 0)
    return `${percent}: no smaller feasible power was measured (${listPowers(smallerInfeasible)} infeasible)`;
  if (!r.weakestExclusion) return `${percent}: no smaller power was measured`;
  return `${percent}: the weakest exclusion of a smaller power is ${r.weakestExclusion.power} MB (${describePValue(r.weakestExclusion.pValue)})`;
}

/** How the run measured: rounds, invocations per power, and why it stopped. */
export function describeSampling(output: TuningOutput): string {
  const s = output.sampling;
  const rounds = `${s.rounds} round${s.rounds === 1 ? "" : "s"} of up to ${s.roundInvocations} invocations per power`;
  const mode =
    s.mode === "auto"
      ? `num "auto", at most ${s.maxInvocations} per power${s.maxCostUsd !== undefined ? ` and ${formatUsd(s.maxCostUsd)}` : ""}`
      : `num ${s.maxInvocations}`;
  const counts = s.invocations.map((i) => `${i.power} MB ${i.count}`).join(", ");
  return `measured in ${rounds}, interleaved (${mode}): ${counts}; stopped: ${s.stoppedBecause}`;
}

/** "128 MB infeasible (its invocations failed: see warnings); memory floor 232 MB", or undefined if none was. */
export function describeFeasibility(output: TuningOutput): string | undefined {
  const r = output.recommendation;
  const infeasible = r.infeasiblePowers ?? [];
  if (infeasible.length === 0) return undefined;
  const verb = infeasible.length === 1 ? "is" : "are";
  const floor = r.memoryFloorMb ? `; memory floor ${r.memoryFloorMb} MB` : "";
  return `${listPowers(infeasible)} ${verb} infeasible, excluded from the choice (their invocations failed: see the warnings)${floor}`;
}

/**
 * The charts' links: lambda-power-tuning.show (the reference tool's page: the figures are in the fragment, which
 * stays in the browser) and quickchart.io (the figures are in the query string, sent to that service). Outputs
 * from before the first had only the quickchart URL, under `visualization`.
 */
export function chartLinks(output: TuningOutput): { page?: string; quickchart?: string } {
  const { visualization, quickchartUrl } = output.stateMachine;
  if (quickchartUrl === undefined) return { quickchart: visualization };
  return { page: visualization, quickchart: quickchartUrl };
}

function chartLines(output: TuningOutput): string[] {
  const links = chartLinks(output);
  return [
    ...(links.quickchart ? [`chart: ${links.quickchart}`] : []),
    ...(links.page ? [`chart without sending the figures anywhere: ${links.page}`] : []),
  ];
}

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
  if (output.stats && output.stats.length > 0) {
    lines.push(renderTextTable(columnsFor(output), markRows(output)), "");
  }
  lines.push(
    `choice (${output.recommendation.strategy}): ${describeChoice(output)}`,
    `at ${output.power} MB: ${formatMs(output.duration)}, ${formatUsd(output.cost)} per invocation`,
    `confidence: ${describeConfidence(output)}`,
    describeSampling(output),
    ...optional(describeFeasibility(output)),
    describeOutcome(output),
    `tuning run cost: ${formatUsd(output.stateMachine.executionCost)} (state machine) + ${formatUsd(output.stateMachine.lambdaCost)} (Lambda)`,
    ...chartLines(output),
  );
  if (output.comparison) {
    lines.push(
      "",
      renderTextTable(comparisonColumns(output.comparison), output.comparison.powers),
      ...comparisonLines(output),
    );
  }
  for (const warning of output.warnings) lines.push(`warning: ${warning}`);
  if (reportDir) lines.push(`report: ${reportDir}`);
  return `${lines.join("\n")}\n`;
}

const optional = (line: string | undefined) => (line === undefined ? [] : [line]);

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
    `- strategy: ${output.recommendation.strategy}; choice: **${describeChoice(output)}**`,
    `- at ${output.power} MB: ${formatMs(output.duration)}, ${formatUsd(output.cost)} per invocation`,
    `- confidence: ${describeConfidence(output)}`,
    `- ${describeSampling(output)}`,
    ...optional(describeFeasibility(output)).map((line) => `- ${line}`),
    `- ${describeOutcome(output)}`,
    `- prices: ${output.prices.architecture} in ${output.prices.region}, taken on ${output.prices.takenOn}`,
    `- tuning run cost: ${formatUsd(output.stateMachine.executionCost)} (state machine) + ${formatUsd(output.stateMachine.lambdaCost)} (Lambda)`,
    ...chartLines(output).map((line) => `- ${line}`),
    "",
  ];
  if (output.stats && output.stats.length > 0) {
    parts.push(renderMarkdownTable(columnsFor(output), markRows(output)), "");
  }
  if (output.comparison) {
    parts.push(
      "## Comparison",
      "",
      ...comparisonLines(output).map((line) => `- ${line}`),
      "",
      renderMarkdownTable(comparisonColumns(output.comparison), output.comparison.powers),
      "",
    );
  }
  for (const warning of output.warnings) parts.push(`> warning: ${warning}`, "");
  return parts.join("\n");
}

/** A self-contained page: inline CSS and an inline SVG chart, no script and no network. */
export function renderReportHtml(output: TuningOutput, meta: ReportMeta): string {
  const rows = markRows(output);
  const columns = columnsFor(output);
  // An infeasible power's figures say how it failed: it is in the table, not on the chart.
  const charted = rows.filter((r) => isFeasible(r.stats));
  const chart =
    charted.length > 0
      ? renderDualAxisChartSvg({
          powers: charted.map((r) => r.stats.power),
          durationsMs: charted.map((r) => r.stats.averageMs),
          costsUsd: charted.map((r) => r.stats.costUsd),
          durationIntervalsMs: charted.map((r) => r.stats.ci95Ms),
          costIntervalsUsd: charted.map((r) => r.stats.costCi95Usd),
          chosenPower: output.power,
        })
      : "<p>No per-power statistics: the input set includeOutputResults to false.</p>";
  const feasibility = describeFeasibility(output);
  const links = chartLinks(output);
  const linkParagraphs = [
    ...(links.quickchart
      ? [
          `<p><a href="${escapeHtml(links.quickchart)}">The same chart on quickchart.io</a> (needs network; the link carries the figures).</p>`,
        ]
      : []),
    ...(links.page
      ? [
          `<p><a href="${escapeHtml(links.page)}">The same figures on lambda-power-tuning.show</a> (needs network; the figures stay in the link's fragment, which the browser does not send).</p>`,
        ]
      : []),
  ];
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
<p>Choice (${escapeHtml(output.recommendation.strategy)}): <strong>${escapeHtml(describeChoice(output))}</strong>.
At ${output.power} MB: ${escapeHtml(formatMs(output.duration))}, ${escapeHtml(formatUsd(output.cost))} per invocation.</p>
<p>Confidence: ${escapeHtml(describeConfidence(output))}.</p>
<p>${escapeHtml(describeSampling(output))}.</p>
${feasibility ? `<p>${escapeHtml(feasibility)}.</p>\n` : ""}<p>${escapeHtml(describeOutcome(output))}.</p>
${chart}
<p>Error bars: the 95 % bootstrap interval of each trimmed mean (duration in blue, cost in red).</p>
<table><thead><tr>${columns.map((c) => `<th class="${c.align}">${escapeHtml(c.header)}</th>`).join("")}</tr></thead>
<tbody>
${tableRows}
</tbody></table>
<p>Execution <code>${escapeHtml(meta.executionArn)}</code>, started ${meta.startedAt.toISOString()}.
Prices: ${escapeHtml(output.prices.architecture)} in ${escapeHtml(output.prices.region)}, taken on ${escapeHtml(output.prices.takenOn)}.
Tuning run cost: ${escapeHtml(formatUsd(output.stateMachine.executionCost))} (state machine) + ${escapeHtml(formatUsd(output.stateMachine.lambdaCost))} (Lambda).</p>
${comparisonHtml(output)}${output.warnings.map((w) => `<p><strong>warning:</strong> ${escapeHtml(w)}</p>`).join("\n")}
${linkParagraphs.join("\n")}
</body></html>
`;
}

function comparisonHtml(output: TuningOutput): string {
  const c = output.comparison;
  if (!c) return "";
  const columns = comparisonColumns(c);
  const [what, summary, choices] = comparisonLines(output);
  const rows = c.powers
    .map(
      (p) =>
        `<tr>${columns.map((col) => `<td class="${col.align}">${escapeHtml(col.cell(p))}</td>`).join("")}</tr>`,
    )
    .join("\n");
  return `<h2>Comparison</h2>
<p>${escapeHtml(what ?? "")}.</p>
<p>${escapeHtml(summary ?? "")}. ${escapeHtml(choices ?? "")}.</p>
<table><thead><tr>${columns.map((col) => `<th class="${col.align}">${escapeHtml(col.header)}</th>`).join("")}</tr></thead>
<tbody>
${rows}
</tbody></table>
<p><a href="${escapeHtml(c.quickchartUrl)}">Both on one chart on quickchart.io</a> (the link carries the figures);
<a href="${escapeHtml(c.visualization)}">both on lambda-power-tuning.show's compare view</a> (the figures stay in the fragment).</p>
`;
}
