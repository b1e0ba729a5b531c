// EventBridge rules: a schedule or an event pattern, with its targets and their inputs (constant or transformed),
// handed to the local rule scheduler or events bus in process.
import { z } from "zod";
import type { ResourceKind } from "../kind.js";
import type { RulePlan } from "../plans.js";

const ruleProperties = z.object({
  ScheduleExpression: z.string().optional(),
  EventPattern: z.record(z.string(), z.unknown()).optional(),
  /** A rule is enabled unless its template says otherwise, as on AWS. */
  State: z.string().default("ENABLED"),
  Targets: z
    .array(
      z.object({
        Arn: z.string(),
        Input: z.string().optional(),
        InputTransformer: z
          .object({
            InputPathsMap: z.record(z.string(), z.string()).default(() => ({})),
            InputTemplate: z.string(),
          })
          .optional(),
      }),
    )
    .default(() => []),
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
      ...(props.EventPattern !== undefined ? { eventPattern: props.EventPattern } : {}),
      enabled: props.State === "ENABLED",
      targets: props.Targets.map((target) => ({
        arn: target.Arn,
        ...(target.Input !== undefined ? { input: target.Input } : {}),
        ...(target.InputTransformer !== undefined
          ? {
              inputTransformer: {
                inputPathsMap: target.InputTransformer.InputPathsMap,
                inputTemplate: target.InputTransformer.InputTemplate,
              },
            }
          : {}),
      })),
    };
  },
  async apply(rules, cloud) {
    for (const rule of rules) {
      cloud.inProcess.registerRule(rule);
      const kind = rule.scheduleExpression ?? (rule.eventPattern ? "event pattern" : "no schedule");
      cloud.log(`  rule ${rule.name} (${kind}, ${rule.enabled ? "enabled" : "disabled"})`);
    }
    return rules.length;
  },
};
