// What the lock asks Step Functions: is the execution that holds it still running?
import { DescribeExecutionCommand, ExecutionDoesNotExist, type SFNClient } from "@aws-sdk/client-sfn";

export type StepFunctionsApi = Pick<SFNClient, "send">;

/** An execution as the lock sees it. */
export interface ExecutionState {
  /** Step Functions' status, or DOES_NOT_EXIST when it no longer knows the execution. */
  status: string;
  /** False once it has ended for good; any other status (RUNNING, PENDING_REDRIVE: a redrive resumes it) is running. */
  running: boolean;
  /** The execution's input (JSON text), when Step Functions returned it. */
  input?: string;
}

const ENDED = new Set(["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]);

export async function describeRunExecution(
  sfn: StepFunctionsApi,
  executionArn: string,
): Promise<ExecutionState> {
  try {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const status = execution.status ?? "UNKNOWN";
    return {
      status,
      running: !ENDED.has(status),
      ...(execution.input !== undefined ? { input: execution.input } : {}),
    };
  } catch (error) {
    // Executions are kept 90 days after they end: one Step Functions no longer knows has long ended.
    if (error instanceof ExecutionDoesNotExist) return { status: "DOES_NOT_EXIST", running: false };
    throw error;
  }
}
