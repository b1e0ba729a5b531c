// One load run's figures, from autocannon's result, and how two memory sizes compare.
import type autocannon from "autocannon";
import { formatRatio } from "../report/format.js";

/** The `--json` shape of one run, for scripts: exactly these fields. */
export interface LoadRun {
  /** Memory of the function during the run, MB. */
  power: number;
  /** Responses received. */
  requests: number;
  /** Responses per second over the run. */
  rps: number;
  /** Response time as the client saw it, ms (percentiles have autocannon's 1 ms resolution). */
  latencyMs: { avg: number; p50: number; p90: number; p99: number };
  /** Connection errors and timeouts: requests that got no response. */
  errors: number;
  /** Responses with a status outside 200–299. */
  non2xx: number;
}

/** What result.json keeps beyond the `--json` shape. */
export interface LoadRunDetail extends LoadRun {
  timeouts: number;
  maxLatencyMs: number;
  /** How long the measured run took, s. */
  durationS: number;
  /** Status code → responses. */
  statusCodes: Record<string, number>;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

export function loadRunOf(power: number, result: autocannon.Result): LoadRunDetail {
  const durationS = result.duration > 0 ? result.duration : 1;
  const requests = result.requests.total;
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) {
    statusCodes[code] = (stats as { count: number }).count;
  }
  return {
    power,
    requests,
    rps: round(requests / durationS, 1),
    latencyMs: {
      avg: round(result.latency.average, 2),
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
    },
    errors: result.errors,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
    maxLatencyMs: result.latency.max,
    durationS: round(durationS, 2),
    statusCodes,
  };
}

/** Only the `--json` fields, in the documented order. */
export function jsonShapeOf(run: LoadRun): LoadRun {
  const { power, requests, rps, latencyMs, errors, non2xx } = run;
  return {
    power,
    requests,
    rps,
    latencyMs: { avg: latencyMs.avg, p50: latencyMs.p50, p90: latencyMs.p90, p99: latencyMs.p99 },
    errors,
    non2xx,
  };
}

/**
 * "1024 MB vs 128 MB: p50 3.1× lower, 2.8× the throughput". A percentile of 0 ms (a response within the
 * histogram's 1 ms resolution) is compared as 0.5 ms, so the ratio stays finite and errs on the modest side.
 */
export function describeRatio(run: LoadRun, baseline: LoadRun): string {
  const p50 = Math.max(run.latencyMs.p50, 0.5);
  const base = Math.max(baseline.latencyMs.p50, 0.5);
  let latency: string;
  if (run.latencyMs.p50 === baseline.latencyMs.p50) latency = "p50 the same";
  else if (p50 < base) latency = `p50 ${formatRatio(base / p50)} lower`;
  else latency = `p50 ${formatRatio(p50 / base)} higher`;
  const throughput =
    baseline.rps > 0 ? `${formatRatio(run.rps / baseline.rps)} the throughput` : "throughput not comparable";
  return `${run.power} MB vs ${baseline.power} MB: ${latency}, ${throughput}`;
}

/** Every run after the first, compared with the first. */
export function describeRatios(runs: readonly LoadRun[]): string[] {
  const [baseline, ...rest] = runs;
  if (!baseline) return [];
  return rest.map((run) => describeRatio(run, baseline));
}
