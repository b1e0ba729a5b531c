// Analyzer: statistics, costs, the winner and the recommendation (all in the pure core).
import type { TunerConfig } from "../tuner/aws/index.js";
import {
  type Analysis,
  analyze,
  type Measurements,
  pricesForRegion,
  type TuningContext,
  tunerComputeCost,
} from "../tuner/core/index.js";

export interface AnalyzerEvent {
  tuning: TuningContext;
  measurements: Measurements[];
}

export function createAnalyzer(deps: { config: Pick<TunerConfig, "memoryMb"> }) {
  return async function analyzer(event: AnalyzerEvent): Promise<Analysis> {
    const started = Date.now();
    const analysis = analyze(event.tuning, event.measurements);
    // The analyzer's own compute joins the run's lambdaCost once it is known.
    const { prices } = pricesForRegion(event.tuning.target.region);
    analysis.stateMachine.lambdaCost += tunerComputeCost(
      [{ elapsedMs: Date.now() - started, memoryMb: deps.config.memoryMb }],
      prices,
    );
    return analysis;
  };
}
