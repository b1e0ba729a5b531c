import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { Architecture } from "aws-cdk-lib/aws-lambda";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import { OUTPUTS, STACKS } from "../../../contract/index.js";
import { parseStage } from "../../../stacks/config.js";
import { CRUD_TABLE_ACTIONS } from "../../../stacks/constructs/crud-function.js";
import { CrudServiceStack, type CrudServiceStackProps } from "../../../stacks/crud-service-stack.js";

const env = { account: "000000000000", region: "us-east-1" };

function synth(props: CrudServiceStackProps = {}) {
  const app = new App();
  const stack = new CrudServiceStack(app, STACKS.crud, { env, ...props });
  return { stack, template: Template.fromStack(stack) };
}

const defaults = synth();
const tableLogicalId = Object.keys(defaults.template.findResources("AWS::DynamoDB::Table"))[0] as string;

describe("CrudServiceStack", () => {
  it("creates one on-demand table keyed by the string attribute id, with point-in-time recovery", () => {
    defaults.template.resourceCountIs("AWS::DynamoDB::Table", 1);
    defaults.template.hasResourceProperties("AWS::DynamoDB::Table", {
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      BillingMode: "PAY_PER_REQUEST",
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it("destroys the table with the stack in dev and retains it in prod", () => {
    defaults.template.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Delete",
      UpdateReplacePolicy: "Delete",
    });
    synth({ stage: "prod" }).template.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
    });
  });

  it("reads the stage from context, refusing unknown values with the fix", () => {
    expect(parseStage(undefined)).toBe("dev");
    expect(parseStage("prod")).toBe("prod");
    expect(() => parseStage("staging")).toThrow(/-c stage=dev or -c stage=prod/);
  });

  it("runs the crud function on Node.js 22, arm64, 128 MB by default, with the table name in its environment", () => {
    defaults.template.hasResourceProperties("AWS::Lambda::Function", {
      Runtime: "nodejs22.x",
      Architectures: ["arm64"],
      MemorySize: 128,
      Handler: "index.handler",
      Environment: { Variables: { TABLE_NAME: { Ref: tableLogicalId }, LOG_PAYLOADS: "false" } },
    });
  });

  it("takes the memory size and architecture as props", () => {
    synth({ memorySize: 512, architecture: Architecture.X86_64 }).template.hasResourceProperties(
      "AWS::Lambda::Function",
      { MemorySize: 512, Architectures: ["x86_64"] },
    );
  });

  it("grants exactly the five item actions on this table's ARN, and logs on its own log group only", () => {
    const roles = defaults.template.findResources("AWS::IAM::Role", {
      Properties: { AssumeRolePolicyDocument: Match.objectLike({}), Policies: Match.anyValue() },
    });
    const [role] = Object.values(roles) as {
      Properties: { Policies: PolicyLike[]; ManagedPolicyArns?: unknown };
    }[];
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = (role?.Properties.Policies ?? []).flatMap((policy) => policy.PolicyDocument.Statement);
    const dynamo = statements.filter((s) => toArray(s.Action).some((a) => a.startsWith("dynamodb:")));
    expect(dynamo).toHaveLength(1);
    expect([...toArray(dynamo[0]?.Action)].sort()).toEqual([...CRUD_TABLE_ACTIONS].sort());
    expect(dynamo[0]?.Resource).toEqual({ "Fn::GetAtt": [tableLogicalId, "Arn"] });
    const logs = statements.filter((s) => toArray(s.Action).some((a) => a.startsWith("logs:")));
    expect(logs).toHaveLength(1);
    expect(JSON.stringify(logs[0]?.Resource)).toMatch(/"Fn::GetAtt":\["CrudLogs[0-9A-F]+","Arn"\]/);
    for (const statement of statements) expect(JSON.stringify(statement.Resource)).not.toBe('"*"');
    // No other policy in the stack grants DynamoDB access.
    const policies = defaults.template.findResources("AWS::IAM::Policy");
    expect(JSON.stringify(policies)).not.toContain("dynamodb:");
  });

  it("routes POST /DynamoDBManager, GET/POST /items and GET/PUT/PATCH/DELETE /items/{id} to the crud function", () => {
    const resources = defaults.template.findResources("AWS::ApiGateway::Resource");
    const pathParts = Object.values(resources).map(
      (r) => (r as { Properties: { PathPart: string } }).Properties.PathPart,
    );
    expect(pathParts.sort()).toEqual(["DynamoDBManager", "items", "{id}"]);
    const methods = Object.values(defaults.template.findResources("AWS::ApiGateway::Method")) as {
      Properties: { HttpMethod: string; Integration: { Type: string }; AuthorizationType: string };
    }[];
    expect(methods.map((m) => m.Properties.HttpMethod).sort()).toEqual(
      ["POST", "GET", "POST", "GET", "PUT", "PATCH", "DELETE"].sort(),
    );
    for (const method of methods) {
      expect(method.Properties.Integration.Type).toBe("AWS_PROXY");
      expect(method.Properties.AuthorizationType).toBe("NONE");
    }
    defaults.template.hasResourceProperties("AWS::ApiGateway::Stage", { StageName: "dev" });
  });

  it("outputs the API URL, the table name, and the function's ARN and name", () => {
    const outputs = defaults.template.findOutputs("*");
    expect(Object.keys(outputs).sort()).toEqual(Object.values(OUTPUTS.crud).sort());
    expect(outputs[OUTPUTS.crud.tableName]?.Value).toEqual({ Ref: tableLogicalId });
    expect(JSON.stringify(outputs[OUTPUTS.crud.functionArn]?.Value)).toContain('"Arn"]');
  });

  it("requires SigV4 on every method when apiAuthorization is iam", () => {
    const { template } = synth({ apiAuthorization: "iam" });
    const methods = Object.values(template.findResources("AWS::ApiGateway::Method"));
    expect(methods).toHaveLength(7);
    for (const method of methods)
      expect(method).toMatchObject({ Properties: { AuthorizationType: "AWS_IAM" } });
  });

  it("requires an API key on every method, with a key and usage plan, when apiAuthorization is apiKey", () => {
    const { template } = synth({ apiAuthorization: "apiKey" });
    const methods = Object.values(template.findResources("AWS::ApiGateway::Method"));
    for (const method of methods) expect(method).toMatchObject({ Properties: { ApiKeyRequired: true } });
    template.resourceCountIs("AWS::ApiGateway::ApiKey", 1);
    template.resourceCountIs("AWS::ApiGateway::UsagePlan", 1);
    template.resourceCountIs("AWS::ApiGateway::UsagePlanKey", 1);
  });

  it.each(["none", "iam", "apiKey"] as const)(
    "passes cdk-nag AwsSolutions with apiAuthorization %s (accepted findings carry reasons)",
    (apiAuthorization) => {
      const { stack } = synth({ apiAuthorization, stage: "prod" });
      const report = new AwsSolutionsChecks().validateScope(stack);
      expect(
        report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath)}`),
      ).toEqual([]);
      expect(report.success).toBe(true);
    },
  );
});

interface PolicyLike {
  PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] };
}

function toArray(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
