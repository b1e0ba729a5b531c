import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planDeployment, readCloudAssembly } from "../../../../local/deployer/index.js";

const identity = { region: "us-east-1", accountId: "000000000000" };
let outDir: string;

const producer = {
  Resources: {
    Table1: {
      Type: "AWS::DynamoDB::Table",
      Properties: {
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
      },
    },
    Fn1: {
      Type: "AWS::Lambda::Function",
      Properties: {
        Code: { S3Bucket: { "Fn::Sub": "cdk-assets-${AWS::AccountId}" }, S3Key: "abc.zip" },
        Handler: "index.handler",
        Runtime: "nodejs22.x",
        MemorySize: 256,
        Architectures: ["arm64"],
        Environment: { Variables: { TABLE_NAME: { Ref: "Table1" } } },
        Tags: [{ Key: "powertune:cpu-admission", Value: "exempt" }],
      },
    },
    Api1: { Type: "AWS::ApiGateway::RestApi", Properties: { Name: "api" } },
    ItemsResource: {
      Type: "AWS::ApiGateway::Resource",
      Properties: {
        ParentId: { "Fn::GetAtt": ["Api1", "RootResourceId"] },
        PathPart: "items",
        RestApiId: { Ref: "Api1" },
      },
    },
    ItemResource: {
      Type: "AWS::ApiGateway::Resource",
      Properties: { ParentId: { Ref: "ItemsResource" }, PathPart: "{id}", RestApiId: { Ref: "Api1" } },
    },
    ItemGet: {
      Type: "AWS::ApiGateway::Method",
      Properties: {
        HttpMethod: "GET",
        ResourceId: { Ref: "ItemResource" },
        RestApiId: { Ref: "Api1" },
        AuthorizationType: "NONE",
        Integration: {
          Type: "AWS_PROXY",
          Uri: {
            "Fn::Join": [
              "",
              [
                "arn:aws:apigateway:",
                { Ref: "AWS::Region" },
                ":lambda:path/2015-03-31/functions/",
                { "Fn::GetAtt": ["Fn1", "Arn"] },
                "/invocations",
              ],
            ],
          },
        },
      },
    },
    Stage1: { Type: "AWS::ApiGateway::Stage", Properties: { RestApiId: { Ref: "Api1" }, StageName: "prod" } },
    Role1: { Type: "AWS::IAM::Role", Properties: {} },
  },
  Outputs: {
    ApiUrl: {
      Value: {
        "Fn::Join": [
          "",
          [
            "https://",
            { Ref: "Api1" },
            ".execute-api.us-east-1.",
            { Ref: "AWS::URLSuffix" },
            "/",
            { Ref: "Stage1" },
            "/",
          ],
        ],
      },
    },
    FnArnExport: { Value: { "Fn::GetAtt": ["Fn1", "Arn"] }, Export: { Name: "Producer:FnArn" } },
  },
};

const consumer = {
  Resources: {
    Machine: {
      Type: "AWS::StepFunctions::StateMachine",
      Properties: {
        DefinitionString: {
          "Fn::Join": [
            "",
            [
              '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"',
              { "Fn::ImportValue": "Producer:FnArn" },
              '","End":true}}}',
            ],
          ],
        },
      },
    },
    Weekly: {
      Type: "AWS::Events::Rule",
      Properties: {
        ScheduleExpression: "rate(7 days)",
        State: "ENABLED",
        Targets: [{ Arn: { Ref: "Machine" }, Id: "t", Input: '{"num":50}' }],
      },
    },
  },
  Outputs: { StateMachineArn: { Value: { Ref: "Machine" } } },
};

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), "powertune-plan-"));
  await mkdir(join(outDir, "asset.abc"));
  await writeFile(join(outDir, "Producer.template.json"), JSON.stringify(producer));
  await writeFile(join(outDir, "Consumer.template.json"), JSON.stringify(consumer));
  await writeFile(
    join(outDir, "Producer.assets.json"),
    JSON.stringify({
      files: { abc: { source: { path: "asset.abc" }, destinations: { d: { objectKey: "abc.zip" } } } },
    }),
  );
  await writeFile(
    join(outDir, "manifest.json"),
    JSON.stringify({
      artifacts: {
        // Listed consumer-first: the plan must still deploy the producer first.
        Consumer: {
          type: "aws:cloudformation:stack",
          properties: { templateFile: "Consumer.template.json" },
          dependencies: ["Producer"],
        },
        "Producer.assets": { type: "cdk:asset-manifest", properties: { file: "Producer.assets.json" } },
        Producer: {
          type: "aws:cloudformation:stack",
          properties: { templateFile: "Producer.template.json" },
          dependencies: ["Producer.assets"],
        },
      },
    }),
  );
});

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe("planDeployment", () => {
  it("plans tables, functions, routes, state machines and rules with intrinsics resolved to local ARNs", async () => {
    const plan = planDeployment(await readCloudAssembly(outDir), identity);
    expect(plan.tables).toEqual([
      expect.objectContaining({ tableName: "Producer-Table1", timeToLiveAttribute: "expiresAt" }),
    ]);
    const fn = plan.functions[0];
    expect(fn).toMatchObject({
      functionName: "Producer-Fn1",
      functionArn: "arn:aws:lambda:us-east-1:000000000000:function:Producer-Fn1",
      codeDir: join(outDir, "asset.abc"),
      memorySize: 256,
      architectures: ["arm64"],
      environment: { TABLE_NAME: "Producer-Table1" },
      tags: { "powertune:cpu-admission": "exempt" },
    });
    expect(plan.apis[0]?.stageName).toBe("prod");
    expect(plan.apis[0]?.routes).toEqual([
      expect.objectContaining({
        resourcePath: "/items/{id}",
        httpMethod: "GET",
        functionArn: fn?.functionArn,
      }),
    ]);
    const definition = JSON.parse(plan.stateMachines[0]?.definition ?? "{}");
    expect(definition.States.A.Resource).toBe(fn?.functionArn);
    expect(plan.rules[0]).toMatchObject({
      scheduleExpression: "rate(7 days)",
      enabled: true,
      targets: [{ arn: plan.stateMachines[0]?.arn, input: '{"num":50}' }],
    });
  });

  it("writes outputs like --outputs-file and lists every skipped resource type once with its count", async () => {
    const plan = planDeployment(await readCloudAssembly(outDir), identity);
    expect(Object.keys(plan.outputs)).toEqual(["Producer", "Consumer"]);
    expect(plan.outputs.Consumer?.StateMachineArn).toBe(
      "arn:aws:states:us-east-1:000000000000:stateMachine:Consumer-Machine",
    );
    expect(plan.skipped).toEqual({ "AWS::IAM::Role": 1 });
  });
});
