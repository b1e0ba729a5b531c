// PowerTunerStack: the tuner's functions, TuningHistory, the state machine, the weekly rule, the cleanup of
// stopped runs, a dashboard.
import { ArnFormat, CfnOutput, Duration, Stack, type StackProps, Token, Validations } from "aws-cdk-lib";
import { Dashboard, GraphWidget, MathExpression } from "aws-cdk-lib/aws-cloudwatch";
import { AttributeType, BillingMode, type ITable, Table } from "aws-cdk-lib/aws-dynamodb";
import { type ISecurityGroup, type IVpc, SecurityGroup, type SubnetSelection } from "aws-cdk-lib/aws-ec2";
import { Rule, RuleTargetInput } from "aws-cdk-lib/aws-events";
import { SfnStateMachine } from "aws-cdk-lib/aws-events-targets";
import { Effect, ManagedPolicy, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { type IFunction, Runtime } from "aws-cdk-lib/aws-lambda";
import type { StateMachine } from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import {
  ARCHITECTURES,
  copyFunctionArn,
  crudTuningInput,
  DEFAULT_POWER_VALUES,
  DEFAULT_VISUALIZATION_URL,
  OUTPUTS,
} from "../contract/index.js";
import { METRICS_NAMESPACE } from "./accepted-wildcards.js";
import { removalPolicyFor, type Stage } from "./config.js";
import { StoppedRunCleanup } from "./constructs/stopped-run-cleanup.js";
import { TunerFunction, type TunerNetwork } from "./constructs/tuner-function.js";
import { TunerStateMachine } from "./constructs/tuner-state-machine.js";
import { ValidationError } from "./errors.js";
import {
  lockTtlSeconds,
  type PowerTunerOptions,
  resolvePowerTunerOptions,
  tunerFunctionTimeouts,
} from "./power-tuner-options.js";

export {
  ACCEPTED_WILDCARD_FINDINGS,
  type AcceptedWildcard,
  METRICS_NAMESPACE,
} from "./accepted-wildcards.js";

/** What the tuner may do to a target: read and change its configuration, version it, alias it, invoke it. */
export const TARGET_ACTIONS = [
  "lambda:GetFunction",
  "lambda:GetFunctionConfiguration",
  "lambda:UpdateFunctionConfiguration",
  "lambda:PublishVersion",
  "lambda:CreateAlias",
  "lambda:UpdateAlias",
  "lambda:DeleteAlias",
  "lambda:DeleteFunction",
  // Cleanup lists the target's aliases and versions to find what a crashed run left unrecorded.
  "lambda:ListAliases",
  "lambda:ListVersionsByFunction",
] as const;

export interface PowerTunerStackProps extends StackProps, PowerTunerOptions {
  /** The function the weekly rule tunes (the CRUD function). */
  defaultTarget: IFunction;
  /** The CRUD table: the weekly input's sample reads (dispatcher `read`/`list`) name it. */
  defaultTargetTable: ITable;
  /** Functions the tuner may change and invoke. @default [defaultTarget] */
  targetFunctionArns?: string[];
  /**
   * Execution roles of the target functions. A run with `architectures` creates a temporary copy of its target
   * on the other architecture with the target's role, so the initializer may pass these roles to Lambda
   * (iam:PassRole); with none, such a run fails at CreateFunction (AccessDenied) and every other run is
   * unaffected.
   * @default the defaultTarget's role when targetFunctionArns is not set, else []
   */
  targetExecutionRoleArns?: string[];
  /** Pre/post-processor functions the executor may invoke. @default [] */
  processorFunctionArns?: string[];
  /**
   * IAM roles, usually in other accounts, that an input's `targetRoleArn` may name: the initializer, executor and
   * optimizer get sts:AssumeRole on exactly these (no statement when the list is empty), and the initializer
   * refuses any other role. Each role's trust policy must trust those three roles, and its own policy allow what
   * the tuner does to the functions it tunes (TARGET_ACTIONS and lambda:InvokeFunction). @default []
   */
  targetRoleArns?: string[];
  /**
   * MB values the weekly rule measures, and the functions use when an input names none.
   * @default DEFAULT_POWER_VALUES (the tuner's defaults)
   */
  defaultPowerValues?: number[];
  /** Power values measured at once; 0 = all. @default 0 */
  maxConcurrency?: number;
  /** @default "dev" */
  stage?: Stage;
  /** @default Runtime.NODEJS_22_X */
  runtime?: Runtime;
  /**
   * The page the output's `stateMachine.visualization` opens: lambda-power-tuning.show, or a company's own copy
   * of it. The run's figures go in the URL's fragment, which the browser keeps to itself.
   * @default "https://lambda-power-tuning.show/"
   */
  visualizationURL?: string;
}

/** The visualizationURL prop, checked: the run's figures become its fragment, so it must not have one. */
export function checkVisualizationUrl(url: string): string {
  if (Token.isUnresolved(url)) return url;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol) || url.includes("#")) {
    throw new Error(
      `PowerTunerStack prop visualizationURL is ${JSON.stringify(url)}: give an http(s) URL without a fragment, e.g. ${DEFAULT_VISUALIZATION_URL}`,
    );
  }
  return url;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** The targetRoleArns prop, checked: each an IAM role ARN, each once. */
