// CDK tests: the crud stack and a PowerTunerStack that tunes its function, in one app that bundles nothing.
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { STACKS } from "../../contract/index.js";
import { CrudServiceStack } from "../../stacks/crud-service-stack.js";
import { PowerTunerStack, type PowerTunerStackProps } from "../../stacks/power-tuner-stack.js";

export const TEST_ENV = { account: "000000000000", region: "us-east-1" };

/** The tuner's props besides its default target, which is the crud stack's. */
export type TunerOptions = Omit<PowerTunerStackProps, "defaultTarget" | "defaultTargetTable">;

/**
 * Builds both stacks. `options` may be a function of the app, to add stacks of its own (a VPC, say) between
 * the crud stack and the tuner.
 */
export function buildTunerStack(
  options: TunerOptions | ((app: App) => TunerOptions) = {},
  tunerId: string = STACKS.tuner,
) {
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  const crud = new CrudServiceStack(app, STACKS.crud, { env: TEST_ENV });
  const props = typeof options === "function" ? options(app) : options;
  const tuner = new PowerTunerStack(app, tunerId, {
    env: TEST_ENV,
    defaultTarget: crud.crudFunction,
    defaultTargetTable: crud.table,
    ...props,
  });
  return { app, crud, tuner, template: Template.fromStack(tuner) };
}
