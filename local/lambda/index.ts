// The local Lambda service: Lambda's REST API (the paths @aws-sdk/client-lambda sends) over HTTP on loopback,
// one service per region and account (identities.ts), all on one CPU budget.

export { CPU_ADMISSION_TAG, CpuAdmission } from "./admission.js";
export { type CpuLawSettings, DEFAULT_CPU_LAW, FALLBACK_EMULATION } from "./cpu-law.js";
export type { CpuSample } from "./emulated-duration.js";
export type { PoolStats } from "./environment-pool.js";
export {
  createLambdaIdentities,
  identityDataDir,
  type LambdaIdentities,
  type LambdaIdentitiesOptions,
  UnknownIdentityError,
} from "./identities.js";
export { InitSlots } from "./init-slots.js";
export type { InvocationMeasurement } from "./invoker.js";
export {
  createLambdaService,
  type LambdaServiceOptions,
  type LocalLambdaService,
  type SharedLambdaResources,
  shareLambdaResources,
} from "./local-service.js";
export { billedDurationMs, formatJsonReport, formatReportLine } from "./report-line.js";
export { LambdaService } from "./service.js";
export { LambdaStateUnreadableError } from "./state-store.js";
