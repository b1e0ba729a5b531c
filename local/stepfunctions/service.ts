// The Step Functions state: state machines and their executions, run on aws-local-stepfunctions.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { BusEvent } from "../events/event.js";
import { replaceFileSync } from "../shared/durable-file.js";
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
  InvalidNameError,
  StateMachineAlreadyExistsError,
  StateMachineDoesNotExistError,
} from "./errors.js";
import { type HistoryEvent, toHistoryEvent } from "./history.js";
import { collectTaskStates } from "./lambda-bridge.js";
import {
  compileDefinition,
  executionInput,
  type Run,
  type RunOutcome,
  runOutcome,
  startRun,
} from "./runner.js";
import { executionStatusChangeEvent } from "./status-events.js";

export type ExecutionStatus = "RUNNING" | RunOutcome["status"];

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
  /** Receives an execution's "Step Functions Execution Status Change" event each time its status changes. */
  onStatusChange?: (event: BusEvent) => void;
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

/** Appends the run's events to the execution's history, numbered as Step Functions numbers them. */
async function recordEvents(
  record: ExecutionRecord,
  run: Run,
  context: { roleArn: string; taskResources: Map<string, string> },
): Promise<void> {
  for await (const event of run.eventLogs) {
    const mapped = toHistoryEvent(event, context);
    if (mapped === undefined) continue;
    // StopExecution has already recorded the abort with its error and cause.
    if (mapped.type === "ExecutionAborted" && record.status === "ABORTED") continue;
    const id = record.events.length + 1;
    record.events.push({ ...mapped, id, previousEventId: id - 1 });
  }
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
    const { text: definition } = compileDefinition(input.definition);
    const arn = stateMachineArn(input.name, this.identity);
    const existing = this.machines.get(arn);
    if (existing !== undefined) {
      if (existing.definition !== definition) throw new StateMachineAlreadyExistsError(arn);
      return existing;
    }
    const record: StateMachineRecord = {
      name: input.name,
      arn,
      definition,
      roleArn: typeof input.roleArn === "string" ? input.roleArn : "",
      type: typeof input.type === "string" ? input.type : "STANDARD",
      creationDate: new Date(),
    };
    this.machines.set(arn, record);
    return record;
  }

  updateStateMachine(input: { stateMachineArn?: unknown; definition?: unknown; roleArn?: unknown }) {
    const machine = this.machine(input.stateMachineArn);
    if (input.definition !== undefined) machine.definition = compileDefinition(input.definition).text;
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
    this.machines.delete(this.machine(arn).arn);
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
    const { text: inputText, value: inputValue } = executionInput(input.input);
    const arn = executionArn(machine.name, name, this.identity);
    const existing = this.executions.get(arn);
    if (existing !== undefined) {
      // Like Step Functions: a repeated start of a running execution with the same input is idempotent.
      if (existing.status === "RUNNING" && existing.input === inputText) return existing;
      throw new ExecutionAlreadyExistsError(arn);
    }

    const compiled = compileDefinition(machine.definition);
    const run = startRun(
      compiled,
      inputValue,
      {
        executionArn: arn,
        executionName: name,
        stateMachineArn: machine.arn,
        stateMachineName: machine.name,
      },
      this.options.lambdaClient,
    );
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
    const consumeEvents = recordEvents(record, run, {
      roleArn: machine.roleArn,
      taskResources: collectTaskStates(compiled.definition.States),
    });
    record.done = this.settle(record, run, consumeEvents);
    this.announce(record);
    return record;
  }

  /** Sends the execution's status, as Step Functions sends it to EventBridge. */
  private announce(record: ExecutionRecord): void {
    this.options.onStatusChange?.(executionStatusChangeEvent(record, this.identity));
  }

  /** Records how the run ended, once its events are in, and writes the result. */
  private async settle(record: ExecutionRecord, run: Run, consumeEvents: Promise<void>): Promise<void> {
    const outcome = await runOutcome(run);
    // A stopped execution keeps the status, error and cause StopExecution gave it (and announced).
    const endedHere = record.status === "RUNNING";
    if (endedHere) Object.assign(record, outcome);
    // The library closes its event stream on success and failure; an abort may leave it open.
    await Promise.race([consumeEvents, new Promise((resolve) => setTimeout(resolve, 50))]);
    record.stopDate ??= new Date();
    delete record.abort;
    this.writeResult(record);
    if (endedHere) this.announce(record);
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
      this.announce(execution);
    }
    return execution;
  }

  private writeResult(record: ExecutionRecord): void {
    if (this.options.dataDir === undefined) return;
    const dir = join(this.options.dataDir, "executions");
    mkdirSync(dir, { recursive: true });
    const { events: _events, done: _done, abort: _abort, ...result } = record;
    // Replaced whole or not at all, so a kill -9 mid-write never leaves half a result to read.
    replaceFileSync(join(dir, `${record.name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  }

  /** Aborts every running execution and waits for all to settle. */
  async close(): Promise<void> {
    const running = [...this.executions.values()];
    for (const execution of running)
      if (execution.status === "RUNNING") this.stopExecution(execution.executionArn);
    await Promise.all(running.map((e) => e.done));
  }
}
