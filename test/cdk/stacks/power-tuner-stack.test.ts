import { createRequire } from "node:module";
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import {
  crudTuningPayload,
  DEFAULT_POWER_VALUES,
  DEFAULT_VISUALIZATION_URL,
  OUTPUTS,
  STACKS,
} from "../../../contract/index.js";
import { CPU_ADMISSION_TAG } from "../../../stacks/constructs/tuner-function.js";
import { CrudServiceStack } from "../../../stacks/crud-service-stack.js";
import {
  ACCEPTED_WILDCARD_FINDINGS,
  checkVisualizationUrl,
  PowerTunerStack,
  TARGET_ACTIONS,
} from "../../../stacks/power-tuner-stack.js";
import { acknowledgeAcceptedWildcards } from "../../support/accepted-wildcards.js";

// asl-validator ships no types; this is the slice used here.
type AslValidator = (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)("asl-validator") as AslValidator;

const env = { account: "000000000000", region: "us-east-1" };
const app = new App();
const crud = new CrudServiceStack(app, STACKS.crud, { env });
const stack = new PowerTunerStack(app, STACKS.tuner, {
  env,
  defaultTarget: crud.crudFunction,
  defaultTargetTable: crud.table,
  weeklyTuning: true,
});
const template = Template.fromStack(stack);

interface AslState {
  Type: string;
  Resource?: unknown;
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
  Retry?: { ErrorEquals: string[]; BackoffRate?: number; MaxAttempts?: number }[];
  ItemsPath?: string;
  ItemProcessor?: { StartAt: string; States: Record<string, AslState> };
  ResultPath?: string | null;
  Choices?: { Variable?: string; BooleanEquals?: boolean; Next: string }[];
  Default?: string;
  Next?: string;
  ErrorPath?: string;
  CausePath?: string;
  Parameters?: Record<string, unknown>;
}
interface Asl {
  StartAt: string;
  States: Record<string, AslState>;
}

/** The definition with the CloudFormation tokens (function ARNs) replaced by placeholder ARNs. */
function definition(): Asl {
  const [resource] = Object.values(template.findResources("AWS::StepFunctions::StateMachine"));
  const body = (resource as { Properties: { DefinitionString: unknown } }).Properties.DefinitionString;
  const join = (body as { "Fn::Join": [string, unknown[]] })["Fn::Join"];
  const text = join[1]
    .map((part) => (typeof part === "string" ? part : "arn:aws:lambda:us-east-1:000000000000:function:tuner"))
    .join(join[0]);
  return JSON.parse(text) as Asl;
}

const asl = definition();
const taskStates = Object.entries(asl.States).filter(([, s]) => s.Type === "Task");

