// EventBridge rules: a schedule with its targets and their inputs, handed to the local rule scheduler in process.
import { z } from "zod";
import type { ResourceKind } from "../kind.js";

export interface RulePlan {
  stack: string;
  logicalId: string;
  name: string;
  scheduleExpression?: string;
  enabled: boolean;
  targets: { arn: string; input?: string }[];
}

const ruleProperties = z.object({
  ScheduleExpression: z.string().optional(),
  /** A rule is enabled unless its template says otherwise, as on AWS. */
  State: z.string().default("ENABLED"),
  Targets: z.array(z.object({ Arn: z.string(), Input: z.string().optional() })).default(() => []),
});

export const ruleKind: ResourceKind<RulePlan, number> = {
  type: "AWS::Events::Rule",
  covers: [],
  plan(resource, stack) {
    const props = stack.read(resource, ruleProperties);
    return {
      stack: stack.stackName,
      logicalId: resource.logicalId,
      name: stack.ref(resource.logicalId),
      ...(props.ScheduleExpression !== undefined ? { scheduleExpression: props.ScheduleExpression } : {}),
      enabled: props.State === "ENABLED",
      targets: props.Targets.map((target) => ({
        arn: target.Arn,
        ...(target.Input !== undefined ? { input: target.Input } : {}),
      })),
    };
  },
  async apply(rules, cloud) {
    for (const rule of rules) {
      cloud.inProcess.registerRule(rule);
      cloud.log(
        `  rule ${rule.name} (${rule.scheduleExpression ?? "event pattern"}, ${rule.enabled ? "enabled" : "disabled"})`,
      );
    }
    return rules.length;
  },
};
