import { describe, expect, it } from "vitest";
import { NoFeasiblePowerError } from "../../../../../functions/tuner/core/errors.js";
import type { ErrorTally } from "../../../../../functions/tuner/core/feasibility.js";
import { payloadSlice, spreadPayloads } from "../../../../../functions/tuner/core/payloads.js";
import {
  advanceSampling,
  mergeRound,
  SETTLE_ROUNDS,
  startSampling,
} from "../../../../../functions/tuner/core/sampling.js";
import type { ExecutorTask, Measurements } from "../../../../../functions/tuner/core/types.js";
import { contextFor, measurementsOf, runRounds } from "../../../../support/sampling-loop.js";
import { normalDraws } from "../../../../support/synthetic-samples.js";

/** Durations of a task: each power its own mean, with 20 % noise from a stream per power. */
function noisyExecutor(means: Record<number, number>, seed = 1) {
  const streams = new Map<number, () => number>();
  return (task: ExecutorTask) => {
    const z = streams.get(task.power) ?? normalDraws(seed * 1000 + task.power);
    streams.set(task.power, z);
    const mean = means[task.power] ?? 100;
    return measurementsOf(
      task,
      Array.from({ length: task.num }, () => mean * Math.max(0.1, 1 + 0.2 * z())),
    );
  };
}

describe("startSampling", () => {
  it("plans a first round of every power, from the start of the payload sequence", () => {
    const sampling = startSampling(contextFor({ num: 50, powerValues: [128, 256] }));
    expect(sampling).toMatchObject({ round: 0, done: false, choices: [], tunerComputeUsd: 0 });
    expect(sampling.tasks.map((t) => [t.power, t.offset, t.num, t.sequenceLength, t.qualifiers])).toEqual([
      [128, 0, 10, 50, ["RAM128"]],
      [256, 0, 10, 50, ["RAM256"]],
    ]);
    expect(sampling.samples.map((s) => [s.power, s.durationMs, s.perRound])).toEqual([
      [128, [], []],
      [256, [], []],
    ]);
  });

  it("measures in one round of num at once with parallelInvocation, as the original tool", () => {
    const sampling = startSampling(contextFor({ num: 30, parallelInvocation: true }));
    expect(sampling.tasks.every((t) => t.num === 30 && t.parallelInvocation)).toBe(true);
  });

  it("gives every task the target's resolved invoke mode, BUFFERED when the target has none recorded", () => {
    const context = contextFor({ num: 10 });
    expect(startSampling(context).tasks.every((t) => t.invokeMode === "BUFFERED")).toBe(true);
    const streaming = { ...context, target: { ...context.target, invokeMode: "RESPONSE_STREAM" as const } };
    expect(startSampling(streaming).tasks.every((t) => t.invokeMode === "RESPONSE_STREAM")).toBe(true);
  });

  it("sends a dry run's one invocation the first payload of a weighted list", () => {
    const payload = [
      { payload: { first: true }, weight: 49 },
      { payload: { first: false }, weight: 1 },
    ];
    const sampling = startSampling(contextFor({ num: 50, dryRun: true, powerValues: [256], payload }));
    expect(sampling.tasks.map((t) => [t.num, t.sequenceLength, t.payload])).toEqual([
      [1, 1, { first: true }],
    ]);
  });
});

describe("fixed num in rounds", () => {
  it("gives every power num invocations in rounds of 10, the last one shorter", () => {
    const { sampling, rounds } = runRounds(contextFor({ num: 23 }), noisyExecutor({}));
    expect(rounds.map((r) => r.map((t) => t.num))).toEqual([
      [10, 10, 10],
      [10, 10, 10],
      [3, 3, 3],
    ]);
    expect(rounds.map((r) => r[0]?.offset)).toEqual([0, 10, 20]);
    expect(sampling.samples.map((s) => [s.durationMs.length, s.perRound])).toEqual([
      [23, [10, 10, 3]],
      [23, [10, 10, 3]],
      [23, [10, 10, 3]],
    ]);
    expect(sampling.analysis?.sampling).toMatchObject({ mode: "fixed", rounds: 3, stop: "num" });
  });

  it("sends every power the same payloads, weighted lists included, continuing across rounds", () => {
    const payload = [
      { payload: "item", weight: 36 },
      { payload: "page", weight: 8 },
      { payload: "read", weight: 3 },
      { payload: "list", weight: 3 },
    ];
    const sent = new Map<number, unknown[]>();
    runRounds(contextFor({ num: 50, payload }), (task) => {
      sent.set(task.power, [
        ...(sent.get(task.power) ?? []),
        ...payloadSlice(task.payload, task.sequenceLength, task.offset, task.num),
      ]);
      return measurementsOf(task, Array(task.num).fill(10));
    });
    for (const payloads of sent.values()) expect(payloads).toEqual(spreadPayloads(payload, 50));
  });

  it("names onlyColdStarts' per-invocation aliases of each slice", () => {
    const { rounds } = runRounds(contextFor({ num: 12, powerValues: [128], onlyColdStarts: true }), (task) =>
      measurementsOf(task, Array(task.num).fill(10)),
    );
    expect(rounds.map((r) => r[0]?.qualifiers)).toEqual([
      Array.from({ length: 10 }, (_, i) => `RAM128-${i}`),
      ["RAM128-10", "RAM128-11"],
    ]);
  });

  it("refuses a round that measured a power the run does not tune", () => {
    const sampling = startSampling(contextFor({ num: 10, powerValues: [128] }));
    const stray = measurementsOf({ ...(sampling.tasks[0] as ExecutorTask), power: 999 }, [1]);
    expect(() => mergeRound(sampling.samples, [stray])).toThrow(/999 MB/);
  });
});

