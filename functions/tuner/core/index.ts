// The tuner's pure core (no AWS SDK): what its handlers, its aws adapters and the CLI may import.
// package.json declares the project's modules free of import side effects ("sideEffects": false), so esbuild
// bundles into each function only the modules it uses through this file.
export { aliasName, copyFunctionArn, copyFunctionName, TUNER_ALIAS_PATTERN } from "./aliases.js";
export {
  type Analysis,
  analyze,
  type Decision,
  decideOn,
  finalOutput,
  type PowerPValue,
  type PowerStats,
  type Recommendation,
  type SamplingSummary,
  type StopReason,
  type TuningOutput,
} from "./analysis.js";
export {
  analyzeComparison,
  type ComparedSide,
  type Comparison,
  comparePowers,
  describePowerComparison,
  type MetricVerdict,
  type PowerComparison,
} from "./comparison.js";
export { describePValue, EQUIVALENCE_ALPHA } from "./decision.js";
export type { DriftReport } from "./drift.js";
export {
  ConfigurationError,
  ExecutionNotRunningError,
  type InputProblem,
  InvalidTuningInputError,
  NoFeasiblePowerError,
  PayloadS3Error,
  PowerValueFailedError,
  ReportLineNotFoundError,
  TuningInProgressError,
} from "./errors.js";
export {
  addTallies,
  classifyError,
  DEFAULT_MAX_ERROR_RATES,
  ERROR_KINDS,
  type ErrorKind,
  type ErrorTally,
  type InvocationError,
  isClearlyInfeasible,
  type MaxErrorRates,
  shortMessage,
} from "./feasibility.js";
export {
  ARCHITECTURES,
  INVOKE_MODES,
  type InvokeMode,
  type ResolvedInvokeMode,
  type TuningInput,
  type ValidationOptions,
  validateTuningInput,
} from "./input.js";
export {
  bucketNameProblem,
  MAX_INVOKE_PAYLOAD_BYTES,
  MAX_PAYLOAD_OBJECT_BYTES,
  parseS3Url,
  payloadFromObjectText,
  payloadObjectSizeProblem,
  type S3Location,
} from "./payload-s3.js";
export { encodePayload, payloadOfObject, payloadSlice, runPayload, spreadPayloads } from "./payloads.js";
export { DEFAULT_POWER_VALUES } from "./power-values.js";
export {
  type Architecture,
  costPerInvocation,
  durationCost,
  pricesForRegion,
  type RegionPrices,
} from "./pricing.js";
export { findReport, type InvocationReport, reportFromLogResult } from "./report-line.js";
export { invocationsPerPower, ROUND_INVOCATIONS } from "./rounds.js";
export { tunerComputeCost } from "./run-cost.js";
export type { InitializerResult, SamplingState } from "./sampling.js";
export { advanceSampling, startSampling } from "./sampling.js";
export { type RunSettings, runSettingDifferences } from "./served-code.js";
export {
  parseTargetArn,
  ROLE_ARN,
  regionOfArn,
  roleSessionName,
  type TargetAccess,
  type TargetArn,
  targetAccess,
  unqualifiedArn,
} from "./target-arn.js";
export type {
  ComparedTarget,
  ComparisonContext,
  ComparisonKind,
  ExecutorTask,
  Measurements,
  PayloadS3Task,
  PowerSamples,
  TargetSnapshot,
  TunerCompute,
  TuningContext,
} from "./types.js";
export {
  compareVisualizationUrl,
  DEFAULT_VISUALIZATION_URL,
  decodeCompareVisualization,
  decodeVisualization,
  type VisualizationPoint,
  visualizationUrl,
} from "./visualization.js";
export { isWeightedPayloadList, weightedCountProblems, weightedItemProblems } from "./weighted-payload.js";
