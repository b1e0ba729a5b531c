// memory-summary.md: written into a run's folder whenever a function's memory changed, by the optimizer
// (autoOptimize) or by `powertune approve`: before → after, the evidence, who or what decided, and when.
import type { PowerStats, Recommendation } from "../../functions/tuner/core/index.js";
import { formatMs, formatTime, formatUsd } from "./format.js";
import { type Column, renderMarkdownTable } from "./text-table.js";

export interface MemoryChange {
  functionArn: string;
  beforeMb: number;
  afterMb: number;
  /** `$LATEST` or the alias that now points at a version with the new memory. */
  appliedTo: string;
  /** Who or what decided, in words: "the optimizer (autoOptimize, strategy balanced)". */
  decidedBy: string;
  decidedAt: Date;
  /** The tuning run whose figures are the evidence. */
  runId: string;
  recommendation: Recommendation;
  /** The run's per-power figures, when known. */
  stats?: PowerStats[];
}

/** The change a finished tuning made, if it applied its winner; undefined when memory stayed as it was. */
export function memoryChangeOfTuning(
  recommendation: Recommendation,
  meta: { functionArn: string; executionArn: string; finishedAt: Date },
  stats: PowerStats[] | undefined,
): MemoryChange | undefined {
  if (recommendation.applied !== "yes") return undefined;
  return {
    functionArn: meta.functionArn,
    beforeMb: recommendation.currentPower,
    afterMb: recommendation.winnerPower,
    appliedTo: recommendation.appliedTo ?? `${meta.functionArn}:$LATEST`,
    decidedBy: `the optimizer (autoOptimize, strategy ${recommendation.strategy})`,
    decidedAt: meta.finishedAt,
    runId: meta.executionArn.split(":").at(-1) ?? meta.executionArn,
    recommendation,
    ...(stats ? { stats } : {}),
  };
}

const evidenceColumns: Column<PowerStats & { mark: string }>[] = [
  { header: "memory", align: "right", cell: (s) => `${s.power} MB` },
  { header: "avg", align: "right", cell: (s) => formatMs(s.averageMs) },
  { header: "p90", align: "right", cell: (s) => formatMs(s.p90Ms) },
  { header: "cost/invocation", align: "right", cell: (s) => formatUsd(s.costUsd) },
  { header: "monthly", align: "right", cell: (s) => formatUsd(s.monthlyCostUsd) },
  { header: "", align: "left", cell: (s) => s.mark },
];

/** The run's figures per power, the before and after rows marked: the evidence of a memory change. */
export function renderEvidenceTable(stats: PowerStats[], beforeMb: number, afterMb: number): string {
  const rows = stats.map((s) => ({
    ...s,
    mark: [s.power === afterMb ? "after" : "", s.power === beforeMb ? "before" : ""]
      .filter(Boolean)
      .join(", "),
  }));
  return renderMarkdownTable(evidenceColumns, rows);
}

/**
 * "The run's figures:" and the evidence table, as markdown lines; nothing for a run without statistics (its
 * input did not set includeOutputResults), so a summary never shows an empty table.
 */
export function evidenceSection(
  stats: PowerStats[] | undefined,
  beforeMb: number,
  afterMb: number,
): string[] {
  if (!stats || stats.length === 0) return [];
  return ["The run's figures:", "", renderEvidenceTable(stats, beforeMb, afterMb), ""];
}

/** "41.5 % better on balanced, 1.20 USD a month saved …; the difference is significant at 95 %". */
export function describeEvidence(r: Recommendation): string {
  // Outputs from before feasibility was measured have no infeasiblePowers.
  if (r.infeasiblePowers?.includes(r.currentPower)) {
    return `the current ${r.currentPower} MB is infeasible: its invocations failed (see the warnings), so no saving is computed`;
  }
  const saving =
    r.savingPercent === null
      ? "the current memory was not among the measured sizes, so no saving is computed"
      : `${r.savingPercent.toFixed(1)} % better on ${r.strategy}${r.monthlySavingUsd === null ? "" : `, ${formatUsd(r.monthlySavingUsd)} a month saved at the projected invocations`}`;
  return `${saving}; ${r.significant ? "the difference is significant at 95 %" : "the difference is not significant at 95 %"}`;
}

export function renderMemorySummary(change: MemoryChange): string {
  const r = change.recommendation;
  const lines = [
    `# Memory change: \`${change.functionArn}\``,
    "",
    `- **${change.beforeMb} MB → ${change.afterMb} MB** on \`${change.appliedTo}\``,
    `- decided by: ${change.decidedBy}`,
    `- when: ${formatTime(change.decidedAt)}`,
    `- tuning run: \`${change.runId}\``,
    `- evidence: ${describeEvidence(r)}`,
    `- the optimizer's reason: ${r.reason}`,
    "",
  ];
  lines.push(...evidenceSection(change.stats, change.beforeMb, change.afterMb));
  return lines.join("\n");
}
