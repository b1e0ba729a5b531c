// Deployment stages and what they change.
import { RemovalPolicy } from "aws-cdk-lib";

export const STAGES = ["dev", "prod"] as const;
export type Stage = (typeof STAGES)[number];

/** Reads `-c stage=dev|prod` (default dev), naming the fix when the value is unknown. */
export function parseStage(value: unknown): Stage {
  if (value === undefined) return "dev";
  if (typeof value === "string" && (STAGES as readonly string[]).includes(value)) return value as Stage;
  throw new Error(`context stage is ${JSON.stringify(value)}: pass -c stage=dev or -c stage=prod`);
}

/** dev data is disposable; prod data outlives the stack. */
export function removalPolicyFor(stage: Stage): RemovalPolicy {
  return stage === "prod" ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}
