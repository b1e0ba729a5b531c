// Undoes a tuning run as soon as its execution is stopped or times out: Step Functions runs no Catch then, so
// without this the run's aliases, versions and lock would wait for the next run to take over.
import { Duration } from "aws-cdk-lib";
import { EventField, Rule, RuleTargetInput } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { IStateMachine } from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";

/** The execution statuses no state of the workflow sees: every other end goes through its Cleanup state. */
export const STOPPED_STATUSES = ["ABORTED", "TIMED_OUT"] as const;

export interface StoppedRunCleanupProps {
  /** The tuning state machine whose stopped and timed-out executions are undone. */
  readonly stateMachine: IStateMachine;
  /** The optimizer: its cleanup mode undoes a run, given the execution. */
  readonly optimizer: IFunction;
}

export class StoppedRunCleanup extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: StoppedRunCleanupProps) {
    super(scope, id);
    this.rule = new Rule(this, "Rule", {
      description: "Undoes a tuning run at once when its execution is stopped or times out",
      eventPattern: {
        source: ["aws.states"],
        detailType: ["Step Functions Execution Status Change"],
        detail: { stateMachineArn: [props.stateMachine.stateMachineArn], status: [...STOPPED_STATUSES] },
      },
      targets: [
        new LambdaFunction(props.optimizer, {
          // The execution's name is the run's id; the optimizer reads the execution's input for its function.
          event: RuleTargetInput.fromObject({
            mode: "cleanup",
            runId: EventField.fromPath("$.detail.name"),
            executionArn: EventField.fromPath("$.detail.executionArn"),
            status: EventField.fromPath("$.detail.status"),
          }),
          // A cleanup that fails is retried; one that never runs leaves the run to the next run's takeover.
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
        }),
      ],
    });
  }
}
