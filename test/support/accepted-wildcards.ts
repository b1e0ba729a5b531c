// cdk-nag on a PowerTunerStack with the stack's table of accepted IAM wildcards: each finding that an entry
// of the table accepts is acknowledged on its construct, with that entry's reason; the rest are returned.
import { type Stack, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { ACCEPTED_WILDCARD_FINDINGS, type AcceptedWildcard } from "../../stacks/power-tuner-stack.js";

export interface WildcardReview {
  /** Findings no entry accepts, as `<rule> on <construct path>`. */
  unaccepted: string[];
  /** Each finding accepted, with the entry that accepted it and the wildcard resource. */
  accepted: { entry: AcceptedWildcard; resource: string }[];
}

export function acknowledgeAcceptedWildcards(stack: Stack): WildcardReview {
  const constructs = new Map(stack.node.findAll().map((c) => [c.node.path, c]));
  const review: WildcardReview = { unaccepted: [], accepted: [] };
  for (const violation of new AwsSolutionsChecks().validateScope(stack).violations) {
    const resource = /^AwsSolutions-IAM5\[Resource::(.*)\]$/.exec(violation.ruleName)?.[1];
    for (const { constructPath = "" } of violation.violatingResources) {
      const entry = ACCEPTED_WILDCARD_FINDINGS.find(
        (a) => resource !== undefined && a.construct.test(constructPath) && a.resource.test(resource),
      );
      const construct = constructs.get(constructPath);
      if (!entry || !construct || resource === undefined) {
        review.unaccepted.push(`${violation.ruleName} on ${constructPath}`);
        continue;
      }
      review.accepted.push({ entry, resource });
      Validations.of(construct).acknowledge({ id: violation.ruleName, reason: entry.reason });
    }
  }
  return review;
}
