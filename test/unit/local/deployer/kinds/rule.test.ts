import { describe, expect, it } from "vitest";
import { planStack } from "./support.js";

describe("rule planning", () => {
  it("plans a rule enabled unless its template disables it, with its targets' inputs", () => {
    const plan = planStack({
      Weekly: {
        Type: "AWS::Events::Rule",
        Properties: { ScheduleExpression: "rate(7 days)", Targets: [{ Arn: "arn:t", Id: "t", Input: "{}" }] },
      },
      Paused: {
        Type: "AWS::Events::Rule",
        Properties: { EventPattern: { source: ["x"] }, State: "DISABLED" },
      },
    });
    expect(plan.rules).toEqual([
      {
        stack: "S",
        logicalId: "Weekly",
        name: "S-Weekly",
        scheduleExpression: "rate(7 days)",
        enabled: true,
        targets: [{ arn: "arn:t", input: "{}" }],
      },
      {
        stack: "S",
        logicalId: "Paused",
        name: "S-Paused",
        eventPattern: { source: ["x"] },
        enabled: false,
        targets: [],
      },
    ]);
  });

  it("plans an event-pattern rule with its pattern resolved and its targets' input transformers", () => {
    const plan = planStack({
      Machine: {
        Type: "AWS::StepFunctions::StateMachine",
        Properties: { StateMachineName: "M", DefinitionString: "{}" },
      },
      Stopped: {
        Type: "AWS::Events::Rule",
        Properties: {
          EventPattern: { source: ["aws.states"], detail: { stateMachineArn: [{ Ref: "Machine" }] } },
          Targets: [
            {
              Arn: "arn:aws:lambda:us-east-1:000000000000:function:h",
              Id: "t",
              InputTransformer: {
                InputPathsMap: { name: "$.detail.name" },
                InputTemplate: '{"runId":<name>}',
              },
            },
          ],
        },
      },
    });
    expect(plan.rules).toEqual([
      {
        stack: "S",
        logicalId: "Stopped",
        name: "S-Stopped",
        eventPattern: {
          source: ["aws.states"],
          detail: { stateMachineArn: ["arn:aws:states:us-east-1:000000000000:stateMachine:M"] },
        },
        enabled: true,
        targets: [
          {
            arn: "arn:aws:lambda:us-east-1:000000000000:function:h",
            inputTransformer: { inputPathsMap: { name: "$.detail.name" }, inputTemplate: '{"runId":<name>}' },
          },
        ],
      },
    ]);
  });

  it("names the rule and the target property that has the wrong shape", () => {
    expect(() =>
      planStack({ R: { Type: "AWS::Events::Rule", Properties: { Targets: [{ Id: "t", Input: {} }] } } }),
    ).toThrow(/^S\/R \(AWS::Events::Rule\): Targets\[0\]\.Arn: .*; Targets\[0\]\.Input: /);
  });
});
