// One kind of resource the local cloud emulates (a table, a function, …): what it plans from a template and
// how it applies that plan to the running local cloud. plan.ts and apply.ts loop over the kinds.
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { SFNClient } from "@aws-sdk/client-sfn";
import type { ApiPlan, RulePlan } from "./plans.js";
import type { StackContext, TemplateResource } from "./stack-context.js";

export interface ResourceKind<Plan, Summary> {
  /** The template type one plan entry is made from. */
  readonly type: string;
  /** Further types the kind reads while planning (an API's methods, say): emulated, so never reported skipped. */
  readonly covers: readonly string[];
  /** The plan for one resource of `type`: the values it uses, resolved and checked. */
  plan(resource: TemplateResource, stack: StackContext): Plan;
  /** Brings the running local cloud in line with the plans, in their order, and counts what it did. */
  apply(plans: readonly Plan[], cloud: LocalCloudTarget): Promise<Summary>;
}

/** What the deployer cannot do through a public AWS API on the local cloud: it hands these over in process. */
export interface InProcessTargets {
  registerApi(api: ApiPlan): void;
  registerRule(rule: RulePlan): void;
}

/** The running local cloud as the kinds apply to it: SDK clients on its endpoint, its data directory. */
export interface LocalCloudTarget {
  readonly dynamodb: DynamoDBClient;
  readonly lambda: LambdaClient;
  readonly sfn: SFNClient;
  readonly dataDir: string;
  readonly inProcess: InProcessTargets;
  log(line: string): void;
}
