import { describe, expect, it } from "vitest";
import { planStack } from "./support.js";

describe("state machine planning", () => {
  it("turns a Definition object into the ASL text Step Functions takes, intrinsics resolved", () => {
    const plan = planStack({
      Machine: {
        Type: "AWS::StepFunctions::StateMachine",
        Properties: {
          StateMachineName: "tuner",
          Definition: {
            StartAt: "A",
            States: { A: { Type: "Pass", Result: { "Fn::Sub": "${AWS::Region}" }, End: true } },
          },
        },
      },
    });
    expect(plan.stateMachines).toEqual([
      {
        stack: "S",
        logicalId: "Machine",
        name: "tuner",
        arn: "arn:aws:states:us-east-1:000000000000:stateMachine:tuner",
        definition: '{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"us-east-1","End":true}}}',
      },
    ]);
  });

  it("refuses a state machine without a definition, or with a definition string that is not text", () => {
    expect(() => planStack({ M: { Type: "AWS::StepFunctions::StateMachine", Properties: {} } })).toThrow(
      "S/M (AWS::StepFunctions::StateMachine): DefinitionString or Definition is required",
    );
    expect(() =>
      planStack({ M: { Type: "AWS::StepFunctions::StateMachine", Properties: { DefinitionString: 42 } } }),
    ).toThrow(/S\/M \(AWS::StepFunctions::StateMachine\): DefinitionString: /);
  });
});