describe('adaptive sampling (num "auto")', () => {
  it("stops early when the separation is clear, and stops measuring powers that cannot win", () => {
    // Speed: 256 MB is clearly the fastest; 128 MB (three times slower) and 512 MB (twice) cannot win.
    const context = contextFor({ num: "auto", maxInvocations: 100, strategy: "speed" });
    const { sampling, rounds } = runRounds(context, noisyExecutor({ 128: 300, 256: 100, 512: 200 }));
    expect(sampling.analysis?.sampling).toMatchObject({
      mode: "auto",
      stop: "separated",
      rounds: SETTLE_ROUNDS,
      invocations: [
        { power: 128, count: 10, lastRound: 1 },
        { power: 256, count: 20, lastRound: 2 },
        { power: 512, count: 10, lastRound: 1 },
      ],
    });
    expect(rounds[1]?.map((t) => t.power)).toEqual([256]);
    expect(sampling.analysis?.power).toBe(256);
    expect(sampling.choices.map((c) => [c.round, c.chosenPower, c.separated])).toEqual([
      [1, 256, true],
      [2, 256, true],
    ]);
  });

  it("does not stop on a tie it has not shown: a power worse by more than the margin is measured until it is out", () => {
    // Speed, margin 5 %: 128 MB is truly 15 % slower than 256 MB, with 20 % noise per invocation. After two
    // rounds the test often cannot exclude it yet; that alone must not end the run with 128 MB chosen.
    const context = contextFor({ num: "auto", maxInvocations: 200, strategy: "speed" });
    const chosen = Array.from({ length: 20 }, (_, seed) => {
      const { sampling } = runRounds(context, noisyExecutor({ 128: 115, 256: 100, 512: 200 }, seed + 1));
      return sampling.analysis?.power;
    });
    expect(chosen).toEqual(Array.from({ length: 20 }, () => 256));
  });

  /**
   * 128 MB runs 256 MB's invocations plus a delay that shrinks as the run measures more, and an offset per
   * invocation that averages out (−27 … +27 ms), so the pairs' differences keep the same spread while their
   * mean shrinks like 1/√(invocations): the p-value against 256 MB stays between 0.01 and 0.2, never clearly
   * out, never clearly in the tie. 512 MB is twice as slow.
   */
  function unresolvedExecutor(seed: number) {
    const z = normalDraws(seed);
    let base: number[] = [];
    let baseRound = 0;
    return (task: ExecutorTask, round: number) => {
      if (baseRound !== round) base = Array.from({ length: 10 }, () => 100 * (1 + 0.2 * z()));
      baseRound = round;
      const delay = 18 * (Math.sqrt(round) - Math.sqrt(round - 1));
      const durations =
        task.power === 128
          ? base.map((d, k) => d + delay + 6 * (k - 4.5))
          : task.power === 256
            ? base
            : base.map((d) => d * 2);
      return measurementsOf(task, durations.slice(0, task.num));
    };
  }

  it("uses the whole budget when the difference stays at the edge of what the run resolves", () => {
    // The plain test (no margin): the delay sits at the edge of what it resolves.
    const context = contextFor({ num: "auto", maxInvocations: 100, strategy: "speed", equivalenceMargin: 0 });
    const { sampling } = runRounds(context, unresolvedExecutor(1));
    const summary = sampling.analysis?.sampling;
    expect(summary?.stop).toBe("max-invocations");
    expect(summary?.invocations.map((i) => [i.power, i.count])).toEqual([
      [128, 100],
      [256, 100],
      [512, 10],
    ]);
    expect(sampling.choices.some((c) => c.separated)).toBe(false);
  });

  it("stops before a round that would pass maxCostUsd", () => {
    const maxCostUsd = 0.00005;
    const context = contextFor({
      num: "auto",
      maxInvocations: 1000,
      maxCostUsd,
      strategy: "speed",
      equivalenceMargin: 0,
    });
    const { sampling, rounds } = runRounds(context, unresolvedExecutor(1));
    const summary = sampling.analysis?.sampling;
    expect(summary?.stop).toBe("max-cost");
    expect(summary?.spentUsd).toBeLessThanOrEqual(maxCostUsd);
    // One more round of the two contenders, at their cost so far, would have passed the budget.
    const perInvocation =
      (summary?.spentUsd ?? 0) / (summary?.invocations ?? []).reduce((n, i) => n + i.count, 0);
    expect((summary?.spentUsd ?? 0) + 20 * perInvocation * 0.9).toBeGreaterThan(maxCostUsd);
    expect(rounds.length).toBeGreaterThan(1);
  });

  it("plans the next round only for powers still in contention, continuing their sequences", () => {
    const context = contextFor({ num: "auto", strategy: "speed" });
    const first = startSampling(context);
    const round = first.tasks.map((task) =>
      measurementsOf(
        task,
        Array.from({ length: 10 }, (_, i) => (task.power === 512 ? 1000 : 100) + i),
      ),
    );
    const next = advanceSampling(context, first, round);
    expect(next.done).toBe(false);
    expect(next.tasks.map((t) => [t.power, t.offset])).toEqual([
      [128, 10],
      [256, 10],
    ]);
  });
});

