// A function's drift across tuning runs: the chosen power, its cost per invocation and its p90, run by run.
import type { Recommendation, TuningOutput } from "../../functions/tuner/core/index.js";
import { renderLineChartSvg, SERIES_COLORS } from "./svg-chart.js";

export interface TrendPoint {
  /** When the run started (reports) or was recorded (TuningHistory), ISO 8601. */
  time: string;
  /** The chosen power, MB. */
  power: number;
  /** USD per invocation at the chosen power. */
  costUsd: number;
  /** p90 duration at the chosen power, ms; null when the run kept no per-power statistics. */
  p90Ms: number | null;
  /** What became of the recommendation: "yes", "no" or "pending". */
  applied: string;
}

export function trendPointOf(time: string, output: TuningOutput): TrendPoint {
  const chosen = output.stats?.find((s) => s.power === output.power);
  return {
    time,
    power: output.power,
    costUsd: output.cost,
    p90Ms: chosen?.p90Ms ?? null,
    applied: output.recommendation.applied,
  };
}

/** `11-22 10:04`: short enough for an axis, in UTC like every time in the reports. */
export function axisTime(iso: string): string {
  return iso.slice(5, 16).replace("T", " ");
}

/** Three small charts, oldest run left: chosen power (MB), cost per invocation (USD), p90 (ms). */
export function renderTrendCharts(points: readonly TrendPoint[]): string[] {
  const oldestFirst = [...points].sort((a, b) => a.time.localeCompare(b.time));
  const xLabels = oldestFirst.map((p) => axisTime(p.time));
  const chart = (title: string, yTitle: string, values: (number | null)[], color: string) =>
    renderLineChartSvg({
      title,
      xLabels,
      xTitle: "tuning run (UTC)",
      yTitle,
      series: [{ name: title, values, color }],
      width: 420,
      height: 240,
    });
  return [
    chart(
      "chosen power",
      "memory (MB)",
      oldestFirst.map((p) => p.power),
      SERIES_COLORS[0],
    ),
    chart(
      "cost per invocation",
      "cost (USD)",
      oldestFirst.map((p) => p.costUsd),
      SERIES_COLORS[1],
    ),
    chart(
      "p90 of the chosen power",
      "p90 (ms)",
      oldestFirst.map((p) => p.p90Ms),
      SERIES_COLORS[2],
    ),
  ];
}

/** What became of a run's recommendation: applied, waiting for approval, or the memory kept as it was. */
export function recommendationOutcome(r: Recommendation): string {
  if (r.applied === "yes") return `applied (was ${r.currentPower} MB)`;
  if (r.applied === "pending") return "pending approval";
  return `kept ${r.currentPower} MB`;
}

/** One TuningHistory entry as `powertune history` prints it. */
export interface HistoryRow {
  time: string;
  runId: string;
  /** succeeded, failed, approved or denied. */
  status: string;
  /** The chosen (or approved) power, MB; null for a failed run. */
  power: number | null;
  costUsd: number | null;
  p90Ms: number | null;
  /** What happened to memory: "applied", "pending approval", "kept", "approved", "denied", or the failure. */
  outcome: string;
}

export function historyRowOf(entry: {
  timestamp: string;
  runId: string;
  status: string;
  output: unknown;
}): HistoryRow {
  const base = { time: entry.timestamp, runId: entry.runId, status: entry.status };
  const output = entry.output as Partial<TuningOutput> & {
    error?: { Error?: string } | null;
    applyTo?: string;
  };
  if (entry.status === "succeeded" && output?.recommendation && typeof output.power === "number") {
    const point = trendPointOf(entry.timestamp, output as TuningOutput);
    const outcome = recommendationOutcome(output.recommendation);
    return { ...base, power: point.power, costUsd: point.costUsd, p90Ms: point.p90Ms, outcome };
  }
  if ((entry.status === "approved" || entry.status === "denied") && output?.recommendation) {
    const r = output.recommendation;
    return {
      ...base,
      power: r.winnerPower,
      costUsd: null,
      p90Ms: null,
      outcome:
        entry.status === "approved"
          ? `approved: ${r.currentPower} → ${r.winnerPower} MB`
          : `denied: kept ${r.currentPower} MB`,
    };
  }
  return {
    ...base,
    power: null,
    costUsd: null,
    p90Ms: null,
    outcome:
      entry.status === "failed" ? `failed: ${output?.error?.Error ?? "see the execution"}` : entry.status,
  };
}

/** "128 → 512 → 512 MB": a measure across the succeeded runs, oldest first. */
export function describeDrift(
  rows: readonly HistoryRow[],
  unit: string,
  pick: (row: HistoryRow) => number | null,
  format: (value: number) => string = String,
): string | undefined {
  const values = rows
    .filter((row) => row.status === "succeeded")
    .map(pick)
    .filter((value): value is number => value !== null)
    .reverse();
  if (values.length === 0) return undefined;
  const shown = values.length > 8 ? [...values.slice(0, 3), Number.NaN, ...values.slice(-4)] : values;
  return `${shown.map((v) => (Number.isNaN(v) ? "…" : format(v))).join(" → ")} ${unit}`;
}
