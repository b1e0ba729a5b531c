// Delivering to a rule's target through the local cloud's own APIs: a Lambda function is invoked, a state machine
// starts an execution. Other target types are not emulated.
import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { type SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { InputTransformer } from "./input-transformer.js";

export interface RuleTarget {
  arn: string;
  /** Constant input (the target's `Input`). */
  input?: string;
  inputTransformer?: InputTransformer;
}

export interface TargetClients {
  lambda: Pick<LambdaClient, "send">;
  sfn: Pick<SFNClient, "send">;
}

/** Sends `input` to the target; says what it did, for the log. */
export async function deliverToTarget(
  clients: TargetClients,
  arn: string,
  input: string | undefined,
): Promise<string> {
  if (/^arn:aws[a-z-]*:lambda:[^:]+:\d+:function:/.test(arn)) {
    // EventBridge invokes asynchronously and retries on its own; the local bus waits for the answer instead, so
    // a function's error shows in the cloud's log (and shutdown can wait for the invocation).
    const response = await clients.lambda.send(
      new InvokeCommand({ FunctionName: arn, Payload: new TextEncoder().encode(input ?? "{}") }),
    );
    const payload = response.Payload ? new TextDecoder().decode(response.Payload) : "";
    if (response.FunctionError !== undefined) throw new Error(`${arn} failed: ${payload}`);
    return `invoked ${arn}: ${payload.slice(0, 300)}`;
  }
  if (/^arn:aws[a-z-]*:states:[^:]+:\d+:stateMachine:/.test(arn)) {
    const started = await clients.sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, ...(input !== undefined ? { input } : {}) }),
    );
    return `started ${started.executionArn}`;
  }
  throw new Error(
    `target ${arn} is not emulated by the local cloud (Lambda functions and state machines are)`,
  );
}
