// The Step Functions state: state machines and their executions, run on aws-local-stepfunctions.
import "./promise-with-resolvers.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { ExecutionAbortedError, ExecutionTimeoutError, StateMachine } from "aws-local-stepfunctions";
import {
  arnResourceName,
  DEFAULT_IDENTITY,
  executionArn,
  type LocalIdentity,
  stateMachineArn,
} from "../shared/identity.js";
import {
  ExecutionAlreadyExistsError,
  ExecutionDoesNotExistError,
  InvalidArnError,
  InvalidDefinitionError,
  InvalidExecutionInputError,
  InvalidNameError,
  StateMachineAlreadyExistsError,
  StateMachineDoesNotExistError,
} from "./errors.js";
import { type EventLog, type HistoryEvent, toHistoryEvent } from "./history.js";
import { collectTaskStates, lambdaTaskHandlers } from "./lambda-bridge.js";

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

export interface StateMachineRecord {
  name: string;
  arn: string;
  definition: string;
  roleArn: string;
  type: string;
  creationDate: Date;
  updateDate?: Date;
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  events: HistoryEvent[];
  /** Settles when the execution has stopped and its result is written. */
  done: Promise<void>;
  abort?: () => void;
}

export interface StepFunctionsOptions {
  /** Finished executions are written to `<dataDir>/executions/<name>.json`; omitted = not written. */
  dataDir?: string;
  identity?: LocalIdentity;
  /** The client Lambda tasks are invoked with (its endpoint is the local cloud's). */
  lambdaClient: LambdaClient;
}

const NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

/** Step Functions names: 1-80 characters, none of whitespace, brackets, wildcards, punctuation or controls. */
function isValidName(name: unknown): name is string {
  if (typeof name !== "string" || name.length < 1 || name.length > 80 || NAME_FORBIDDEN.test(name))
    return false;
  return [...name].every((ch) => {
    const code = ch.charCodeAt(0);
    return code > 0x1f && (code < 0x7f || code > 0x9f);
  });
}

