// The deployer's public surface: read a cloud assembly, plan its deployment, apply the plan to a local cloud.
export { type ApplyOptions, applyPlan } from "./apply.js";
export { readCloudAssembly } from "./assembly.js";
export type { InProcessTargets } from "./kind.js";
export type { ApplySummary } from "./kinds/index.js";
export { localApiUrl } from "./kinds/rest-api.js";
export type { StateMachinePlan } from "./kinds/state-machine.js";
export type { TablePlan } from "./kinds/table.js";
export { type DeploymentPlan, planDeployment } from "./plan.js";
export type { ApiPlan, FunctionPlan, RoutePlan, RulePlan } from "./plans.js";
export { skippedSummary } from "./skipped-types.js";