describe("PowerTunerStack state machine", () => {
  it("reads the input, runs the initializer, then loops: a Round maps the executor, the Analyzer decides, AnotherRound?", () => {
    expect(asl.StartAt).toBe("ReadInput");
    expect(asl.States.ReadInput?.Next).toBe("Initializer");
    // The initializer's result ({tuning, sampling}) is the whole state from then on: the default ResultPath.
    expect(asl.States.Initializer?.Next).toBe("Round");
    expect(asl.States.Initializer).not.toHaveProperty("ResultPath");
    const map = asl.States.Round;
    expect(map).toMatchObject({ Type: "Map", ItemsPath: "$.sampling.tasks", ResultPath: "$.round" });
    expect(map?.ItemProcessor?.StartAt).toBe("Executor");
    expect(map?.ItemProcessor?.States.Executor?.Type).toBe("Task");
    expect(map?.Next).toBe("Analyzer");
    expect(asl.States.Analyzer).toMatchObject({
      ResultPath: "$.sampling",
      Next: "AnotherRound",
      Parameters: { "tuning.$": "$.tuning", "sampling.$": "$.sampling", "round.$": "$.round" },
    });
    expect(asl.States.AnotherRound).toMatchObject({
      Type: "Choice",
      Choices: [{ Variable: "$.sampling.done", BooleanEquals: false, Next: "Round" }],
      Default: "Optimizer",
    });
    expect(asl.States.Optimizer).toMatchObject({
      Next: "TuningDone",
      Parameters: { mode: "finish", "tuning.$": "$.tuning", "analysis.$": "$.sampling.analysis" },
    });
  });

  it("uses plain JSONPath only: no variables or JSONata, which the local runner ignores", () => {
    const text = JSON.stringify(asl);
    expect(text).not.toMatch(/"Assign"|"QueryLanguage"|"Arguments"|"Output"|\{%/);
  });

  it("invokes each function by its ARN (the Resource is the function, not the SDK integration)", () => {
    for (const [, state] of taskStates) expect(state.Resource).toMatch(/^arn:aws:lambda:/);
    expect(asl.States.Round?.ItemProcessor?.States.Executor?.Resource).toMatch(/^arn:aws:lambda:/);
  });

  it("routes every failure of every working state to Cleanup, then fails with the original error", () => {
    for (const name of ["Initializer", "Round", "Analyzer", "Optimizer"]) {
      expect(asl.States[name]?.Catch).toEqual([
        { ErrorEquals: ["States.ALL"], Next: "Cleanup", ResultPath: "$.error" },
      ]);
    }
    expect(asl.States.Cleanup?.Next).toBe("TuningFailed");
    expect(asl.States.Cleanup?.Parameters).toEqual({
      mode: "cleanup",
      "state.$": "$",
      "runId.$": "$$.Execution.Name",
    });
    // The run's id is the execution's name, so Cleanup can find a lock an Initializer took before dying; the
    // execution's ARN goes into the lock, so a next run can ask whether this one still runs.
    expect(asl.States.Initializer?.Parameters).toEqual({
      "input.$": "$.input",
      "runId.$": "$$.Execution.Name",
      "executionArn.$": "$$.Execution.Id",
    });
    expect(asl.States.TuningFailed).toMatchObject({
      Type: "Fail",
      ErrorPath: "$.error.Error",
      CausePath: "$.error.Cause",
    });
  });

  it("first puts any JSON input under one key, so no input can fail before the Initializer names the problem", () => {
    // `$$.Execution.Input` rather than `$`: an array, a string, a number or null has no field to add results
    // to, and the working states' ResultPath (and their Catch's) needs one.
    expect(asl.States.ReadInput).toEqual({
      Type: "Pass",
      Parameters: { "input.$": "$$.Execution.Input" },
      Next: "Initializer",
    });
    expect(asl.States.ReadInput?.Catch).toBeUndefined();
  });

  it("retries throttling and update-in-progress with backoff on every task", () => {
    const tasks = [...taskStates.map(([, s]) => s), asl.States.Round?.ItemProcessor?.States.Executor];
    for (const state of tasks) {
      const retry = state?.Retry?.[0];
      expect(retry?.ErrorEquals).toEqual(
        expect.arrayContaining(["Lambda.TooManyRequestsException", "ResourceConflictException"]),
      );
      expect(retry?.BackoffRate).toBe(2);
    }
  });

  it("is valid ASL according to asl-validator", () => {
    const result = aslValidator(asl);
    expect(result.errorsText()).toBe("");
    expect(result.isValid).toBe(true);
  });

  it("is a standard workflow with logging and tracing", () => {
    template.hasResourceProperties("AWS::StepFunctions::StateMachine", {
      StateMachineName: `${STACKS.tuner}-Tuning`,
      StateMachineType: "STANDARD",
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: "ALL", IncludeExecutionData: false }),
    });
  });
});

