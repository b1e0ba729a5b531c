// The IAM wildcards PowerTunerStack's design accepts, one table for every place cdk-nag runs on it.
import type { PowerTunerOptions } from "./power-tuner-options.js";

/** The CloudWatch namespace of the tuner's per-power metrics: the one its PutMetricData grant allows. */
export const METRICS_NAMESPACE = "PowerTuning";

/** A cdk-nag AwsSolutions-IAM5 finding this design accepts: where it is, which wildcard, and why. */
export interface AcceptedWildcard {
  /** Matches the construct path of the role or policy cdk-nag reports. */
  construct: RegExp;
  /** Matches the wildcard resource as cdk-nag flattens it (the text inside `IAM5[Resource::…]`). */
  resource: RegExp;
  reason: string;
  /** The option that brings the finding; without it, every PowerTuner stack has it. */
  onlyWith?: keyof PowerTunerOptions;
}

/**
 * The IAM wildcards of this stack and why each is needed. cdk-nag names an IAM5 finding by its flattened
 * resource, which changes between before and after synthesis (a cross-stack ARN becomes an export name), so
 * exact finding ids cannot be acknowledged here ahead of time: wherever nag runs (test/cdk), each finding is
 * matched against this one table and acknowledged with its reason. A wildcard not listed here stays a finding.
 */
export const ACCEPTED_WILDCARD_FINDINGS: readonly AcceptedWildcard[] = [
  {
    construct: /\/(Initializer|Executor|Optimizer)\/Role\/Resource$/,
    // Function ARNs only: the executions below have their own entry.
    resource: /^(?!\*$)(?!.*:states:).+:\*$/,
    reason:
      "FUNCTION:* covers the qualified ARNs (versions and RAM<power> aliases) of the target and processor " +
      "functions named in the stack props only; their qualifiers are created at run time, so they cannot be listed.",
  },
  {
    construct: /\/(Initializer|Optimizer)\/Role\/Resource$/,
    resource: /^arn:(aws|<AWS::Partition>):states:[^:*]+:[^:*]+:execution:[A-Za-z0-9_-]+-Tuning:\*$/,
    reason:
      "states:DescribeExecution on EXECUTION:* covers the executions of this stack's own tuning state machine " +
      "only (named <stateMachineNamePrefix>-Tuning, by default <stack>-Tuning); execution names are chosen " +
      "when each run starts, so they cannot be listed.",
  },
  {
    construct: /\/Optimizer\/Role\/Resource$/,
    resource: /^\*$/,
    reason:
      "cloudwatch:PutMetricData has no resource-level permissions; the statement is conditioned on " +
      `cloudwatch:namespace = ${METRICS_NAMESPACE}.`,
  },
  {
    construct: /\/Tuner\/StateMachine\/Role\/DefaultPolicy\/Resource$/,
    resource: /^<(Initializer|Executor|Analyzer|Optimizer)Function[0-9A-F]{8}\.Arn>:\*$/,
    reason:
      "CDK's LambdaInvoke grant on the tuner's own four functions includes their qualified ARNs (FUNCTION:*); " +
      "no other function is covered.",
  },
  {
    construct: /\/Tuner\/StateMachine\/Role\/DefaultPolicy\/Resource$/,
    resource: /^\*$/,
    reason:
      "Step Functions log delivery (logs:*LogDelivery, PutResourcePolicy, Describe*) and X-Ray trace writes " +
      "support no resource-level permissions, so AWS requires Resource * for them.",
  },
  {
    construct: /\/Executor\/Role\/Resource$/,
    resource: /^arn:(aws|<AWS::Partition>):s3:::[^/*]+\/[^*]*\*$/,
    reason:
      "s3:GetObject on BUCKET/PREFIX* covers the objects under the payloadS3 prop's prefix in its bucket only, " +
      "for the executor only: a run's payloadS3 input names its object at run time.",
    onlyWith: "payloadS3",
  },
  {
    construct: /\/TunerVpcAccess\/Resource$/,
    resource: /^\*$/,
    reason:
      "The network interfaces Lambda manages for the tuner's functions in the VPC: the actions of the AWS " +
      "managed AWSLambdaVPCAccessExecutionRole, whose Describe calls support no resource-level permissions " +
      "and whose interfaces are created with ids not known in advance.",
    onlyWith: "vpc",
  },
];
