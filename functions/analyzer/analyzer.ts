// Analyzer: after each round, merge its measurements and plan the next round or finish with the analysis
// (statistics, the decision and the recommendation, all in the pure core).
import type { TunerConfig } from "../tuner/aws/index.js";
import {
  advanceSampling,
  type Measurements,
  pricesForRegion,
  type SamplingState,
  type TuningContext,
  tunerComputeCost,
} from "../tuner/core/index.js";

export interface AnalyzerEvent {
  tuning: TuningContext;
  sampling: SamplingState;
  /** The round's Map output: one executor result per power it measured. */
  round: Measurements[];
}

export function createAnalyzer(deps: { config: Pick<TunerConfig, "memoryMb" | "visualizationUrl"> }) {
  return async function analyzer(event: AnalyzerEvent): Promise<SamplingState> {
    const started = Date.now();
    const sampling = advanceSampling(event.tuning, event.sampling, event.round, {
      visualizationUrl: deps.config.visualizationUrl,
    });
    // The analyzer's own compute joins the run's cost once it is known.
    const { prices } = pricesForRegion(event.tuning.target.region);
    const own = tunerComputeCost(
      [{ elapsedMs: Date.now() - started, memoryMb: deps.config.memoryMb }],
      prices,
    );
    sampling.tunerComputeUsd += own;
    if (sampling.analysis) sampling.analysis.stateMachine.lambdaCost += own;
    return sampling;
  };
}
