// Turns aws-local-stepfunctions' event stream into Step Functions' GetExecutionHistory events.
import type { StateMachine } from "aws-local-stepfunctions";

/** The library's event type (not exported by name). */
export type EventLog =
  ReturnType<StateMachine["run"]>["eventLogs"] extends AsyncGenerator<infer E> ? E : never;

/** One history event in Step Functions' shape (timestamps as Date; the wire layer writes epoch seconds). */
export interface HistoryEventBody {
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

export interface HistoryEvent extends HistoryEventBody {
  id: number;
  previousEventId: number;
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

function causeText(cause: unknown): string {
  if (typeof cause === "string") return cause;
  if (cause instanceof Error) return cause.message;
  return JSON.stringify(cause);
}

/**
 * The Step Functions event (type + details, without ids) for one library event, or undefined when Step
 * Functions has no counterpart (retries and catches show only in the states' own events there).
 */
export function toHistoryEvent(
  event: EventLog,
  context: { roleArn?: string; taskResources?: Map<string, string> } = {},
): HistoryEventBody | undefined {
  const timestamp = new Date(event.timestamp);
  switch (event.type) {
    case "ExecutionStarted":
      return {
        timestamp,
        type: "ExecutionStarted",
        executionStartedEventDetails: {
          input: json(event.input),
          ...(context.roleArn ? { roleArn: context.roleArn } : {}),
        },
      };
    case "ExecutionSucceeded":
      return {
        timestamp,
        type: "ExecutionSucceeded",
        executionSucceededEventDetails: { output: json(event.output) },
      };
    case "ExecutionFailed":
      return {
        timestamp,
        type: "ExecutionFailed",
        executionFailedEventDetails: { error: event.Error, cause: causeText(event.Cause) },
      };
    case "ExecutionAborted":
      return { timestamp, type: "ExecutionAborted", executionAbortedEventDetails: {} };
    case "ExecutionTimeout":
      return { timestamp, type: "ExecutionTimedOut", executionTimedOutEventDetails: {} };
    case "StateEntered":
      return {
        timestamp,
        type: `${event.state.type}StateEntered`,
        stateEnteredEventDetails: { name: event.state.name, input: json(event.state.input) },
        ...(event.index !== undefined ? { mapIterationIndex: event.index } : {}),
      };
    case "StateExited":
      return {
        timestamp,
        type: `${event.state.type}StateExited`,
        stateExitedEventDetails: { name: event.state.name, output: json(event.state.output) },
        ...(event.index !== undefined ? { mapIterationIndex: event.index } : {}),
      };
    case "StateFailed":
      if (event.state.type !== "Task") return undefined;
      return {
        timestamp,
        type: "TaskFailed",
        taskFailedEventDetails: {
          resourceType: "lambda",
          resource: context.taskResources?.get(event.state.name) ?? event.state.name,
          error: event.Error,
          cause: causeText(event.Cause),
        },
      };
    case "MapIterationStarted":
    case "MapIterationSucceeded":
    case "MapIterationFailed": {
      const detailsKey = `${event.type.charAt(0).toLowerCase()}${event.type.slice(1)}EventDetails`;
      return {
        timestamp,
        type: event.type,
        [detailsKey]: { name: event.parentState.name, index: event.index },
      };
    }
    default:
      return undefined;
  }
}
