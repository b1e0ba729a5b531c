// The local Lambda service: Lambda's REST API (the paths @aws-sdk/client-lambda sends) over HTTP on loopback,
// one service per region and account (identities.ts), all on one CPU budget.

export { CPU_ADMISSION_TAG, CpuAdmission } from "./admission.js";
export { FALLBACK_EMULATION } from "./cpu-law.js";
export {
  createLambdaIdentities,
  identityDataDir,
  type LambdaIdentities,
  type LambdaIdentitiesOptions,
  UnknownIdentityError,
} from "./identities.js";
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
