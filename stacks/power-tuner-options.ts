// PowerTunerStack's deployment options: what each means, its default, its bounds, and the values derived from
// them (the state machine's name, the functions' timeouts, the lock's TTL). Checked once, before anything is
// built, so a bad value fails synth naming the prop.
import { Duration, Token } from "aws-cdk-lib";
import type { ISecurityGroup, IVpc, SubnetSelection } from "aws-cdk-lib/aws-ec2";
import { Schedule } from "aws-cdk-lib/aws-events";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { IConstruct } from "constructs";
import { bucketNameProblem } from "../contract/index.js";
import { ValidationError } from "./errors.js";
import { scheduleExpressionProblem } from "./schedule-expression.js";

export type WeeklyApproval = "auto" | "manual";

/** The S3 objects a run's payloadS3 may name. */
export interface PayloadS3Access {
  /** The bucket's name (not its ARN). */
  readonly bucket: string;
  /**
   * Only keys that start with this (e.g. `tuning/`); a literal prefix, the stack adds the wildcard.
   * @default "" (every key in the bucket)
   */
  readonly prefix?: string;
}

/**
 * The options the reference tool's template takes as parameters, and the weekly rule's. Its
 * `permissionsBoundary` is StackProps' own: CDK applies it to every IAM role of the stack, including the ones
 * it makes for the state machine and the weekly rule's target.
 */
export interface PowerTunerOptions {
  /**
   * The VPC the tuner's four functions run in. They call the Lambda, Step Functions, DynamoDB and CloudWatch
   * APIs, so its subnets need a NAT gateway or VPC endpoints for those. @default outside any VPC
   */
  readonly vpc?: IVpc;
  /** The functions' subnets in `vpc`. @default the VPC's private subnets */
  readonly vpcSubnets?: SubnetSelection;
  /** The functions' security groups in `vpc`. @default one security group the stack makes, outbound only */
  readonly securityGroups?: ISecurityGroup[];
  /**
   * The state machine is named `<prefix>-Tuning`: 1 to 73 letters, digits, `-` and `_`. The name is fixed
   * because the functions' roles name its executions' ARNs. @default the stack's name
   */
  readonly stateMachineNamePrefix?: string;
  /**
   * How long a run may take; Step Functions then times it out and the stopped-run cleanup undoes it. Whole
   * seconds, from 10 seconds to 365 days. The lock's TTL follows it, and no function outlasts it except the
   * optimizer (see `tunerFunctionTimeouts`). @default Duration.hours(2)
   */
  readonly totalExecutionTimeout?: Duration;
  /** Retention of every log group the stack makes (the four functions', the state machine's). @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Memory of the tuner's four functions, MB: a whole number from 128 to 10240. @default 256 */
  readonly tunerMemorySize?: number;
  /** Turns the weekly retuning rule on. @default false */
  readonly weeklyTuning?: boolean;
  /** When the weekly rule starts a run: `rate(…)` or `cron(…)`. @default Schedule.rate(Duration.days(7)) */
  readonly weeklySchedule?: Schedule;
  /**
   * `manual`: each weekly recommendation waits in TuningHistory for `powertune approve` (the input carries
   * `"approval": "manual"`). `auto`: it is reported, or applied with `weeklyAutoOptimize`. @default "auto"
   */
  readonly weeklyApproval?: WeeklyApproval;
  /** The weekly run applies its winner at the end (`"autoOptimize": true`); not with a manual approval. @default false */
  readonly weeklyAutoOptimize?: boolean;
  /**
   * The S3 objects a run's `payloadS3` input may name: the executor, and no other function, may read the objects
   * under `prefix` in `bucket` (s3:GetObject) and list the bucket under that prefix (s3:ListBucket, so that a
   * missing key reads as 404 NoSuchKey rather than 403 AccessDenied). The reference tool's `payloadS3Bucket` and
   * `payloadS3Key`. @default none: the tuner has no S3 access at all, and a run with payloadS3 fails with
   * AccessDenied, naming this prop
   */
  readonly payloadS3?: PayloadS3Access;
}

/** The defaults of PowerTunerOptions, in one place. */
export const POWER_TUNER_DEFAULTS = {
  totalExecutionTimeout: Duration.hours(2),
  logRetention: RetentionDays.ONE_MONTH,
  tunerMemorySize: 256,
  weeklyTuning: false,
  weeklySchedule: Schedule.rate(Duration.days(7)),
  weeklyApproval: "auto",
  weeklyAutoOptimize: false,
} as const;