describe("PowerTunerStack resources", () => {
  it("runs the weekly rule with the CRUD function's tuning input and its read-heavy sample payload", () => {
    template.hasResourceProperties("AWS::Events::Rule", {
      ScheduleExpression: "rate(7 days)",
      State: "ENABLED",
    });
    const [rule] = Object.values(
      template.findResources("AWS::Events::Rule", { Properties: { ScheduleExpression: "rate(7 days)" } }),
    );
    const target = (rule as { Properties: { Targets: { Input: unknown }[] } }).Properties.Targets[0];
    // The input is a Fn::Join of literal JSON and the CRUD stack's imports: put stand-in values in and parse it.
    const join = (target?.Input as { "Fn::Join": [string, unknown[]] } | undefined)?.["Fn::Join"][1] ?? [];
    const imports: string[] = [];
    const text = join
      .map((part) => {
        if (typeof part === "string") return part;
        const name = (part as { "Fn::ImportValue": string })["Fn::ImportValue"];
        imports.push(name);
        return name.includes("Items") ? "crud-table" : "arn:aws:lambda:us-east-1:000000000000:function:crud";
      })
      .join("");
    const input = JSON.parse(text) as Record<string, unknown>;
    expect(imports.some((name) => name.includes("CrudFunction"))).toBe(true);
    expect(imports.some((name) => name.includes("Items"))).toBe(true);
    expect(input).toEqual({
      lambdaARN: "arn:aws:lambda:us-east-1:000000000000:function:crud",
      powerValues: DEFAULT_POWER_VALUES,
      num: 50,
      sleepBetweenRunsMs: 30,
      strategy: "balanced",
      payload: crudTuningPayload("crud-table"),
    });
    expect(DEFAULT_POWER_VALUES).toEqual([128, 256, 512, 1024, 1536, 3008]);
  });

  it("leaves the weekly rule disabled unless asked", () => {
    const other = new App();
    const c = new CrudServiceStack(other, STACKS.crud, { env });
    const t = Template.fromStack(
      new PowerTunerStack(other, STACKS.tuner, {
        env,
        defaultTarget: c.crudFunction,
        defaultTargetTable: c.table,
      }),
    );
    t.hasResourceProperties("AWS::Events::Rule", { ScheduleExpression: "rate(7 days)", State: "DISABLED" });
  });

  it("has four arm64 functions tagged exempt from CPU admission, and a TuningHistory table with TTL", () => {
    const functions = template.findResources("AWS::Lambda::Function");
    expect(Object.keys(functions)).toHaveLength(4);
    for (const fn of Object.values(functions) as { Properties: Record<string, unknown> }[]) {
      expect(fn.Properties.Architectures).toEqual(["arm64"]);
      expect(fn.Properties.MemorySize).toBe(256);
      expect(fn.Properties.Tags).toEqual(
        expect.arrayContaining([{ Key: CPU_ADMISSION_TAG.key, Value: CPU_ADMISSION_TAG.value }]),
      );
    }
    template.hasResourceProperties("AWS::DynamoDB::Table", {
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
    });
  });

  it("scopes lambda actions to the target function and its qualified ARNs only", () => {
    const policies = Object.values(template.findResources("AWS::IAM::Role")).flatMap(
      (r) =>
        (
          (r as { Properties: { Policies?: { PolicyDocument: { Statement: unknown[] } }[] } }).Properties
            .Policies ?? []
        ).flatMap((p) => p.PolicyDocument.Statement) as { Action: string | string[]; Resource: unknown }[],
    );
    const lambdaStatements = policies.filter((s) =>
      [s.Action].flat().some((a) => a.startsWith("lambda:") && a !== "lambda:InvokeFunction"),
    );
    // The initializer and the optimizer change the target; the initializer reads its function URL's invoke
    // mode and alone creates the temporary copy of an `architectures` run; the executor reads its versions'
    // State.
    expect(lambdaStatements.map((s) => [s.Action].flat().sort())).toEqual([
      [...TARGET_ACTIONS].sort(),
      ["lambda:GetFunctionUrlConfig"],
      ["lambda:CreateFunction"],
      ["lambda:GetFunctionConfiguration"],
      [...TARGET_ACTIONS].sort(),
    ]);
    for (const s of lambdaStatements.filter((x) => x.Action !== "lambda:CreateFunction")) {
      const resources = JSON.stringify(s.Resource);
      expect(resources).not.toContain('"*"');
      expect(resources).toContain("Fn::ImportValue");
      expect(resources).toContain(":*");
    }
    for (const s of policies) {
      if (JSON.stringify(s.Resource) === '"*"') expect(s.Action).toBe("cloudwatch:PutMetricData");
    }
  });

  it("lets the initializer alone create the targets' copies by their exact names and pass the target's role to Lambda only", () => {
    const roles = template.findResources("AWS::IAM::Role");
    const statementsOf = (fn: string) =>
      Object.entries(roles)
        .filter(([id]) => id.startsWith(fn))
        .flatMap(([, r]) =>
          (
            (r as { Properties: { Policies?: { PolicyDocument: { Statement: unknown[] } }[] } }).Properties
              .Policies ?? []
          ).flatMap((p) => p.PolicyDocument.Statement),
        ) as { Action: string | string[]; Resource: unknown; Condition?: unknown }[];
    const create = statementsOf("Initializer").find((x) => x.Action === "lambda:CreateFunction");
    const copies = JSON.stringify(create?.Resource);
    expect(copies).toContain("-pt-x86_64");
    expect(copies).toContain("-pt-arm64");
    expect(copies).not.toContain(":*");
    const passRole = statementsOf("Initializer").find((x) => x.Action === "iam:PassRole");
    expect(JSON.stringify(passRole?.Resource)).toContain("Fn::ImportValue");
    expect(passRole?.Condition).toEqual({ StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } });
    for (const fn of ["Executor", "Analyzer", "Optimizer"]) {
      const actions = statementsOf(fn).flatMap((x) => [x.Action].flat());
      expect(actions).not.toContain("lambda:CreateFunction");
      expect(actions).not.toContain("iam:PassRole");
    }
    // The copies' names are in the grants the target has, so the executor invokes and cleanup deletes them.
    const changeTarget = statementsOf("Optimizer").find((x) =>
      [x.Action].flat().includes("lambda:DeleteFunction"),
    );
    expect(JSON.stringify(changeTarget?.Resource)).toContain("-pt-arm64");
  });

  it("grants no PassRole when targetFunctionArns are given without targetRoleArns", () => {
    const otherApp = new App();
    const otherCrud = new CrudServiceStack(otherApp, STACKS.crud, { env });
    const other = new PowerTunerStack(otherApp, STACKS.tuner, {
      env,
      defaultTarget: otherCrud.crudFunction,
      defaultTargetTable: otherCrud.table,
      targetFunctionArns: ["arn:aws:lambda:us-east-1:000000000000:function:other"],
    });
    const text = JSON.stringify(Template.fromStack(other).toJSON());
    expect(text).not.toContain("iam:PassRole");
    expect(text).not.toContain("lambda:CreateFunction");
    expect(text).toContain("function:other-pt-arm64");
  });

  it("gives the analyzer alone the visualizationURL, lambda-power-tuning.show by default", () => {
    const variablesOf = (t: Template) =>
      Object.entries(t.findResources("AWS::Lambda::Function")).map(([id, fn]) => [
        id.replace(/Function[0-9A-F]{8}$/, ""),
        (fn as { Properties: { Environment: { Variables: Record<string, string> } } }).Properties.Environment
          .Variables.VISUALIZATION_URL,
      ]);
    expect(variablesOf(template)).toEqual([
      ["Initializer", undefined],
      ["Executor", undefined],
      ["Analyzer", DEFAULT_VISUALIZATION_URL],
      ["Optimizer", undefined],
    ]);
    const other = new App();
    const c = new CrudServiceStack(other, STACKS.crud, { env });
    const own = new PowerTunerStack(other, STACKS.tuner, {
      env,
      defaultTarget: c.crudFunction,
      defaultTargetTable: c.table,
      visualizationURL: "https://power-tuning.example.com/view/",
    });
    expect(variablesOf(Template.fromStack(own))[2]).toEqual([
      "Analyzer",
      "https://power-tuning.example.com/view/",
    ]);
  });

  it.each([
    ["a fragment", "https://lambda-power-tuning.show/#x"],
    ["no scheme", "lambda-power-tuning.show"],
    ["another scheme", "ftp://example.com/"],
  ])("refuses a visualizationURL with %s, naming the prop", (_what, url) => {
    expect(() => checkVisualizationUrl(url)).toThrow(/PowerTunerStack prop visualizationURL is/);
  });

  it("undoes a stopped or timed-out run at once: a rule on this state machine's executions invokes the optimizer's cleanup", () => {
    const logicalId = (type: string, path: string) =>
      Object.entries(template.findResources(type)).find(([id]) => id.startsWith(path))?.[0] ?? "";
    const stateMachine = logicalId("AWS::StepFunctions::StateMachine", "TunerStateMachine");
    const optimizer = logicalId("AWS::Lambda::Function", "OptimizerFunction");
    const rules = template.findResources("AWS::Events::Rule", {
      Properties: { EventPattern: Match.anyValue() },
    });
    expect(Object.keys(rules)).toHaveLength(1);
    const [ruleId, rule] = Object.entries(rules)[0] as [string, { Properties: Record<string, unknown> }];
    expect(rule.Properties.State).toBe("ENABLED");
    expect(rule.Properties.EventPattern).toEqual({
      source: ["aws.states"],
      "detail-type": ["Step Functions Execution Status Change"],
      detail: { stateMachineArn: [{ Ref: stateMachine }], status: ["ABORTED", "TIMED_OUT"] },
    });
    const targets = rule.Properties.Targets as Record<string, unknown>[];
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({
      Arn: { "Fn::GetAtt": [optimizer, "Arn"] },
      RetryPolicy: { MaximumRetryAttempts: 2 },
    });
    // The execution's name (the run's id) and ARN, filled in by EventBridge's input transformer.
    const transformer = targets[0]?.InputTransformer as { InputPathsMap: object; InputTemplate: string };
    expect(transformer.InputPathsMap).toEqual({
      "detail-name": "$.detail.name",
      "detail-executionArn": "$.detail.executionArn",
      "detail-status": "$.detail.status",
    });
    expect(transformer.InputTemplate).toBe(
      '{"mode":"cleanup","runId":<detail-name>,"executionArn":<detail-executionArn>,"status":<detail-status>}',
    );
    // Only this rule may invoke the optimizer through EventBridge.
    const permissions = Object.values(
      template.findResources("AWS::Lambda::Permission", {
        Properties: { Principal: "events.amazonaws.com" },
      }),
    ) as { Properties: Record<string, unknown> }[];
    expect(permissions.map((p) => p.Properties)).toEqual([
      {
        Action: "lambda:InvokeFunction",
        FunctionName: { "Fn::GetAtt": [optimizer, "Arn"] },
        Principal: "events.amazonaws.com",
        SourceArn: { "Fn::GetAtt": [ruleId, "Arn"] },
      },
    ]);
  });

  it("lets the initializer alone read the target's function URL, and the executor invoke it (InvokeWithResponseStream's action too)", () => {
    const roles = template.findResources("AWS::IAM::Role");
    const actionsOf = (prefix: string) =>
      Object.entries(roles)
        .filter(([id]) => id.startsWith(prefix))
        .flatMap(([, r]) =>
          (
            (r as { Properties: { Policies?: { PolicyDocument: { Statement: { Action: unknown }[] } }[] } })
              .Properties.Policies ?? []
          ).flatMap((p) => p.PolicyDocument.Statement.flatMap((st) => [st.Action].flat() as string[])),
        );
    expect(actionsOf("InitializerRole")).toContain("lambda:GetFunctionUrlConfig");
    for (const role of ["ExecutorRole", "AnalyzerRole", "OptimizerRole"]) {
      expect(actionsOf(role)).not.toContain("lambda:GetFunctionUrlConfig");
    }
    expect(actionsOf("ExecutorRole").filter((a) => a.startsWith("lambda:Invoke"))).toEqual([
      "lambda:InvokeFunction",
    ]);
  });

  it("lets the initializer and the optimizer describe this state machine's executions, and nothing else of Step Functions", () => {
    const roles = template.findResources("AWS::IAM::Role");
    const statementsOf = (prefix: string) =>
      Object.entries(roles)
        .filter(([id]) => id.startsWith(prefix))
        .flatMap(
          ([, r]) =>
            (
              (r as { Properties: { Policies?: { PolicyDocument: { Statement: unknown[] } }[] } }).Properties
                .Policies ?? []
            ).flatMap((p) => p.PolicyDocument.Statement) as {
              Action: string | string[];
              Resource: unknown;
            }[],
        )
        .filter((s) => [s.Action].flat().some((a) => a.startsWith("states:")));
    const executions = {
      "Fn::Join": [
        "",
        [
          "arn:",
          { Ref: "AWS::Partition" },
          `:states:us-east-1:000000000000:execution:${STACKS.tuner}-Tuning:*`,
        ],
      ],
    };
    for (const role of ["InitializerRole", "OptimizerRole"]) {
      expect(statementsOf(role)).toEqual([
        { Action: "states:DescribeExecution", Effect: "Allow", Resource: executions },
      ]);
    }
    for (const role of ["ExecutorRole", "AnalyzerRole"]) expect(statementsOf(role)).toEqual([]);
  });

  it("outputs the state machine ARN and the history table name", () => {
    template.hasOutput(OUTPUTS.tuner.stateMachineArn, {});
    template.hasOutput(OUTPUTS.tuner.historyTableName, {});
  });

  it("passes cdk-nag AwsSolutions with zero findings once the table of accepted wildcards is applied", () => {
    // A fresh app: acknowledging changes the construct tree.
    const nagApp = new App();
    const nagCrud = new CrudServiceStack(nagApp, STACKS.crud, { env });
    const nagStack = new PowerTunerStack(nagApp, STACKS.tuner, {
      env,
      defaultTarget: nagCrud.crudFunction,
      defaultTargetTable: nagCrud.table,
      weeklyTuning: true,
    });
    Template.fromStack(nagStack); // nag runs on the synthesized stack, as in a deployment
    const { unaccepted, accepted } = acknowledgeAcceptedWildcards(nagStack);
    const used = new Set(accepted.map((a) => a.entry));
    expect(unaccepted).toEqual([]);
    expect(new AwsSolutionsChecks().validateScope(nagStack).violations).toEqual([]);
    // Every entry of the table is needed (those an option brings, by the stack with every option: see
    // stacks/power-tuner-stack-options.test.ts), and each reason is its own.
    expect(used.size).toBe(ACCEPTED_WILDCARD_FINDINGS.filter((a) => a.onlyWith === undefined).length);
    expect(new Set(ACCEPTED_WILDCARD_FINDINGS.map((a) => a.reason)).size).toBe(
      ACCEPTED_WILDCARD_FINDINGS.length,
    );
  });

  it("does not accept a wildcard on some other function", () => {
    const [targets, executions, , stateMachine] = ACCEPTED_WILDCARD_FINDINGS;
    expect(stateMachine?.resource.test("<ExecutorFunction90B119DB.Arn>:*")).toBe(true);
    expect(stateMachine?.resource.test("<SomeOtherFunctionABCDEF12.Arn>:*")).toBe(false);
    expect(targets?.construct.test(`${STACKS.tuner}/Analyzer/Role/Resource`)).toBe(false);
    expect(targets?.resource.test("*")).toBe(false);
    // The executions' wildcard is accepted for this stack's state machine only, and not as a function's.
    const ours = "arn:<AWS::Partition>:states:us-east-1:000000000000:execution:PowerTuner-Tuning:*";
    expect(executions?.resource.test(ours)).toBe(true);
    expect(targets?.resource.test(ours)).toBe(false);
    expect(executions?.resource.test("arn:aws:states:us-east-1:000000000000:execution:*")).toBe(false);
    expect(executions?.resource.test("arn:aws:states:us-east-1:000000000000:execution:Other:*")).toBe(false);
  });
});
