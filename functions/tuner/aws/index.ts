// The tuner's AWS adapters (the target function, the TuningHistory table, undoing a run, clients, config): what
// its handlers and the CLI may import. Each function bundles only what it uses ("sideEffects": false).
export {
  COPY_MARKER,
  createArchitectureCopy,
  deleteArchitectureCopies,
  MAX_COPIED_NAME,
} from "./architecture-copy.js";
export {
  type CleanupDeps,
  type CleanupOptions,
  type CleanupSummary,
  cleanupRun,
  restoreTarget,
  undoChanges,
} from "./cleanup.js";
export {
  cloudWatchClient,
  documentClient,
  lambdaClient,
  s3Client,
  stepFunctionsClient,
  type TargetLambda,
  TargetRoleNotAssumedError,
  targetLambdaClients,
  targetLambdaOf,
} from "./clients.js";
export { readTunerConfig, type TunerConfig } from "./config.js";
export { describeRunExecution, type ExecutionState, type StepFunctionsApi } from "./executions.js";
export {
  type AcquireOptions,
  acquireLock,
  appendHistory,
  clearCreated,
  type DocumentClient,
  expireAllLocks,
  type HistoryEntry,
  type LockItem,
  putPendingRecommendation,
  readHistory,
  readLock,
  recordCreated,
  releaseLock,
} from "./history.js";
export { invokeModeOfFunctionUrl } from "./invoke-mode.js";
export {
  DEFAULT_RETRY,
  deleteCreated,
  deleteLeftovers,
  type LambdaApi,
  publishAndAlias,
  type RetryPolicy,
  readServedTarget,
  readTargetConfig,
  type ServedTarget,
  settleTargetUpdate,
  startTargetUpdate,
  type TargetConfig,
  updateTarget,
  versionMarker,
} from "./lambda-ops.js";
export {
  type ClaimOptions,
  type ClaimResult,
  claimLease,
  DEFAULT_HANDLER_TIMEOUT_MS,
  endLease,
  type InvocationClock,
  LEASE_WAIT_MS,
  leaseEnd,
} from "./lease.js";
export { readPayloadObject, type S3Api } from "./payload-object.js";