export function checkTargetRoleArns(scope: Construct, arns: readonly string[]): string[] {
  arns.forEach((arn, i) => {
    if (Token.isUnresolved(arn)) return;
    if (!ROLE_ARN.test(arn)) {
      throw new ValidationError(
        "targetRoleArns",
        `[${i}] is ${JSON.stringify(arn)}: give IAM role ARNs (arn:aws:iam::ACCOUNT:role/NAME)`,
        scope,
      );
    }
    if (arns.indexOf(arn) !== i) {
      throw new ValidationError("targetRoleArns", `[${i}] lists ${arn} twice: list each role once`, scope);
    }
  });
  return [...arns];
}

/**
 * The IAM resources of a target: the function and its qualified ARNs (versions, the RAM<power> aliases, the
 * version or alias a run tunes). A qualified ARN in the prop names its function.
 */
export function targetResourcesOf(arn: string): string[] {
  const unqualified = Token.isUnresolved(arn)
    ? arn
    : arn.replace(/^(arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+):[^:]+$/, "$1");
  return [unqualified, `${unqualified}:*`];
}

export class PowerTunerStack extends Stack {
  readonly historyTable: Table;
  readonly stateMachine: StateMachine;
  readonly weeklyRule: Rule;
  /** Undoes a run at once when its execution is stopped or times out. */
  readonly stoppedRunCleanup: Rule;
  readonly functions: Record<"initializer" | "executor" | "analyzer" | "optimizer", TunerFunction>;

