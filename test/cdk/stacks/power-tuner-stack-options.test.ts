import { App, Duration, PermissionsBoundary, Stack } from "aws-cdk-lib";
import type { Template } from "aws-cdk-lib/assertions";
import { SecurityGroup, SubnetType, Vpc } from "aws-cdk-lib/aws-ec2";
import { Schedule } from "aws-cdk-lib/aws-events";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import { crudTuningPayload, STACKS } from "../../../contract/index.js";
import { ValidationError } from "../../../stacks/errors.js";
import { POWER_TUNER_DEFAULTS } from "../../../stacks/power-tuner-options.js";
import { ACCEPTED_WILDCARD_FINDINGS, type PowerTunerStackProps } from "../../../stacks/power-tuner-stack.js";
import { acknowledgeAcceptedWildcards } from "../../support/accepted-wildcards.js";
import { buildTunerStack } from "../../support/tuner-stack.js";
import { expectValidationError } from "../../support/validation-error.js";

const env = { account: "000000000000", region: "us-east-1" };
type Options = Omit<PowerTunerStackProps, "defaultTarget" | "defaultTargetTable">;

/**
 * The app's two stacks with `options` on the tuner, and a separate network stack when asked for (a VPC of
 * its own, so cdk-nag's findings on a VPC never mix with the tuner's). Bundling is skipped: these tests read
 * the templates, not the functions' code.
 */
function build(options: Options | ((network: Network) => Options) = {}, tunerId: string = STACKS.tuner) {
  let network: Network | undefined;
  const { tuner, template } = buildTunerStack((app) => {
    if (typeof options !== "function") return options;
    const stack = new Stack(app, "Network", { env });
    const vpc = new Vpc(stack, "Vpc", { maxAzs: 2, natGateways: 1 });
    network = { vpc, securityGroup: new SecurityGroup(stack, "Tuner", { vpc, allowAllOutbound: true }) };
    return options(network);
  }, tunerId);
  return { tuner, template, network };
}
interface Network {
  vpc: Vpc;
  securityGroup: SecurityGroup;
}

type Resource = { Properties: Record<string, unknown>; DependsOn?: string[] };
const resources = (template: Template, type: string) =>
  Object.entries(template.findResources(type)) as [string, Resource][];
const functions = (template: Template) =>
  Object.fromEntries(
    resources(template, "AWS::Lambda::Function").map(([id, r]) => [
      /^(Initializer|Executor|Analyzer|Optimizer)Function/.exec(id)?.[1] ?? id,
      r.Properties,
    ]),
  );

/** The state machine's definition, with its function ARNs (tokens) replaced. */
function definitionOf(template: Template): { TimeoutSeconds?: number } {
  const [[, machine] = []] = resources(template, "AWS::StepFunctions::StateMachine");
  const body = machine?.Properties.DefinitionString as { "Fn::Join": [string, unknown[]] } | undefined;
  const join = body?.["Fn::Join"] ?? ["", []];
  return JSON.parse(join[1].map((p) => (typeof p === "string" ? p : "arn")).join(join[0])) as {
    TimeoutSeconds?: number;
  };
}

/** The weekly rule's input, with the crud stack's imports replaced by stand-ins. */
function weeklyInput(template: Template): Record<string, unknown> {
  const [[, rule] = []] = resources(template, "AWS::Events::Rule").filter(
    ([, r]) => r.Properties.ScheduleExpression !== undefined,
  );
  const targets = rule?.Properties.Targets as { Input: { "Fn::Join": [string, unknown[]] } }[];
  const text = (targets[0]?.Input["Fn::Join"][1] ?? [])
    .map((part) => {
      if (typeof part === "string") return part;
      const name = (part as { "Fn::ImportValue": string })["Fn::ImportValue"];
      return name.includes("Items") ? "crud-table" : "crud-arn";
    })
    .join("");
  return JSON.parse(text) as Record<string, unknown>;
}

