// The tuning workflow: ReadInput → Initializer → rounds of Round (Map of Executor) → Analyzer → AnotherRound?
// → Optimizer, and a cleanup path from every working state.
import { Duration, type RemovalPolicy } from "aws-cdk-lib";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import {
  Choice,
  Condition,
  DefinitionBody,
  Fail,
  JsonPath,
  LogLevel,
  Map as MapState,
  Pass,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
} from "aws-cdk-lib/aws-stepfunctions";
import { LambdaInvoke } from "aws-cdk-lib/aws-stepfunctions-tasks";
import { Construct } from "constructs";

/** Lambda-side errors worth retrying: throttling and a configuration update still in progress. */
export const RETRYABLE_ERRORS = [
  "Lambda.TooManyRequestsException",
  "TooManyRequestsException",
  "ResourceConflictException",
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
];

export interface TunerStateMachineProps {
  /**
   * The state machine's name, fixed so that its executions' ARNs are known before it exists (the tuner's
   * functions may describe them). @default a name CloudFormation generates
   */
  stateMachineName?: string;
  initializer: IFunction;
  executor: IFunction;
  analyzer: IFunction;
  optimizer: IFunction;
  /** Power values measured at once; 0 = all. @default 0 */
  maxConcurrency?: number;
  /** @default Duration.hours(2) */
  timeout?: Duration;
  /** Of its log group. @default RetentionDays.ONE_MONTH */
  logRetention?: RetentionDays;
  removalPolicy: RemovalPolicy;
}

export class TunerStateMachine extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: TunerStateMachineProps) {
    super(scope, id);
    // Every task: the Resource is the function ARN (payloadResponseOnly), which both Step Functions and the
    // local runner invoke directly; retries are ours, with backoff.
    const invoke = (stateId: string, fn: IFunction, extra: { payload?: TaskInput; resultPath?: string }) => {
      const task = new LambdaInvoke(this, stateId, {
        lambdaFunction: fn,
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
        ...(extra.payload ? { payload: extra.payload } : {}),
        ...(extra.resultPath ? { resultPath: extra.resultPath } : {}),
      });
      task.addRetry({
        errors: RETRYABLE_ERRORS,
        interval: Duration.seconds(2),
        backoffRate: 2,
        maxAttempts: 5,
      });
      return task;
    };

    const failed = new Fail(this, "TuningFailed", { errorPath: "$.error.Error", causePath: "$.error.Cause" });
    // The run's id is the execution's name, known to every state: a Cleanup after an Initializer that died
    // (timeout, crash) before returning still finds the lock that run took.
    const runId = JsonPath.stringAt("$$.Execution.Name");
    const cleanup = invoke("Cleanup", props.optimizer, {
      payload: TaskInput.fromObject({ mode: "cleanup", state: JsonPath.entirePayload, runId }),
      resultPath: "$.cleanup",
    }).next(failed);
    const catchAll = { resultPath: "$.error" };

    // Any JSON may start an execution. The working states need an object to add their results to (ResultPath),
    // so the first state puts the input, whatever it is, under one key; the Initializer validates it. The
    // context object's copy is read because `$` of a `null` input is no value to some interpreters.
    const readInput = new Pass(this, "ReadInput", {
      parameters: { input: JsonPath.objectAt("$$.Execution.Input") },
    });
    // The initializer's result is the whole state from then on: the run's context and the first round's plan.
    // That is a Task's default ResultPath ("$"), so none is set. The execution's ARN goes into the lock, so a
    // next run can ask whether this one still runs.
    const initializer = invoke("Initializer", props.initializer, {
      payload: TaskInput.fromObject({
        input: JsonPath.objectAt("$.input"),
        runId,
        executionArn: JsonPath.stringAt("$$.Execution.Id"),
      }),
    });
    const executor = invoke("Executor", props.executor, {});
    // One round: each power still measured gets a slice of invocations, all powers side by side.
    const round = new MapState(this, "Round", {
      itemsPath: "$.sampling.tasks",
      maxConcurrency: props.maxConcurrency ?? 0,
      resultPath: "$.round",
    }).itemProcessor(executor);
    // Merges the round, then plans the next one or finishes with the analysis (sampling.done).
    const analyzer = invoke("Analyzer", props.analyzer, {
      payload: TaskInput.fromObject({
        tuning: JsonPath.objectAt("$.tuning"),
        sampling: JsonPath.objectAt("$.sampling"),
        round: JsonPath.listAt("$.round"),
      }),
      resultPath: "$.sampling",
    });
    const optimizer = invoke("Optimizer", props.optimizer, {
      payload: TaskInput.fromObject({
        mode: "finish",
        tuning: JsonPath.objectAt("$.tuning"),
        analysis: JsonPath.objectAt("$.sampling.analysis"),
      }),
    });
    for (const state of [initializer, round, analyzer, optimizer]) state.addCatch(cleanup, catchAll);

    // Plain JSONPath and a Choice loop: no variables (Assign) or JSONata, so the same definition runs on
    // aws-local-stepfunctions as on AWS.
    const anotherRound = new Choice(this, "AnotherRound")
      .when(Condition.booleanEquals("$.sampling.done", false), round)
      .otherwise(optimizer.next(new Succeed(this, "TuningDone")));
    const definition = readInput.next(initializer).next(round).next(analyzer).next(anotherRound);

    const logGroup = new LogGroup(this, "Logs", {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    this.stateMachine = new StateMachine(this, "StateMachine", {
      ...(props.stateMachineName ? { stateMachineName: props.stateMachineName } : {}),
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(definition),
      timeout: props.timeout ?? Duration.hours(2),
      tracingEnabled: true,
      // Payloads may be private (disablePayloadLogs); state data stays out of the logs.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });
  }
}
