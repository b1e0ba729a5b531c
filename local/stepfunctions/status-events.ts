// The event Step Functions sends to EventBridge each time an execution's status changes (RUNNING, SUCCEEDED,
// FAILED, TIMED_OUT, ABORTED): what a rule on "Step Functions Execution Status Change" matches.
import { randomUUID } from "node:crypto";
import type { BusEvent } from "../events/event.js";
import type { LocalIdentity } from "../shared/identity.js";

/** The execution fields the event reports. */
export interface ExecutionStatusFields {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  startDate: Date;
  stopDate?: Date | undefined;
  input: string;
  output?: string | undefined;
  error?: string | undefined;
  cause?: string | undefined;
}

export const EXECUTION_STATUS_CHANGE = "Step Functions Execution Status Change";

export function executionStatusChangeEvent(
  execution: ExecutionStatusFields,
  identity: LocalIdentity,
): BusEvent {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": EXECUTION_STATUS_CHANGE,
    source: "aws.states",
    account: identity.accountId,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    region: identity.region,
    resources: [execution.executionArn],
    // Dates in epoch ms, and absent values as null, as Step Functions sends them.
    detail: {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate.getTime(),
      stopDate: execution.stopDate?.getTime() ?? null,
      input: execution.input,
      output: execution.output ?? null,
      inputDetails: { included: true },
      outputDetails: execution.output === undefined ? null : { included: true },
      error: execution.error ?? null,
      cause: execution.cause ?? null,
    },
  };
}