/** Step Functions names are at most 80 characters; the name ends in this. */
export const STATE_MACHINE_NAME_SUFFIX = "-Tuning";
const STATE_MACHINE_NAME_MAX = 80;
const PREFIX = /^[A-Za-z0-9_-]+$/;
/** The reference tool's lower bound; the upper one is a standard workflow's longest execution. */
const TOTAL_TIMEOUT_BOUNDS = { min: Duration.seconds(10), max: Duration.days(365) };
/** Lambda's bounds for a function's memory, MB. */
const MEMORY_BOUNDS = { min: 128, max: 10_240 };
/** A Lambda function's longest timeout. */
export const LAMBDA_MAX_TIMEOUT = Duration.minutes(15);

/** Every value CloudWatch Logs accepts as a retention: RetentionDays' members (a numeric enum). */
const RETENTION_DAYS = new Set(
  Object.values(RetentionDays).filter((v): v is number => typeof v === "number"),
);

/**
 * The functions' timeouts for a run of at most `total`. The initializer, the executor and the analyzer run
 * inside the execution, so none gets longer than the whole run (nor than Lambda's 15 minutes). The optimizer
 * always gets Lambda's longest: invoked by the stopped-run rule after a run ended, it may wait a minute for a
 * lease before it undoes the run, however short the run was.
 */
export function tunerFunctionTimeouts(total: Duration) {
  const withinRun = total.toSeconds() < LAMBDA_MAX_TIMEOUT.toSeconds() ? total : LAMBDA_MAX_TIMEOUT;
  return { initializer: withinRun, executor: withinRun, analyzer: withinRun, optimizer: LAMBDA_MAX_TIMEOUT };
}

/**
 * Seconds the lock lives: the longest run plus the longest any of its handlers may go on after the execution
 * ended (Step Functions does not stop a Lambda invocation with its execution). An expired lock is taken over at
 * once, so only a run whose handlers were all killed ever sees its lock expire.
 */
export function lockTtlSeconds(total: Duration): number {
  const timeouts = Object.values(tunerFunctionTimeouts(total));
  return total.toSeconds() + Math.max(...timeouts.map((t) => t.toSeconds()));
}

/** The options with their defaults applied, and what follows from them; checked. */
export interface ResolvedPowerTunerOptions {
  stateMachineName: string;
  totalExecutionTimeout: Duration;
  logRetention: RetentionDays;
  tunerMemorySize: number;
  network?: { vpc: IVpc; vpcSubnets?: SubnetSelection; securityGroups?: ISecurityGroup[] };
  payloadS3?: { bucket: string; prefix: string };
  weekly: {
    enabled: boolean;
    schedule: Schedule;
    approval: WeeklyApproval;
    autoOptimize: boolean;
  };
}

/**
 * Checks `options` and applies the defaults. A value that cannot be deployed raises a ValidationError naming
 * the prop, its value and the fix.
 *
 * @param stackName the default prefix of the state machine's name
 */
