// Runs of every kind, as their result.json holds them, for the report tests (unit and browser).

import type { LoadtestRecord, SmokeRecord } from "../../cli/report/records.js";
import type { PowerStats, TuningOutput } from "../../functions/tuner/core/index.js";

export const FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:crud";

/** One power's figures, derived from its average and cost; `overrides` sets what a test asserts on. */
export function powerStats(
  power: number,
  averageMs: number,
  costUsd: number,
  overrides: Partial<PowerStats> = {},
): PowerStats {
  return {
    power,
    value: power,
    averagePrice: costUsd - 0.0000002,
    averageDuration: averageMs,
    invocations: 10,
    averageMs,
    p50Ms: averageMs,
    p90Ms: averageMs * 1.1,
    p99Ms: averageMs * 1.2,
    stdDevMs: 1,
    ci95Ms: { low: averageMs - 1, high: averageMs + 1 } as PowerStats["ci95Ms"],
    costUsd,
    costCi95Usd: { low: costUsd * 0.98, high: costUsd * 1.02 } as PowerStats["costCi95Usd"],
    monthlyCostUsd: costUsd * 1_000_000,
    cold: { count: 1, averageMs, averageInitMs: 100 },
    warm: { count: 9, averageMs },
    maxMemoryUsedMb: 70,
    allowedErrors: 0,
    feasible: true,
    errorRate: 0,
    errors: [],
    ...overrides,
  };
}

/** A tuning that chose `power` among 128/512/1024 MB and applied it (or not). */
export function tuningOutput(power: number, applied: "yes" | "no" = "yes"): TuningOutput {
  const stats = [
    powerStats(128, 80, 0.0000017),
    powerStats(512, 20, 0.0000021),
    powerStats(1024, 19, 0.0000034),
  ];
  const chosen = stats.find((s) => s.power === power) ?? stats[1];
  return {
    power,
    cost: chosen?.costUsd ?? 0,
    duration: chosen?.averageMs ?? 0,
    stateMachine: {
      executionCost: 0.00025,
      lambdaCost: 0.00003,
      visualization: "https://lambda-power-tuning.show/#gAAAAQ==;AADJQgAASUI=;XHxhNCQ5bDQ=",
      quickchartUrl: "https://quickchart.io/chart?c=x",
    },
    recommendation: {
      currentPower: 128,
      winnerPower: power,
      bestPower: power,
      equivalentPowers: [power],
      pValues: stats.map((s) => ({ power: s.power, pValue: s.power === power ? 1 : 0.001 })),
      confidence: 0.999,
      weakestExclusion: power === 128 ? null : { power: 128, pValue: 0.001 },
      strategy: "balanced",
      savingPercent: 41.5,
      monthlySavingUsd: 1.2,
      significant: true,
      decision: applied === "yes" ? "apply" : "keep",
      reason: "winner is significantly better",
      applied,
      infeasiblePowers: [],
      memoryFloorMb: null,
      ...(applied === "yes" ? { appliedTo: `${FUNCTION_ARN}:$LATEST` } : {}),
    },
    stats,
    prices: { region: "us-east-1", architecture: "arm64", takenOn: "2025-10-01" },
    sampling: {
      mode: "fixed",
      rounds: 1,
      roundInvocations: 10,
      maxInvocations: 10,
      invocations: stats.map((s) => ({ power: s.power, count: 10, lastRound: 1 })),
      spentUsd: 0.00007,
      stop: "num",
      stoppedBecause: "every power got num invocations",
      drift: { roundFactors: [1], spreadPercent: 0, detected: false, warmUp: false },
    },
    dryRun: false,
    warnings: [],
  };
}

export function loadtestRecord(startedAt: string): LoadtestRecord {
  const run = (power: number, p50: number, rps: number) => ({
    power,
    requests: rps * 10,
    rps,
    latencyMs: { avg: p50 * 1.2, p50, p90: p50 * 2, p99: p50 * 4 },
    errors: 0,
    non2xx: 0,
    timeouts: 0,
    maxLatencyMs: p50 * 5,
    durationS: 10,
    statusCodes: { "200": rps * 10 },
  });
  return {
    kind: "loadtest",
    functionArn: FUNCTION_ARN,
    cloud: "local",
    apiUrl: "http://127.0.0.1:4566/restapis/abc/dev/_user_request_/",
    startedAt,
    finishedAt: startedAt,
    settings: { connections: 4, durationS: 10, requests: "the seeds' list request" },
    runs: [run(128, 20, 150), run(1024, 7, 420)],
    originalMemoryMb: 128,
    restored: true,
    notes: ["What transfers to AWS: the latency ratio between memory sizes."],
  };
}

export function smokeRecord(startedAt: string, failing = false): SmokeRecord {
  return {
    kind: "smoke",
    functionName: "crud",
    apiUrl: "http://127.0.0.1:4566/restapis/abc/dev/_user_request_/",
    table: "Items",
    startedAt,
    finishedAt: startedAt,
    collection: "powertune CRUD API",
    requests: { total: 2, failed: 0 },
    assertions: { total: 3, failed: failing ? 1 : 0 },
    executions: [
      {
        name: "dispatcher / ping",
        method: "POST",
        url: "http://127.0.0.1:4566/x/DynamoDBManager",
        status: 200,
        responseTimeMs: 5,
        assertions: [
          { name: "status is 200", passed: true },
          { name: "answers pong", passed: true },
        ],
      },
      {
        name: "items / GET /items/{id}",
        method: "GET",
        url: "http://127.0.0.1:4566/x/items/1",
        status: failing ? 500 : 200,
        responseTimeMs: 7,
        assertions: [
          failing
            ? {
                name: "status is 200",
                passed: false,
                message: "expected response to have status code 200 but got 500",
              }
            : { name: "status is 200", passed: true },
        ],
      },
    ],
  };
}
