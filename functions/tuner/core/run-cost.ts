// What the tuning run itself costs: state transitions plus the Lambda compute it used.
import { costPerInvocation, type RegionPrices } from "./pricing.js";
import type { TunerCompute } from "./types.js";

/**
 * State transitions of a successful run with P power values: Initializer, Map, Analyzer, Optimizer and the
 * final Succeed (5), plus, per power value, the Map iteration and its Executor task (2 × P). Retries add more;
 * this is the floor.
 */
export function countStateTransitions(powerCount: number): number {
  return 5 + 2 * powerCount;
}

/** USD for the state transitions of a run. */
export function executionCost(powerCount: number, prices: RegionPrices): number {
  return countStateTransitions(powerCount) * prices.stateTransition;
}

/** USD for the tuner's own functions (arm64), billed by elapsed time rounded up to the ms. */
export function tunerComputeCost(compute: readonly TunerCompute[], prices: RegionPrices): number {
  return compute.reduce((sum, c) => sum + costPerInvocation(c.memoryMb, c.elapsedMs, prices, "arm64"), 0);
}
