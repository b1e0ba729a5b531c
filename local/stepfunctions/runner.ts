// The one place that speaks aws-local-stepfunctions: compiles a definition, starts a run with the context object
// and Lambda task handlers Step Functions would give it, and turns the run's end into an execution's status.
import "./promise-with-resolvers.js";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import {
  ExecutionAbortedError,
  ExecutionTimeoutError,
  StateMachine,
  type StateMachineDefinition,
  type StateMachineOptions,
} from "aws-local-stepfunctions";
import { avoidLibraryQuirks } from "./definition-quirks.js";
import { ExecutionInputTooLargeError, InvalidDefinitionError, InvalidExecutionInputError } from "./errors.js";
import type { JsonValue } from "./json.js";
import { lambdaTaskHandlers } from "./lambda-bridge.js";

export type Run = ReturnType<StateMachine["run"]>;

/** A definition the library has validated, with the text it came from. */
export interface CompiledDefinition {
  text: string;
  definition: StateMachineDefinition;
  machine: StateMachine;
}

/** How an execution ended, in the fields DescribeExecution reports. */
export interface RunOutcome {
  status: "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
  output?: string;
  error?: string;
  cause?: string;
}

/** The names and ARNs the context object's `$$.Execution` and `$$.StateMachine` hold. */
export interface RunIdentity {
  executionArn: string;
  executionName: string;
  stateMachineArn: string;
  stateMachineName: string;
}

/** The options every definition is compiled with, when it is created and at each run. */
const MACHINE_OPTIONS: StateMachineOptions = { validationOptions: { checkPaths: false } };

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Parses and validates a definition; a definition the library refuses is an InvalidDefinition, as on AWS. */
export function compileDefinition(text: unknown): CompiledDefinition {
  if (typeof text !== "string" || text === "") throw new InvalidDefinitionError("definition is required");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidDefinitionError(`definition is not valid JSON (${messageOf(error)})`, { cause: error });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new InvalidDefinitionError("definition must be a JSON object with StartAt and States");
  }
  // The cast hands the object to the library's own validator: its constructor checks the whole document
  // against the States Language and throws on any other shape, which becomes the InvalidDefinition below.
  const definition = avoidLibraryQuirks(parsed as StateMachineDefinition);
  try {
    return { text, definition, machine: new StateMachine(definition, MACHINE_OPTIONS) };
  } catch (error) {
    throw new InvalidDefinitionError(messageOf(error), { cause: error });
  }
}

/** Step Functions' limit on an execution's input, in bytes of UTF-8 (256 KiB). */
export const MAX_EXECUTION_INPUT_BYTES = 262_144;

/** The execution input as text and as the JSON it must hold; `{}` when none is given, as on AWS. */
export function executionInput(input: unknown): { text: string; value: JsonValue } {
  const text = input === undefined ? "{}" : input;
  if (typeof text !== "string") throw new InvalidExecutionInputError("input must be a string");
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_EXECUTION_INPUT_BYTES)
    throw new ExecutionInputTooLargeError(bytes, MAX_EXECUTION_INPUT_BYTES);
  try {
    return { text, value: JSON.parse(text) };
  } catch (error) {
    throw new InvalidExecutionInputError(messageOf(error), { cause: error });
  }
}

/** Starts one execution of a compiled definition, its Lambda tasks invoked through `lambdaClient`. */
export function startRun(
  compiled: CompiledDefinition,
  input: JsonValue,
  identity: RunIdentity,
  lambdaClient: LambdaClient,
): Run {
  return compiled.machine.run(input, {
    context: {
      // The library adds Execution.Input (the input as given) and StartTime itself.
      Execution: { Id: identity.executionArn, Name: identity.executionName },
      StateMachine: { Id: identity.stateMachineArn, Name: identity.stateMachineName },
    },
    overrides: { taskResourceLocalHandlers: lambdaTaskHandlers(compiled.definition, lambdaClient) },
  });
}

/**
 * A failure's error name and cause as Step Functions reports them: the library wraps what a state threw
 * (a task's error, a Fail state's) in an ExecutionError whose cause it is.
 */
function failure(error: unknown): RunOutcome {
  const thrown = error instanceof Error ? error : new Error(String(error));
  const caught = thrown.cause instanceof Error ? thrown.cause : undefined;
  const detail = caught?.cause ?? caught?.message ?? thrown.message;
  return {
    status: "FAILED",
    error: caught?.name ?? thrown.name,
    cause: typeof detail === "string" ? detail : JSON.stringify(detail),
  };
}

/** Waits for the run to end and says how it ended. */
export async function runOutcome(run: Run): Promise<RunOutcome> {
  try {
    const output = await run.result;
    return { status: "SUCCEEDED", output: JSON.stringify(output ?? null) };
  } catch (error) {
    if (error instanceof ExecutionAbortedError) return { status: "ABORTED" };
    if (error instanceof ExecutionTimeoutError) return { status: "TIMED_OUT", error: "States.Timeout" };
    return failure(error);
  }
}
