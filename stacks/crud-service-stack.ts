// CrudServiceStack: REST API Gateway → Lambda `crud` → DynamoDB table (partition key `id`).
import { CfnOutput, Stack, type StackProps, Validations } from "aws-cdk-lib";
import {
  AccessLogFormat,
  ApiKeySourceType,
  AuthorizationType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  type MethodOptions,
  RestApi,
} from "aws-cdk-lib/aws-apigateway";
import { AttributeType, BillingMode, Table } from "aws-cdk-lib/aws-dynamodb";
import { type Architecture, Runtime } from "aws-cdk-lib/aws-lambda";
import type { NodejsFunction } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { OUTPUTS } from "../contract/index.js";
import { removalPolicyFor, type Stage } from "./config.js";
import { CrudFunction } from "./constructs/crud-function.js";

/** How clients authenticate to the API. */
export type ApiAuthorization = "none" | "iam" | "apiKey";

export interface CrudServiceStackProps extends StackProps {
  /** dev: the table and logs are destroyed with the stack; prod: they are retained. @default "dev" */
  stage?: Stage;
  /** Memory of the `crud` function in MB. @default 128 */
  memorySize?: number;
  /** @default Architecture.ARM_64 */
  architecture?: Architecture;
  /** @default Runtime.NODEJS_22_X */
  runtime?: Runtime;
  /**
   * none: open; iam: SigV4-signed requests (execute-api:Invoke); apiKey: the `x-api-key` header, with a
   * key and usage plan created here.
   * @default "none"
   */
  apiAuthorization?: ApiAuthorization;
}

export class CrudServiceStack extends Stack {
  readonly table: Table;
  /** The `crud` function: the default target of the power tuner. */
  readonly crudFunction: NodejsFunction;
  readonly api: RestApi;

  constructor(scope: Construct, id: string, props: CrudServiceStackProps = {}) {
    super(scope, id, props);
    const stage = props.stage ?? "dev";
    const removalPolicy = removalPolicyFor(stage);
    const authorization = props.apiAuthorization ?? "none";

    this.table = new Table(this, "Items", {
      partitionKey: { name: "id", type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy,
    });

    const crud = new CrudFunction(this, "Crud", {
      table: this.table,
      runtime: props.runtime ?? Runtime.NODEJS_22_X,
      memorySize: props.memorySize ?? 128,
      ...(props.architecture && { architecture: props.architecture }),
      removalPolicy,
    });
    this.crudFunction = crud.function;

    const accessLogs = new LogGroup(this, "ApiAccessLogs", {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    const methodOptions: MethodOptions =
      authorization === "iam"
        ? { authorizationType: AuthorizationType.IAM }
        : authorization === "apiKey"
          ? { apiKeyRequired: true }
          : {};
    this.api = new RestApi(this, "Api", {
      restApiName: `${id}-${stage}`,
      description: "powertune CRUD service: the dispatcher protocol and the /items REST API",
      cloudWatchRole: true,
      ...(authorization === "apiKey" && { apiKeySourceType: ApiKeySourceType.HEADER }),
      defaultMethodOptions: methodOptions,
      deployOptions: {
        stageName: stage,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: MethodLoggingLevel.ERROR,
        metricsEnabled: true,
      },
    });

    // One invoke permission for the whole API instead of one per method (and per test-invoke).
    const integration = new LambdaIntegration(this.crudFunction, { scopePermissionToMethod: false });
    this.api.root.addResource("DynamoDBManager").addMethod("POST", integration);
    const items = this.api.root.addResource("items");
    items.addMethod("GET", integration);
    items.addMethod("POST", integration);
    const item = items.addResource("{id}");
    for (const method of ["GET", "PUT", "PATCH", "DELETE"]) item.addMethod(method, integration);

    if (authorization === "apiKey") {
      const plan = this.api.addUsagePlan("UsagePlan", {
        description: "Clients of the CRUD API",
        throttle: { rateLimit: 100, burstLimit: 200 },
      });
      plan.addApiStage({ stage: this.api.deploymentStage });
      plan.addApiKey(
        this.api.addApiKey("ApiKey", { description: "Key for the CRUD API (x-api-key header)" }),
      );
    }

    // RestApi adds an `Endpoint` output of its own; the API URL output below is the one users copy.
    this.api.node.tryRemoveChild("Endpoint");
    new CfnOutput(this, OUTPUTS.crud.apiUrl, {
      value: this.api.url,
      description: "Base URL of the REST API",
    });
    new CfnOutput(this, OUTPUTS.crud.tableName, {
      value: this.table.tableName,
      description: "DynamoDB table of the items",
    });
    new CfnOutput(this, OUTPUTS.crud.functionArn, {
      value: this.crudFunction.functionArn,
      description: "ARN of the crud function",
    });
    new CfnOutput(this, OUTPUTS.crud.functionName, {
      value: this.crudFunction.functionName,
      description: "Name of the crud function",
    });

    this.acknowledgeAcceptedFindings(authorization);
  }

  // cdk-nag AwsSolutions findings this design accepts, each with its reason (CDK's own acknowledgement
  // mechanism, which cdk-nag reads, so the app does not depend on cdk-nag at synth time).
  private acknowledgeAcceptedFindings(authorization: ApiAuthorization): void {
    const api = Validations.of(this.api);
    api.acknowledge(
      {
        id: "AwsSolutions-APIG2",
        reason:
          "The crud function validates every request itself and answers in the API's documented error format; a gateway validator would answer in another format.",
      },
      {
        id: "AwsSolutions-APIG3",
        reason:
          "WAF is an account-level choice with its own cost; attach a web ACL to the stage when the API is public.",
      },
      {
        id: "AwsSolutions-COG4",
        reason: "The API authorizes with IAM or API keys (apiAuthorization) rather than a Cognito user pool.",
      },
      {
        id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
        reason:
          "API Gateway's account-level CloudWatch role uses AmazonAPIGatewayPushToCloudWatchLogs, the AWS-managed policy made for exactly this.",
      },
    );
    if (authorization !== "iam") {
      api.acknowledge({
        id: "AwsSolutions-APIG4",
        reason:
          authorization === "apiKey"
            ? "Clients authenticate with an API key (x-api-key) through a usage plan, chosen with apiAuthorization."
            : "Authorization is a deployment choice: apiAuthorization 'iam' or 'apiKey' turns it on (see docs/api.md).",
      });
    }
    Validations.of(this.crudFunction).acknowledge({
      id: "AwsSolutions-L1",
      reason:
        "nodejs22.x is a supported LTS runtime and the runtime prop selects a newer one; the bundle targets node20 so the local cloud runs the same code.",
    });
  }
}
