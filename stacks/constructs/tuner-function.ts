// One of the tuner's Lambda functions: arm64, small memory, bundled locally, its own log group and role.
import { fileURLToPath } from "node:url";
import { Duration, type RemovalPolicy, Tags } from "aws-cdk-lib";
import type { ISecurityGroup, IVpc, SubnetSelection } from "aws-cdk-lib/aws-ec2";
import {
  Effect,
  type IManagedPolicy,
  PolicyDocument,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from "aws-cdk-lib/aws-iam";
import { Architecture, type Runtime } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { esmBundling } from "./bundling.js";

/** The tag the local Lambda service reads: the tuner's functions wait on invocations they make. */
export const CPU_ADMISSION_TAG = { key: "powertune:cpu-admission", value: "exempt" } as const;

/** Where a tuner function runs inside a VPC. */
export interface TunerNetwork {
  readonly vpc: IVpc;
  /** @default the VPC's private subnets */
  readonly vpcSubnets?: SubnetSelection;
  readonly securityGroups: ISecurityGroup[];
  /**
   * Lets Lambda manage the function's network interfaces. Given here, not made per function: Lambda checks
   * the role for it when the function is created, so it is attached to the role the function waits for.
   */
  readonly accessPolicy: IManagedPolicy;
}

export interface TunerFunctionProps {
  /** Folder under functions/ holding handler.ts. */
  name: "initializer" | "executor" | "analyzer" | "optimizer";
  description: string;
  runtime: Runtime;
  environment: Record<string, string>;
  /** Permissions beyond writing its own logs. */
  statements: PolicyStatement[];
  /** @default 256 */
  memorySize?: number;
  /** @default Duration.minutes(15) */
  timeout?: Duration;
  /** Of its log group. @default RetentionDays.ONE_MONTH */
  logRetention?: RetentionDays;
  /** @default outside any VPC */
  network?: TunerNetwork;
  removalPolicy: RemovalPolicy;
}

export class TunerFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: TunerFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, "Logs", {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    const role = new Role(this, "Role", {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: `powertune ${props.name}: its own logs and what the state needs`,
      ...(props.network ? { managedPolicies: [props.network.accessPolicy] } : {}),
      inlinePolicies: {
        Tuner: new PolicyDocument({
          statements: [
            new PolicyStatement({
              effect: Effect.ALLOW,
              actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
              resources: [logGroup.logGroupArn],
            }),
            ...props.statements,
          ],
        }),
      },
    });
    this.function = new NodejsFunction(this, "Function", {
      entry: fileURLToPath(new URL(`../../functions/${props.name}/handler.ts`, import.meta.url)),
      handler: "handler",
      description: props.description,
      runtime: props.runtime,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      // Executors wait on num invocations; the initializer on one configuration update per power value.
      timeout: props.timeout ?? Duration.minutes(15),
      role,
      logGroup,
      ...(props.network
        ? {
            vpc: props.network.vpc,
            securityGroups: props.network.securityGroups,
            ...(props.network.vpcSubnets ? { vpcSubnets: props.network.vpcSubnets } : {}),
          }
        : {}),
      environment: props.environment,
      bundling: esmBundling,
    });
    Tags.of(this.function).add(CPU_ADMISSION_TAG.key, CPU_ADMISSION_TAG.value);
  }
}
