// The tuner's pure core (no AWS SDK): what its handlers, its aws adapters and the CLI may import.
// package.json declares the project's modules free of import side effects ("sideEffects": false), so esbuild
// bundles into each function only the modules it uses through this file.
export { TUNER_ALIAS_PATTERN } from "./aliases.js";
export {
  type Analysis,
  analyze,
  type Decision,
  finalOutput,
  type PowerStats,
  type Recommendation,
  type TuningOutput,
} from "./analysis.js";
export {
  ConfigurationError,
  ExecutionNotRunningError,
  type InputProblem,
  InvalidTuningInputError,
  PowerValueFailedError,
  ReportLineNotFoundError,
  TuningInProgressError,
} from "./errors.js";
export { isWeightedPayloadList, type TuningInput, validateTuningInput } from "./input.js";
export { spreadPayloads } from "./payloads.js";
export { DEFAULT_POWER_VALUES } from "./power-values.js";
export { type Architecture, costPerInvocation, pricesForRegion, type RegionPrices } from "./pricing.js";
export { findReport, type InvocationReport, reportFromLogResult } from "./report-line.js";
export { tunerComputeCost } from "./run-cost.js";
export type { ExecutorTask, Measurements, TargetSnapshot, TunerCompute, TuningContext } from "./types.js";