export function resolvePowerTunerOptions(
  scope: IConstruct,
  stackName: string,
  options: PowerTunerOptions,
): ResolvedPowerTunerOptions {
  const fail = (prop: keyof PowerTunerOptions, problem: string): never => {
    throw new ValidationError(prop, problem, scope);
  };

  const prefix = options.stateMachineNamePrefix ?? stackName;
  const maxPrefix = STATE_MACHINE_NAME_MAX - STATE_MACHINE_NAME_SUFFIX.length;
  if (!Token.isUnresolved(prefix)) {
    const given = options.stateMachineNamePrefix !== undefined;
    const what = given
      ? `is ${JSON.stringify(prefix)}`
      : `is left out, and the stack's name ${JSON.stringify(prefix)}`;
    if (!PREFIX.test(prefix))
      fail(
        "stateMachineNamePrefix",
        `${what} has characters other than A-Z, a-z, 0-9, - and _: pass one that has none`,
      );
    if (prefix.length > maxPrefix)
      fail(
        "stateMachineNamePrefix",
        `${what} is ${prefix.length} characters long: pass at most ${maxPrefix}, so that <prefix>${STATE_MACHINE_NAME_SUFFIX} fits Step Functions' ${STATE_MACHINE_NAME_MAX}`,
      );
  }

  const total = options.totalExecutionTimeout ?? POWER_TUNER_DEFAULTS.totalExecutionTimeout;
  const bounds = `from ${TOTAL_TIMEOUT_BOUNDS.min.toHumanString()} to ${TOTAL_TIMEOUT_BOUNDS.max.toHumanString()}`;
  let totalSeconds: number;
  try {
    totalSeconds = total.toSeconds();
  } catch {
    return fail(
      "totalExecutionTimeout",
      `is ${total.toHumanString()}: pass a whole number of seconds, ${bounds}`,
    );
  }
  if (
    totalSeconds < TOTAL_TIMEOUT_BOUNDS.min.toSeconds() ||
    totalSeconds > TOTAL_TIMEOUT_BOUNDS.max.toSeconds()
  ) {
    fail("totalExecutionTimeout", `is ${total.toHumanString()}: pass ${bounds}`);
  }

  const logRetention = options.logRetention ?? POWER_TUNER_DEFAULTS.logRetention;
  if (!RETENTION_DAYS.has(logRetention)) {
    fail(
      "logRetention",
      `is ${JSON.stringify(logRetention)}: pass one of RetentionDays (CloudWatch Logs takes only those numbers of days)`,
    );
  }

  const memory = options.tunerMemorySize ?? POWER_TUNER_DEFAULTS.tunerMemorySize;
  if (!Number.isInteger(memory) || memory < MEMORY_BOUNDS.min || memory > MEMORY_BOUNDS.max) {
    fail(
      "tunerMemorySize",
      `is ${JSON.stringify(memory)}: pass a whole number of MB from ${MEMORY_BOUNDS.min} to ${MEMORY_BOUNDS.max}`,
    );
  }

  if (!options.vpc) {
    if (options.vpcSubnets)
      fail("vpcSubnets", "is given without vpc: pass vpc as well, or leave vpcSubnets out");
    if (options.securityGroups)
      fail("securityGroups", "is given without vpc: pass vpc as well, or leave securityGroups out");
  } else if (options.securityGroups?.length === 0) {
    fail("securityGroups", "is empty: pass at least one, or leave it out for one the stack makes");
  }

  const schedule = options.weeklySchedule ?? POWER_TUNER_DEFAULTS.weeklySchedule;
  const expression = schedule.expressionString;
  const scheduleProblem = Token.isUnresolved(expression) ? undefined : scheduleExpressionProblem(expression);
  if (scheduleProblem) fail("weeklySchedule", `is ${JSON.stringify(expression)}: ${scheduleProblem}`);
  const approval = options.weeklyApproval ?? POWER_TUNER_DEFAULTS.weeklyApproval;
  if (approval !== "auto" && approval !== "manual") {
    fail("weeklyApproval", `is ${JSON.stringify(approval)}: pass "auto" or "manual"`);
  }
  const autoOptimize = options.weeklyAutoOptimize ?? POWER_TUNER_DEFAULTS.weeklyAutoOptimize;
  if (autoOptimize && approval === "manual") {
    fail(
      "weeklyAutoOptimize",
      'is true with weeklyApproval "manual", which applies a recommendation only once it is approved: leave one of them out',
    );
  }

  const payloadS3 = options.payloadS3 ? checkPayloadS3(options.payloadS3, fail) : undefined;

  return {
    stateMachineName: `${prefix}${STATE_MACHINE_NAME_SUFFIX}`,
    totalExecutionTimeout: total,
    logRetention,
    tunerMemorySize: memory,
    ...(options.vpc
      ? {
          network: {
            vpc: options.vpc,
            ...(options.vpcSubnets ? { vpcSubnets: options.vpcSubnets } : {}),
            ...(options.securityGroups ? { securityGroups: options.securityGroups } : {}),
          },
        }
      : {}),
    ...(payloadS3 ? { payloadS3 } : {}),
    weekly: {
      enabled: options.weeklyTuning ?? POWER_TUNER_DEFAULTS.weeklyTuning,
      schedule,
      approval,
      autoOptimize,
    },
  };
}

/** S3's longest key, in bytes of UTF-8: a longer prefix matches nothing. */
const MAX_KEY_BYTES = 1024;

/** The payloadS3 prop, checked: a bucket's name and a literal key prefix. */
function checkPayloadS3(
  access: PayloadS3Access,
  fail: (prop: keyof PowerTunerOptions, problem: string) => never,
): { bucket: string; prefix: string } {
  const { bucket } = access;
  const prefix = access.prefix ?? "";
  if (!Token.isUnresolved(bucket)) {
    if (bucket.startsWith("arn:") || bucket.startsWith("s3://")) {
      fail(
        "payloadS3",
        `bucket is ${JSON.stringify(bucket)}: pass the bucket's name alone, e.g. { bucket: "my-payloads" }`,
      );
    }
    const problem = bucketNameProblem(bucket);
    if (problem) fail("payloadS3", `bucket is ${problem}`);
  }
  if (!Token.isUnresolved(prefix)) {
    if (/[*?]/.test(prefix)) {
      fail(
        "payloadS3",
        `prefix is ${JSON.stringify(prefix)}: pass a literal key prefix such as "tuning/" (the stack adds the wildcard itself)`,
      );
    }
    if (prefix.startsWith("/")) {
      fail(
        "payloadS3",
        `prefix is ${JSON.stringify(prefix)}: S3 keys do not start with "/"; pass ${JSON.stringify(prefix.replace(/^\/+/, ""))}`,
      );
    }
    if (new TextEncoder().encode(prefix).length > MAX_KEY_BYTES) {
      fail("payloadS3", `prefix is longer than S3's ${MAX_KEY_BYTES}-byte keys: pass a shorter one`);
    }
  }
  return { bucket, prefix };
}
