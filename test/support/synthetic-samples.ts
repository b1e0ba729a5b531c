// Seeded synthetic measurements for the tuner's statistics tests: noise with known distributions.
import { seededRandom } from "../../functions/tuner/core/stats.js";
import type { PowerSamples } from "../../functions/tuner/core/types.js";

/** Standard normal draws (Box–Muller) from a seeded generator. */
export function normalDraws(seed: number): () => number {
  const random = seededRandom(seed);
  return () => {
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

export interface NoiseModel {
  /** The distribution's mean. */
  mean: number;
  /** Standard deviation relative to the mean. */
  relativeSd: number;
}

/**
 * `n` values of mean × (1 + relativeSd × z), never below 10 % of the mean, the first one three times as
 * large (a cold start) so trimming has something to do.
 */
export function noisySamples(model: NoiseModel, n: number, seed: number): number[] {
  const z = normalDraws(seed);
  return Array.from({ length: n }, (_, i) => {
    const value = Math.max(0.1, 1 + model.relativeSd * z()) * model.mean;
    return i === 0 ? value * 3 : value;
  });
}

/** A seeded Fisher–Yates shuffle (a new array). */
export function shuffled<T>(values: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * A power's samples from its durations (ms): billed to the whole ms above, no errors, one round unless
 * `perRound` says otherwise; `coldInitMs` gives the first invocation an Init Duration (a cold start).
 */
export function powerSamplesOf(
  power: number,
  durationMs: number[],
  options: { perRound?: number[]; coldInitMs?: number; memoryMb?: number } = {},
): PowerSamples {
  const cold = options.coldInitMs ?? 0;
  return {
    power,
    durationMs,
    billedMs: durationMs.map((d) => Math.ceil(d)),
    initMs: durationMs.map((_, i) => (i === 0 ? cold : 0)),
    maxMemoryUsedMb: durationMs.map(() => options.memoryMb ?? 60),
    allowedErrors: 0,
    httpErrorResponses: 0,
    errors: [],
    perRound: options.perRound ?? [durationMs.length],
  };
}
