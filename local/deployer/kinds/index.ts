// The resource kinds the local cloud emulates, by their slice of the deployment plan.
import type { ResourceKind } from "../kind.js";
import type { ApiPlan, FunctionPlan, RulePlan } from "../plans.js";
import { type FunctionSummary, functionKind } from "./function.js";
import { restApiKind } from "./rest-api.js";
import { ruleKind } from "./rule.js";
import { type StateMachinePlan, stateMachineKind } from "./state-machine.js";
import { type TablePlan, type TableSummary, tableKind } from "./table.js";

/** The plan's slices, in the order the plan lists them. */
export const KIND_KEYS = ["tables", "functions", "apis", "stateMachines", "rules"] as const;
export type KindKey = (typeof KIND_KEYS)[number];

interface KindPlans {
  tables: TablePlan;
  functions: FunctionPlan;
  apis: ApiPlan;
  stateMachines: StateMachinePlan;
  rules: RulePlan;
}

/** What applying each slice did. */
export interface ApplySummary {
  tables: TableSummary;
  functions: FunctionSummary;
  stateMachines: number;
  apis: number;
  rules: number;
}

/** Every emulated resource of the templates, by kind, intrinsics resolved. */
export type PlannedResources = { [K in KindKey]: KindPlans[K][] };

type ResourceKinds = { readonly [K in KindKey]: ResourceKind<KindPlans[K], ApplySummary[K]> };

export const RESOURCE_KINDS: ResourceKinds = {
  tables: tableKind,
  functions: functionKind,
  apis: restApiKind,
  stateMachines: stateMachineKind,
  rules: ruleKind,
};