  constructor(scope: Construct, id: string, props: PowerTunerStackProps) {
    super(scope, id, props);
    const options = resolvePowerTunerOptions(this, this.stackName, props);
    const removalPolicy = removalPolicyFor(props.stage ?? "dev");
    const runtime = props.runtime ?? Runtime.NODEJS_22_X;
    const powerValues = props.defaultPowerValues ?? DEFAULT_POWER_VALUES;
    const visualizationUrl = checkVisualizationUrl(props.visualizationURL ?? DEFAULT_VISUALIZATION_URL);
    const targets = props.targetFunctionArns ?? [props.defaultTarget.functionArn];
    // A run with `architectures` measures a temporary copy of its target, named `<name>-pt-<architecture>`:
    // the same grants reach it by that exact name (and every cleanup looks for it there).
    const copies = targets.flatMap((arn) =>
      ARCHITECTURES.map((architecture) => copyFunctionArn(targetResourcesOf(arn)[0] ?? arn, architecture)),
    );
    // Versions and aliases are qualified ARNs (NAME:QUALIFIER): the grants cover both forms.
    const targetResources = [...new Set([...targets, ...copies].flatMap(targetResourcesOf))];
    const targetRoleArns = checkTargetRoleArns(this, props.targetRoleArns ?? []);
    const copyRoles =
      props.targetExecutionRoleArns ??
      (props.targetFunctionArns === undefined && props.defaultTarget.role
        ? [props.defaultTarget.role.roleArn]
        : []);
    const timeout = options.totalExecutionTimeout;
    const functionTimeouts = tunerFunctionTimeouts(timeout);
    // Named, so its executions' ARN is known to the functions' roles, which the state machine depends on.
    const { stateMachineName } = options;

    this.historyTable = new Table(this, "TuningHistory", {
      partitionKey: { name: "pk", type: AttributeType.STRING },
      sortKey: { name: "sk", type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: "expiresAt",
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy,
    });

    const environment = {
      HISTORY_TABLE: this.historyTable.tableName,
      DEFAULT_POWER_VALUES: JSON.stringify(powerValues),
      // The lock outlives the longest possible run, so only a killed run's lock ever expires.
      LOCK_TTL_SECONDS: String(lockTtlSeconds(timeout)),
      METRICS_NAMESPACE,
      // The initializer refuses a targetRoleArn not listed here, before anything is assumed.
      TARGET_ROLE_ARNS: JSON.stringify(targetRoleArns),
    };
    const tableStatement = new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
      resources: [this.historyTable.tableArn],
    });
    const changeTarget = new PolicyStatement({
      effect: Effect.ALLOW,
      actions: [...TARGET_ACTIONS],
      resources: targetResources,
    });
    // lambda:InvokeFunction is also InvokeWithResponseStream's action (there is no action of its own).
    const invokeTarget = new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ["lambda:InvokeFunction"],
      resources: [...targetResources, ...(props.processorFunctionArns ?? []).flatMap((a) => [a, `${a}:*`])],
    });
    // The lock asks whether the run holding it still runs; cleanup reads a stopped execution's input.
    const describeExecutions = new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ["states:DescribeExecution"],
      resources: [
        this.formatArn({
          service: "states",
          resource: "execution",
          resourceName: `${stateMachineName}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    });
    const putMetrics = new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ["cloudwatch:PutMetricData"],
      // PutMetricData has no resource-level permissions; the namespace condition scopes it.
      resources: ["*"],
      conditions: { StringEquals: { "cloudwatch:namespace": METRICS_NAMESPACE } },
    });

    // The executor reads a version's State before invoking it: a SnapStart version is Pending for minutes.
    const readTargetState = new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ["lambda:GetFunctionConfiguration"],
      resources: targetResources,
    });

    // invokeMode "auto" reads the target's function URL: RESPONSE_STREAM there means the target streams.
    const readFunctionUrl = new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ["lambda:GetFunctionUrlConfig"],
      resources: targetResources,
    });
    // The copy is created with its target's code and execution role: CreateFunction on the copies' exact names,
    // and PassRole on the listed roles, to Lambda only.
    const createCopies =
      copyRoles.length > 0
        ? [
            new PolicyStatement({
              effect: Effect.ALLOW,
              actions: ["lambda:CreateFunction"],
              resources: copies,
            }),
            new PolicyStatement({
              effect: Effect.ALLOW,
              actions: ["iam:PassRole"],
              resources: copyRoles,
              conditions: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
            }),
          ]
        : [];
    const readPayloads = options.payloadS3 ? payloadS3Statements(this, options.payloadS3) : [];
    // A function in another account is reached as a role there: the handlers that call the target assume it.
    const assumeTargetRoles =
      targetRoleArns.length > 0
        ? [
            new PolicyStatement({
              effect: Effect.ALLOW,
              actions: ["sts:AssumeRole"],
              resources: targetRoleArns,
            }),
          ]
        : [];

    const network = this.tunerNetwork(options.network);
    const make = (
      name: TunerFunctionProps["name"],
      description: string,
      statements: PolicyStatement[],
      own: Record<string, string> = {},
    ) =>
      new TunerFunction(this, `${name[0]?.toUpperCase()}${name.slice(1)}`, {
        name,
        description,
        runtime,
        environment: { ...environment, ...own },
        statements,
        memorySize: options.tunerMemorySize,
        timeout: functionTimeouts[name],
        logRetention: options.logRetention,
        ...(network ? { network } : {}),
        removalPolicy,
      });
    this.functions = {
      initializer: make(
        "initializer",
        "powertune: validate input, lock, create a version and alias per power",
        [
          tableStatement,
          changeTarget,
          describeExecutions,
          readFunctionUrl,
          ...assumeTargetRoles,
          ...createCopies,
        ],
      ),
      executor: make("executor", "powertune: invoke one power value num times and parse REPORT lines", [
        invokeTarget,
        readTargetState,
        ...readPayloads,
        ...assumeTargetRoles,
      ]),
      analyzer: make("analyzer", "powertune: statistics, costs, strategy and recommendation", [], {
        VISUALIZATION_URL: visualizationUrl,
      }),
      optimizer: make(
        "optimizer",
        "powertune: apply or record the winner, restore, clean up, record history",
        [tableStatement, changeTarget, describeExecutions, putMetrics, ...assumeTargetRoles],
      ),
    };

    this.stateMachine = new TunerStateMachine(this, "Tuner", {
      stateMachineName,
      initializer: this.functions.initializer.function,
      executor: this.functions.executor.function,
      analyzer: this.functions.analyzer.function,
      optimizer: this.functions.optimizer.function,
      maxConcurrency: props.maxConcurrency ?? 0,
      timeout,
      logRetention: options.logRetention,
      removalPolicy,
    }).stateMachine;

    this.stoppedRunCleanup = new StoppedRunCleanup(this, "StoppedRunCleanup", {
      stateMachine: this.stateMachine,
      optimizer: this.functions.optimizer.function,
    }).rule;

    const { weekly } = options;
    this.weeklyRule = new Rule(this, "WeeklyTuning", {
      description: `Retunes the CRUD function (${weekly.schedule.expressionString})`,
      schedule: weekly.schedule,
      enabled: weekly.enabled,
      targets: [
        new SfnStateMachine(this.stateMachine, {
          // Read-heavy API Gateway events over the seeded sample items: a tuning measures real reads.
          input: RuleTargetInput.fromObject(
            crudTuningInput(
              {
                functionArn: props.defaultTarget.functionArn,
                tableName: props.defaultTargetTable.tableName,
              },
              powerValues,
              { approval: weekly.approval, autoOptimize: weekly.autoOptimize },
            ),
          ),
        }),
      ],
    });

    const search = (metric: string, label: string) =>
      new MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},FunctionName,MemoryMB} MetricName="${metric}"', 'Average', 604800)`,
        label,
        period: Duration.days(7),
      });
    new Dashboard(this, "Dashboard", {
      widgets: [
        [
          new GraphWidget({
            title: "Average duration by memory (ms)",
            left: [search("DurationAverage", "ms")],
            width: 12,
          }),
          new GraphWidget({
            title: "Cost per million invocations by memory (USD)",
            left: [search("CostPerMillionInvocationsUSD", "USD")],
            width: 12,
          }),
        ],
      ],
    });

    // cdk-nag AwsSolutions findings this design accepts. IAM5 (wildcards) is per resource: see
    // ACCEPTED_WILDCARD_FINDINGS in accepted-wildcards.ts.
    for (const fn of Object.values(this.functions)) {
      Validations.of(fn).acknowledge({
        id: "AwsSolutions-L1",
        reason:
          "nodejs22.x is a supported LTS runtime; the bundle targets node20 so the local cloud runs the same code.",
      });
    }

    new CfnOutput(this, OUTPUTS.tuner.stateMachineArn, { value: this.stateMachine.stateMachineArn });
    new CfnOutput(this, OUTPUTS.tuner.historyTableName, { value: this.historyTable.tableName });
  }

  /** The functions' placement in the VPC, if any: one security group and one ENI policy for all four. */
  private tunerNetwork(
    network: { vpc: IVpc; vpcSubnets?: SubnetSelection; securityGroups?: ISecurityGroup[] } | undefined,
  ): TunerNetwork | undefined {
    if (!network) return undefined;
    const securityGroups = network.securityGroups ?? [
      new SecurityGroup(this, "TunerSecurityGroup", {
        vpc: network.vpc,
        description: "powertune functions: no inbound; outbound to the AWS APIs they call",
        allowAllOutbound: true,
      }),
    ];
    const accessPolicy = new ManagedPolicy(this, "TunerVpcAccess", {
      description: "powertune functions: the network interfaces Lambda manages for them in the VPC",
      statements: [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [
            "ec2:CreateNetworkInterface",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSubnets",
            "ec2:DeleteNetworkInterface",
            "ec2:AssignPrivateIpAddresses",
            "ec2:UnassignPrivateIpAddresses",
          ],
          resources: ["*"],
        }),
      ],
    });
    return {
      vpc: network.vpc,
      ...(network.vpcSubnets ? { vpcSubnets: network.vpcSubnets } : {}),
      securityGroups,
      accessPolicy,
    };
  }
}

type TunerFunctionProps = ConstructorParameters<typeof TunerFunction>[2];

/**
 * The executor reads a run's payloadS3 object: GetObject under the prefix, and ListBucket on the bucket (only
 * under the prefix), without which S3 answers a missing key with 403 instead of 404.
 */
function payloadS3Statements(stack: Stack, access: { bucket: string; prefix: string }): PolicyStatement[] {
  const bucketArn = stack.formatArn({ service: "s3", region: "", account: "", resource: access.bucket });
  return [
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ["s3:GetObject"],
      resources: [`${bucketArn}/${access.prefix}*`],
    }),
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ["s3:ListBucket"],
      resources: [bucketArn],
      ...(access.prefix === "" ? {} : { conditions: { StringLike: { "s3:prefix": [`${access.prefix}*`] } } }),
    }),
  ];
}
