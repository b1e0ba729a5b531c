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
      { stack: "S", logicalId: "Paused", name: "S-Paused", enabled: false, targets: [] },
    ]);
  });

  it("names the rule and the target property that has the wrong shape", () => {
    expect(() =>
      planStack({ R: { Type: "AWS::Events::Rule", Properties: { Targets: [{ Id: "t", Input: {} }] } } }),
    ).toThrow(/^S\/R \(AWS::Events::Rule\): Targets\[0\]\.Arn: .*; Targets\[0\]\.Input: /);
  });
});