/** The actions and resources every role's inline policies allow on Step Functions executions. */
function executionResources(template: Template): string[] {
  return resources(template, "AWS::IAM::Role").flatMap(([, role]) =>
    (
      (role.Properties.Policies ?? []) as {
        PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] };
      }[]
    )
      .flatMap((p) => p.PolicyDocument.Statement)
      .filter((s) => s.Action === "states:DescribeExecution")
      .map((s) => JSON.stringify(s.Resource)),
  );
}

/** The construct fails to build, with a ValidationError naming `prop` and saying `text`. */
function expectRefused(options: Options, prop: string, text: string | RegExp, tunerId?: string) {
  const error = expectValidationError(() => build(options, tunerId), prop, text);
  expect(error.message).toContain(prop);
}

describe("PowerTunerStack options left out", () => {
  const { template } = build();

  it("deploy what the stack deployed before the options: the same names, sizes, timeouts and retention", () => {
    template.hasResourceProperties("AWS::StepFunctions::StateMachine", {
      StateMachineName: `${STACKS.tuner}-Tuning`,
    });
    expect(definitionOf(template).TimeoutSeconds).toBe(2 * 3600);
    for (const fn of Object.values(functions(template))) {
      expect(fn.MemorySize).toBe(256);
      expect(fn.Timeout).toBe(900);
      expect(fn.VpcConfig).toBeUndefined();
    }
    const logGroups = resources(template, "AWS::Logs::LogGroup");
    expect(logGroups).toHaveLength(5);
    for (const [, group] of logGroups) expect(group.Properties.RetentionInDays).toBe(30);
    for (const [, role] of resources(template, "AWS::IAM::Role")) {
      expect(role.Properties.PermissionsBoundary).toBeUndefined();
    }
    template.resourceCountIs("AWS::EC2::SecurityGroup", 0);
    template.resourceCountIs("AWS::IAM::ManagedPolicy", 0);
    template.hasResourceProperties("AWS::Events::Rule", {
      ScheduleExpression: "rate(7 days)",
      State: "DISABLED",
    });
  });

  it("give a lock that outlives the 2 h run and the optimizer's 15 minutes after it", () => {
    for (const fn of Object.values(functions(template))) {
      expect((fn.Environment as { Variables: Record<string, string> }).Variables.LOCK_TTL_SECONDS).toBe(
        String(7200 + 900),
      );
    }
  });

  it("keep every default in one object", () => {
    expect(POWER_TUNER_DEFAULTS.totalExecutionTimeout.toSeconds()).toBe(7200);
    expect(POWER_TUNER_DEFAULTS.logRetention).toBe(RetentionDays.ONE_MONTH);
    expect(POWER_TUNER_DEFAULTS.tunerMemorySize).toBe(256);
    expect(POWER_TUNER_DEFAULTS.weeklySchedule.expressionString).toBe("rate(7 days)");
  });
});

