// The `crud` Lambda function: bundled locally with esbuild, its own log group, a least-privilege role.
import { fileURLToPath } from "node:url";
import { Duration, type RemovalPolicy } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, type Runtime } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { esmBundling } from "./bundling.js";

/** Exactly the DynamoDB actions the handler sends (see sendDbCommand in functions/crud/document-client.ts). */
export const CRUD_TABLE_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:Scan",
] as const;

export interface CrudFunctionProps {
  table: ITable;
  runtime: Runtime;
  /** @default 128 */
  memorySize?: number;
  /** @default Architecture.ARM_64 */
  architecture?: Architecture;
  /** Applies to the log group. */
  removalPolicy: RemovalPolicy;
}

export class CrudFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: CrudFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, "Logs", {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    // An explicit role instead of the AWS-managed basic execution policy: logs go to this log group only.
    const role = new Role(this, "Role", {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: "crud function: its own logs, and item reads and writes on the service's table",
      inlinePolicies: {
        Logs: new PolicyDocument({
          statements: [
            new PolicyStatement({
              effect: Effect.ALLOW,
              actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
              resources: [`${this.logGroup.logGroupArn}`],
            }),
          ],
        }),
        Table: new PolicyDocument({
          statements: [
            new PolicyStatement({
              effect: Effect.ALLOW,
              actions: [...CRUD_TABLE_ACTIONS],
              resources: [props.table.tableArn],
            }),
          ],
        }),
      },
    });

    this.function = new NodejsFunction(this, "Function", {
      entry: fileURLToPath(new URL("../../functions/crud/handler.ts", import.meta.url)),
      handler: "handler",
      runtime: props.runtime,
      architecture: props.architecture ?? Architecture.ARM_64,
      memorySize: props.memorySize ?? 128,
      timeout: Duration.seconds(10),
      role,
      logGroup: this.logGroup,
      environment: { TABLE_NAME: props.table.tableName, LOG_PAYLOADS: "false" },
      bundling: esmBundling,
    });
  }
}
