// Errors of the CDK app's own props. CDK's ValidationError is internal to aws-cdk-lib (its constructor takes a
// branded literal only aws-cdk-lib can make), so the stacks raise this one, in the same spirit.
import type { IConstruct } from "constructs";

/** A prop whose value cannot be deployed: the construct, the prop, its value and the fix. */
export class ValidationError extends Error {
  override readonly name = "ValidationError";
  /** The prop at fault, as the props interface names it. */
  readonly prop: string;

  constructor(prop: string, problem: string, scope: IConstruct) {
    super(`${scope.node.path}: ${prop} ${problem}`);
    this.prop = prop;
  }
}