describe("PowerTunerStack vpc, vpcSubnets and securityGroups", () => {
  it("put the four functions in the VPC's private subnets with one outbound-only security group the stack makes", () => {
    const { template } = build(({ vpc }) => ({ vpc }));
    const groups = resources(template, "AWS::EC2::SecurityGroup");
    expect(groups).toHaveLength(1);
    const [groupId, group] = groups[0] as [string, Resource];
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    expect(group.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: "0.0.0.0/0", IpProtocol: "-1" }),
    ]);
    const all = Object.values(functions(template));
    expect(all).toHaveLength(4);
    for (const fn of all) {
      const config = fn.VpcConfig as { SecurityGroupIds: unknown[]; SubnetIds: unknown[] };
      expect(config.SecurityGroupIds).toEqual([{ "Fn::GetAtt": [groupId, "GroupId"] }]);
      // The network stack's two private subnets, by export.
      expect(config.SubnetIds).toHaveLength(2);
      expect(JSON.stringify(config.SubnetIds)).toMatch(/PrivateSubnet1.*PrivateSubnet2/);
    }
  });

  it("give every function's role the network interface actions Lambda needs, in one managed policy its role names", () => {
    const { template } = build(({ vpc }) => ({ vpc }));
    const policies = resources(template, "AWS::IAM::ManagedPolicy");
    expect(policies).toHaveLength(1);
    const [policyId, policy] = policies[0] as [string, Resource];
    const statements = (policy.Properties.PolicyDocument as { Statement: { Action: string[] }[] }).Statement;
    expect(statements).toEqual([{ Effect: "Allow", Action: expect.any(Array), Resource: "*" }]);
    // The actions of AWSLambdaVPCAccessExecutionRole, which a role of our own does not get from CDK.
    expect([...(statements[0]?.Action ?? [])].sort()).toEqual([
      "ec2:AssignPrivateIpAddresses",
      "ec2:CreateNetworkInterface",
      "ec2:DeleteNetworkInterface",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeSubnets",
      "ec2:UnassignPrivateIpAddresses",
    ]);
    // Lambda checks the role for them when it creates the function: the role carries the policy, and the
    // function names the role.
    const roles = resources(template, "AWS::IAM::Role").filter(([id]) =>
      /^(Initializer|Executor|Analyzer|Optimizer)Role/.test(id),
    );
    expect(roles).toHaveLength(4);
    for (const [, role] of roles) expect(role.Properties.ManagedPolicyArns).toEqual([{ Ref: policyId }]);
    const stateMachineRoles = resources(template, "AWS::IAM::Role").filter(([id]) => id.startsWith("Tuner"));
    for (const [, role] of stateMachineRoles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it("use the subnets and security groups given, and make no security group then", () => {
    const { template } = build(({ vpc, securityGroup }) => ({
      vpc,
      vpcSubnets: { subnets: vpc.privateSubnets.slice(1, 2) },
      securityGroups: [securityGroup],
    }));
    template.resourceCountIs("AWS::EC2::SecurityGroup", 0);
    for (const fn of Object.values(functions(template))) {
      const config = fn.VpcConfig as { SecurityGroupIds: unknown[]; SubnetIds: unknown[] };
      expect(config.SecurityGroupIds).toHaveLength(1);
      expect(JSON.stringify(config.SecurityGroupIds)).toMatch(/Network:ExportsOutputFnGetAttTuner.*GroupId/);
      expect(config.SubnetIds).toHaveLength(1);
      expect(JSON.stringify(config.SubnetIds)).toMatch(/PrivateSubnet2/);
    }
  });

  it("refuse subnets or security groups without a VPC, and an empty list of security groups", () => {
    expectRefused(
      { vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS } },
      "vpcSubnets",
      /without vpc/,
    );
    const app = new App();
    const other = new Stack(app, "Other", { env });
    const vpc = new Vpc(other, "Vpc", { maxAzs: 1 });
    expectRefused(
      { securityGroups: [new SecurityGroup(other, "Group", { vpc })] },
      "securityGroups",
      /without vpc/,
    );
    let error: unknown;
    try {
      build(({ vpc: ours }) => ({ vpc: ours, securityGroups: [] }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(/securityGroups is empty/);
  });
});

describe("PowerTunerStack permissionsBoundary (StackProps' own)", () => {
  it("bounds every role the stack makes: the four functions', the state machine's and the weekly rule's", () => {
    const { template } = build({ permissionsBoundary: PermissionsBoundary.fromName("team-boundary") });
    const roles = resources(template, "AWS::IAM::Role");
    const ids = roles.map(([id]) => id.replace(/[0-9A-F]{8}$/, "")).sort();
    expect(ids).toEqual(
      [
        "AnalyzerRole",
        "ExecutorRole",
        "InitializerRole",
        "OptimizerRole",
        "TunerStateMachineRole",
        // The weekly rule's target: CDK makes it beside the state machine it starts.
        "TunerStateMachineEventsRole",
      ].sort(),
    );
    for (const [, role] of roles) {
      expect(JSON.stringify(role.Properties.PermissionsBoundary)).toMatch(/:policy\/team-boundary"/);
    }
  });
});

describe("PowerTunerStack stateMachineNamePrefix", () => {
  it("names the state machine <prefix>-Tuning, and the functions' roles its executions by that name", () => {
    const { template } = build({ stateMachineNamePrefix: "team-a_tuner" });
    template.hasResourceProperties("AWS::StepFunctions::StateMachine", {
      StateMachineName: "team-a_tuner-Tuning",
    });
    const executions = executionResources(template);
    expect(executions).toHaveLength(2); // initializer and optimizer
    for (const resource of executions) expect(resource).toContain(":execution:team-a_tuner-Tuning:*");
  });

  it("takes 73 characters, the most that leave room for -Tuning in Step Functions' 80", () => {
    const prefix = "p".repeat(73);
    const { template } = build({ stateMachineNamePrefix: prefix });
    template.hasResourceProperties("AWS::StepFunctions::StateMachine", {
      StateMachineName: `${prefix}-Tuning`,
    });
  });

  it("refuses other characters, an empty prefix, one too long, and a stack name too long to be the default", () => {
    expectRefused(
      { stateMachineNamePrefix: "team a" },
      "stateMachineNamePrefix",
      /other than A-Z, a-z, 0-9, - and _/,
    );
    expectRefused({ stateMachineNamePrefix: "team*" }, "stateMachineNamePrefix", /other than/);
    expectRefused({ stateMachineNamePrefix: "" }, "stateMachineNamePrefix", /other than/);
    expectRefused(
      { stateMachineNamePrefix: "p".repeat(74) },
      "stateMachineNamePrefix",
      /74 characters long: pass at most 73/,
    );
    expectRefused(
      {},
      "stateMachineNamePrefix",
      /is left out, and the stack's name "S{74}" is 74 characters/,
      "S".repeat(74),
    );
  });
});

describe("PowerTunerStack totalExecutionTimeout", () => {
  it("times the run out, keeps the working functions within it, and the lock past it and the optimizer", () => {
    const { template } = build({ totalExecutionTimeout: Duration.minutes(5) });
    expect(definitionOf(template).TimeoutSeconds).toBe(300);
    const fns = functions(template);
    expect(fns.Initializer?.Timeout).toBe(300);
    expect(fns.Executor?.Timeout).toBe(300);
    expect(fns.Analyzer?.Timeout).toBe(300);
    // Invoked by the stopped-run rule after a run ended, it may wait a minute for a lease, then undo the run.
    expect(fns.Optimizer?.Timeout).toBe(900);
    for (const fn of Object.values(fns)) {
      expect((fn.Environment as { Variables: Record<string, string> }).Variables.LOCK_TTL_SECONDS).toBe(
        "1200",
      );
    }
  });

  it("never gives a function more than Lambda's 15 minutes, however long the run", () => {
    const { template } = build({ totalExecutionTimeout: Duration.hours(12) });
    expect(definitionOf(template).TimeoutSeconds).toBe(12 * 3600);
    for (const fn of Object.values(functions(template))) expect(fn.Timeout).toBe(900);
  });

  it("takes the reference tool's least, 10 seconds, and refuses less, more than a year, and parts of a second", () => {
    const { template } = build({ totalExecutionTimeout: Duration.seconds(10) });
    expect(definitionOf(template).TimeoutSeconds).toBe(10);
    expectRefused(
      { totalExecutionTimeout: Duration.seconds(9) },
      "totalExecutionTimeout",
      /9 seconds: pass from 10 seconds to 365 days/,
    );
    expectRefused({ totalExecutionTimeout: Duration.days(366) }, "totalExecutionTimeout", /366 days/);
    expectRefused(
      { totalExecutionTimeout: Duration.millis(10_500) },
      "totalExecutionTimeout",
      /whole number of seconds/,
    );
  });
});

describe("PowerTunerStack logRetention", () => {
  it("sets the retention of every log group the stack makes", () => {
    const { template } = build({ logRetention: RetentionDays.ONE_WEEK });
    const groups = resources(template, "AWS::Logs::LogGroup");
    expect(groups.map(([id]) => id.replace(/[0-9A-F]{8}$/, "")).sort()).toEqual(
      ["AnalyzerLogs", "ExecutorLogs", "InitializerLogs", "OptimizerLogs", "TunerLogs"].sort(),
    );
    for (const [, group] of groups) expect(group.Properties.RetentionInDays).toBe(7);
  });

  it("refuses a number of days CloudWatch Logs does not offer", () => {
    expectRefused({ logRetention: 8 as RetentionDays }, "logRetention", /is 8: pass one of RetentionDays/);
  });
});

describe("PowerTunerStack tunerMemorySize", () => {
  it("sizes the four functions", () => {
    const { template } = build({ tunerMemorySize: 1024 });
    const fns = Object.values(functions(template));
    expect(fns).toHaveLength(4);
    for (const fn of fns) expect(fn.MemorySize).toBe(1024);
  });

  it("refuses less than 128 MB, more than 10240 MB and parts of a MB", () => {
    for (const bad of [127, 10_241, 256.5]) {
      expectRefused(
        { tunerMemorySize: bad },
        "tunerMemorySize",
        `is ${bad}: pass a whole number of MB from 128 to 10240`,
      );
    }
  });
});

describe("PowerTunerStack weekly options", () => {
  it("schedules the rule as asked and gives its input the approval and autoOptimize asked for", () => {
    const manual = build({
      weeklyTuning: true,
      weeklySchedule: Schedule.cron({ minute: "0", hour: "3", weekDay: "MON" }),
      weeklyApproval: "manual",
    }).template;
    manual.hasResourceProperties("AWS::Events::Rule", {
      ScheduleExpression: "cron(0 3 ? * MON *)",
      State: "ENABLED",
    });
    expect(weeklyInput(manual)).toEqual({
      lambdaARN: "crud-arn",
      powerValues: [128, 256, 512, 1024, 1536, 3008],
      num: 50,
      sleepBetweenRunsMs: 30,
      strategy: "balanced",
      payload: crudTuningPayload("crud-table"),
      approval: "manual",
    });
    const auto = build({ weeklyTuning: true, weeklyAutoOptimize: true }).template;
    expect(weeklyInput(auto)).toMatchObject({ autoOptimize: true });
    expect(weeklyInput(auto)).not.toHaveProperty("approval");
    // Report only, as before: neither field.
    const plain = weeklyInput(build({ weeklyTuning: true, weeklyApproval: "auto" }).template);
    expect(plain).not.toHaveProperty("approval");
    expect(plain).not.toHaveProperty("autoOptimize");
  });

  it("refuses a malformed schedule, an unknown approval, and autoOptimize with a manual approval", () => {
    expectRefused(
      { weeklySchedule: Schedule.expression("rate(7 day)") },
      "weeklySchedule",
      /"rate\(7 day\)": the unit is singular/,
    );
    expectRefused(
      { weeklySchedule: Schedule.expression("cron(0 3 * * MON *)") },
      "weeklySchedule",
      /exactly one of day-of-month and day-of-week/,
    );
    expectRefused(
      { weeklyApproval: "later" as "auto" },
      "weeklyApproval",
      /"later": pass "auto" or "manual"/,
    );
    expectRefused(
      { weeklyApproval: "manual", weeklyAutoOptimize: true },
      "weeklyAutoOptimize",
      /only once it is approved/,
    );
  });
});

describe("PowerTunerStack with every option", () => {
  it("passes cdk-nag AwsSolutions with zero findings once the table of accepted wildcards is applied", () => {
    const { tuner } = build(({ vpc }) => ({
      vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      permissionsBoundary: PermissionsBoundary.fromName("team-boundary"),
      stateMachineNamePrefix: "team-a_tuner",
      totalExecutionTimeout: Duration.minutes(30),
      logRetention: RetentionDays.TWO_WEEKS,
      tunerMemorySize: 512,
      weeklyTuning: true,
      weeklySchedule: Schedule.expression("cron(0 3 ? * MON *)"),
      weeklyApproval: "manual",
      payloadS3: { bucket: "team-a-payloads", prefix: "tuning/" },
    }));
    const { unaccepted, accepted } = acknowledgeAcceptedWildcards(tuner);
    const used = new Set(accepted.map((a) => a.entry));
    expect(unaccepted).toEqual([]);
    expect(new AwsSolutionsChecks().validateScope(tuner).violations).toEqual([]);
    // What the options bring is needed here, and every other entry too.
    expect(used.size).toBe(ACCEPTED_WILDCARD_FINDINGS.length);
  });
});
