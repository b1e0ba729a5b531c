import { describe, expect, it } from "vitest";
import { CODE, CODE_DIR, planStack } from "./support.js";

function planFunction(properties: Record<string, unknown>) {
  return planStack({ Fn: { Type: "AWS::Lambda::Function", Properties: { Code: CODE, ...properties } } });
}

describe("function planning", () => {
  it("gives a function Lambda's defaults for every setting its template leaves out", () => {
    expect(planFunction({}).functions).toEqual([
      {
        stack: "S",
        logicalId: "Fn",
        functionName: "S-Fn",
        functionArn: "arn:aws:lambda:us-east-1:000000000000:function:S-Fn",
        codeDir: CODE_DIR,
        handler: "index.handler",
        runtime: "nodejs20.x",
        memorySize: 128,
        timeout: 3,
        architectures: ["x86_64"],
        environment: {},
        tags: {},
      },
    ]);
  });

  it("takes CloudFormation's numeric strings, and keeps non-string environment values as JSON", () => {
    const [fn] = planFunction({
      MemorySize: "512",
      Timeout: 30,
      ReservedConcurrentExecutions: "2",
      Environment: { Variables: { NAME: "x", LIMITS: { max: 3 }, COUNT: 7 } },
      LoggingConfig: { LogFormat: "JSON", LogGroup: { Ref: "AWS::NoValue" } },
      Tags: [{ Key: "n", Value: 1 }],
    }).functions;
    expect(fn).toMatchObject({
      memorySize: 512,
      timeout: 30,
      reservedConcurrency: 2,
      environment: { NAME: "x", LIMITS: '{"max":3}', COUNT: "7" },
      logFormat: "JSON",
      tags: { n: "1" },
    });
  });

  it("names the function and the property when a setting has the wrong shape", () => {
    expect(() => planFunction({ Runtime: "cobol85" })).toThrow(
      /^S\/Fn \(AWS::Lambda::Function\): Runtime: Invalid option: expected one of .*"nodejs22\.x"/,
    );
    expect(() => planFunction({ MemorySize: "lots" })).toThrow(
      /S\/Fn \(AWS::Lambda::Function\): MemorySize: /,
    );
    expect(() => planFunction({ Architectures: "arm64" })).toThrow(/Architectures: .*expected array/);
    expect(() => planFunction({ Environment: { Variables: ["A=1"] } })).toThrow(/Environment\.Variables: /);
  });

  it("refuses code that is not a bundled asset of the assembly", () => {
    expect(() =>
      planStack({
        Fn: { Type: "AWS::Lambda::Function", Properties: { Code: { ZipFile: "exports.handler = 1" } } },
      }),
    ).toThrow("S/Fn: the function's code is not a bundled asset of the cloud assembly");
  });

  it("resolves only the properties it uses: one it ignores may hold what the local cloud cannot resolve", () => {
    const [fn] = planFunction({
      VpcConfig: { SecurityGroupIds: [{ "Fn::GetAtt": ["SecurityGroup", "GroupId"] }] },
      Handler: { "Fn::Join": [".", ["main", "handler"]] },
    }).functions;
    expect(fn?.handler).toBe("main.handler");
  });
});
