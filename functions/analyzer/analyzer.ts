// Analyzer: statistics, costs, the winner and the recommendation (all in the pure core).
import { type Analysis, analyze } from "../shared/analysis.js";
import type { TunerConfig } from "../shared/aws/config.js";
import { pricesForRegion } from "../shared/pricing.js";
import { tunerComputeCost } from "../shared/run-cost.js";
import type { Measurements, TuningContext } from "../shared/types.js";

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