describe("rounds with failing powers", () => {
  /** 128 MB fails (as an executor stops a slice: at its first failure not allowed); the others run. */
  const failingAt128 = (error: Partial<ErrorTally> = {}, failures = 1) => {
    const others = noisyExecutor({ 256: 100, 512: 60 });
    return (task: ExecutorTask): Measurements => {
      if (task.power !== 128) return others(task);
      const count = Math.min(failures, task.num);
      return {
        ...measurementsOf(
          task,
          Array.from({ length: count }, () => 3000),
        ),
        errors: [
          {
            errorType: "Sandbox.Timedout",
            kind: "timeout",
            allowed: false,
            count,
            message: "Task timed out after 3.00 seconds",
            ...error,
          },
        ],
        ...(count < task.num
          ? { stoppedEarly: `its executor stopped after ${count} of the round's ${task.num} invocations` }
          : {}),
      };
    };
  };

  it("stops invoking a power once it is clearly infeasible, and measures the others to num", () => {
    const { sampling, rounds } = runRounds(contextFor({ num: 25 }), failingAt128());
    expect(rounds.map((tasks) => tasks.map((t) => t.power))).toEqual([
      [128, 256, 512],
      [256, 512],
      [256, 512],
    ]);
    const analysis = sampling.analysis;
    expect(analysis?.recommendation.infeasiblePowers).toEqual([128]);
    expect(analysis?.power).not.toBe(128);
    expect(analysis?.sampling.invocations).toEqual([
      { power: 128, count: 1, lastRound: 1 },
      { power: 256, count: 25, lastRound: 3 },
      { power: 512, count: 25, lastRound: 3 },
    ]);
    expect(analysis?.warnings.join("\n")).toContain(
      "no more invocations were made at it once it was clearly infeasible (its executor stopped after 1 of the round's 10 invocations)",
    );
  });

  it("goes on measuring a power above its threshold but not clearly so, outside the decision", () => {
    // 6 of 10 allowed errors: above 50 %, but 10 more good invocations would bring it to 30 %.
    const context = contextFor({ num: 20, allowedExceptions: ["NotFound"] });
    const { rounds } = runRounds(
      context,
      failingAt128({ errorType: "NotFound", kind: "handlerError", allowed: true }, 6),
    );
    expect(rounds.map((tasks) => tasks.map((t) => t.power))).toEqual([
      [128, 256, 512],
      [128, 256, 512],
    ]);
  });

  it("leaves a failing power out of adaptive sampling's decision, and stops as it would without it", () => {
    const context = contextFor({ num: "auto", maxInvocations: 100, strategy: "speed" });
    const { sampling, rounds } = runRounds(context, failingAt128());
    expect(rounds.slice(1).every((tasks) => tasks.every((t) => t.power !== 128))).toBe(true);
    expect(sampling.analysis?.recommendation).toMatchObject({ winnerPower: 512, infeasiblePowers: [128] });
    expect(sampling.choices.every((c) => c.chosenPower !== 128)).toBe(true);
  });

  it("fails the analysis when no power is feasible after a round, instead of measuring on", () => {
    const context = contextFor({ num: 50, powerValues: [128] });
    const first = startSampling(context);
    const round = first.tasks.map(failingAt128());
    expect(() => advanceSampling(context, first, round)).toThrow(NoFeasiblePowerError);
  });
});
