// What the tuning run itself costs: state transitions plus the Lambda compute it used.
import { costPerInvocation, type RegionPrices } from "./pricing.js";
import type { TunerCompute } from "./types.js";

/**
 * State transitions of a successful run whose rounds measured `powersPerRound[r]` power values each:
 * ReadInput, Initializer, Optimizer and the final Succeed (4), plus per round the Map, the Analyzer and the Choice (3)
 * and, per power measured, the Map iteration and its Executor task (2 each). Retries add more; this is the
 * floor.
 */
export function countStateTransitions(powersPerRound: readonly number[]): number {
  return 4 + powersPerRound.reduce((sum, powers) => sum + 3 + 2 * powers, 0);
}

/** USD for the state transitions of a run. */
export function executionCost(powersPerRound: readonly number[], prices: RegionPrices): number {
  return countStateTransitions(powersPerRound) * prices.stateTransition;
}

/** USD for the tuner's own functions (arm64), billed by elapsed time rounded up to the ms. */
export function tunerComputeCost(compute: readonly TunerCompute[], prices: RegionPrices): number {
  return compute.reduce((sum, c) => sum + costPerInvocation(c.memoryMb, c.elapsedMs, prices, "arm64"), 0);
}