function parseDefinition(definition: unknown): Record<string, unknown> {
  if (typeof definition !== "string" || definition === "")
    throw new InvalidDefinitionError("definition is required");
  let parsed: unknown;
  try {
    parsed = JSON.parse(definition);
  } catch (error) {
    throw new InvalidDefinitionError(`definition is not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new InvalidDefinitionError("definition must be a JSON object with StartAt and States");
  }
  try {
    new StateMachine(parsed as never, { validationOptions: { checkPaths: false } });
  } catch (error) {
    throw new InvalidDefinitionError((error as Error).message);
  }
  return parsed as Record<string, unknown>;
}

export class StepFunctionsState {
  private readonly machines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly identity: LocalIdentity;

  constructor(private readonly options: StepFunctionsOptions) {
    this.identity = options.identity ?? DEFAULT_IDENTITY;
  }

  createStateMachine(input: { name?: unknown; definition?: unknown; roleArn?: unknown; type?: unknown }) {
    if (!isValidName(input.name)) throw new InvalidNameError("name", input.name);
    parseDefinition(input.definition);
    const arn = stateMachineArn(input.name, this.identity);
    const existing = this.machines.get(arn);
    if (existing !== undefined) {
      if (existing.definition !== input.definition) throw new StateMachineAlreadyExistsError(arn);
      return existing;
    }
    const record: StateMachineRecord = {
      name: input.name,
      arn,
      definition: input.definition as string,
      roleArn: typeof input.roleArn === "string" ? input.roleArn : "",
      type: typeof input.type === "string" ? input.type : "STANDARD",
      creationDate: new Date(),
    };
    this.machines.set(arn, record);
    return record;
  }

  updateStateMachine(input: { stateMachineArn?: unknown; definition?: unknown; roleArn?: unknown }) {
    const machine = this.machine(input.stateMachineArn);
    if (input.definition !== undefined) {
      parseDefinition(input.definition);
      machine.definition = input.definition as string;
    }
    if (typeof input.roleArn === "string") machine.roleArn = input.roleArn;
    machine.updateDate = new Date();
    return machine;
  }

  machine(arn: unknown): StateMachineRecord {
    if (typeof arn !== "string" || arnResourceName(arn, "stateMachine") === undefined) {
      throw new InvalidArnError("stateMachineArn", arn);
    }
    const machine = this.machines.get(arn);
    if (machine === undefined) throw new StateMachineDoesNotExistError(arn);
    return machine;
  }

  listStateMachines(): StateMachineRecord[] {
    return [...this.machines.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  deleteStateMachine(arn: unknown): void {
    this.machine(arn);
    this.machines.delete(arn as string);
  }

  execution(arn: unknown): ExecutionRecord {
    if (typeof arn !== "string" || !arn.startsWith("arn:aws:states:") || !arn.includes(":execution:")) {
      throw new InvalidArnError("executionArn", arn);
    }
    const execution = this.executions.get(arn);
    if (execution === undefined) throw new ExecutionDoesNotExistError(arn);
    return execution;
  }

  listExecutions(machineArn: unknown, statusFilter?: unknown): ExecutionRecord[] {
    const machine = this.machine(machineArn);
    return [...this.executions.values()]
      .filter(
        (e) => e.stateMachineArn === machine.arn && (statusFilter === undefined || e.status === statusFilter),
      )
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
  }

  startExecution(input: { stateMachineArn?: unknown; name?: unknown; input?: unknown }): ExecutionRecord {
    const machine = this.machine(input.stateMachineArn);
    const name = input.name === undefined ? crypto.randomUUID() : input.name;
    if (!isValidName(name)) throw new InvalidNameError("name", input.name);
    const inputText = input.input === undefined ? "{}" : input.input;
    if (typeof inputText !== "string") throw new InvalidExecutionInputError("input must be a string");
    let parsedInput: unknown;
    try {
      parsedInput = JSON.parse(inputText);
    } catch (error) {
      throw new InvalidExecutionInputError((error as Error).message);
    }
    const arn = executionArn(machine.name, name, this.identity);
    const existing = this.executions.get(arn);
    if (existing !== undefined) {
      // Like Step Functions: a repeated start of a running execution with the same input is idempotent.
      if (existing.status === "RUNNING" && existing.input === inputText) return existing;
      throw new ExecutionAlreadyExistsError(arn);
    }

    const definition = JSON.parse(machine.definition) as Record<string, unknown>;
    const runner = new StateMachine(definition as never, { validationOptions: { checkPaths: false } });
    const run = runner.run(parsedInput as never, {
      // The context object's `$$.Execution` and `$$.StateMachine`, as Step Functions fills them in.
      context: {
        Execution: { Id: arn, Name: name },
        StateMachine: { Id: machine.arn, Name: machine.name },
      } as never,
      overrides: {
        taskResourceLocalHandlers: lambdaTaskHandlers(definition, this.options.lambdaClient) as never,
      },
    });
    const taskResources = collectTaskStates(definition.States as never);
    const record: ExecutionRecord = {
      executionArn: arn,
      stateMachineArn: machine.arn,
      name,
      status: "RUNNING",
      startDate: new Date(),
      input: inputText,
      events: [],
      done: Promise.resolve(),
      abort: () => run.abort(),
    };
    this.executions.set(arn, record);

    const recordEvent = (event: EventLog) => {
      const mapped = toHistoryEvent(event, { roleArn: machine.roleArn, taskResources });
      if (mapped === undefined) return;
      // StopExecution has already recorded the abort with its error and cause.
      if (mapped.type === "ExecutionAborted" && record.status === "ABORTED") return;
      const id = record.events.length + 1;
      record.events.push({ ...mapped, id, previousEventId: id - 1 });
    };
    const consumeEvents = (async () => {
      for await (const event of run.eventLogs) recordEvent(event as EventLog);
    })();

    record.done = (async () => {
      const outcome = await run.result.then(
        (output: unknown) => ({ output }),
        (error: unknown) => ({ error: error as Error }),
      );
      // A stopped execution keeps the status, error and cause StopExecution gave it.
      if (record.status === "RUNNING") {
        if (!("error" in outcome)) {
          record.status = "SUCCEEDED";
          record.output = JSON.stringify(outcome.output ?? null);
        } else if (outcome.error instanceof ExecutionAbortedError) {
          record.status = "ABORTED";
        } else if (outcome.error instanceof ExecutionTimeoutError) {
          record.status = "TIMED_OUT";
          record.error = "States.Timeout";
        } else {
          const cause = outcome.error.cause as Error | undefined;
          record.status = "FAILED";
          record.error = cause?.name ?? outcome.error.name;
          const detail = cause?.cause ?? cause?.message ?? outcome.error.message;
          record.cause = typeof detail === "string" ? detail : JSON.stringify(detail);
        }
      }
      // The library closes its event stream on success and failure; an abort may leave it open.
      await Promise.race([consumeEvents, new Promise((resolve) => setTimeout(resolve, 50))]);
      record.stopDate ??= new Date();
      delete record.abort;
      this.writeResult(record);
    })();
    return record;
  }

  stopExecution(arn: unknown, error?: unknown, cause?: unknown): ExecutionRecord {
    const execution = this.execution(arn);
    if (execution.status === "RUNNING") {
      execution.status = "ABORTED";
      execution.stopDate = new Date();
      if (typeof error === "string") execution.error = error;
      if (typeof cause === "string") execution.cause = cause;
      const id = execution.events.length + 1;
      execution.events.push({
        id,
        previousEventId: id - 1,
        timestamp: execution.stopDate,
        type: "ExecutionAborted",
        executionAbortedEventDetails: {
          ...(execution.error !== undefined ? { error: execution.error } : {}),
          ...(execution.cause !== undefined ? { cause: execution.cause } : {}),
        },
      });
      execution.abort?.();
    }
    return execution;
  }

  private writeResult(record: ExecutionRecord): void {
    if (this.options.dataDir === undefined) return;
    const dir = join(this.options.dataDir, "executions");
    mkdirSync(dir, { recursive: true });
    const { events: _events, done: _done, abort: _abort, ...result } = record;
    writeFileSync(join(dir, `${record.name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  }

  /** Aborts every running execution and waits for all to settle. */
  async close(): Promise<void> {
    const running = [...this.executions.values()];
    for (const execution of running)
      if (execution.status === "RUNNING") this.stopExecution(execution.executionArn);
    await Promise.all(running.map((e) => e.done));
  }
}
