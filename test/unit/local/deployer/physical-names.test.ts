import { describe, expect, it } from "vitest";
import { physicalValues } from "../../../../local/deployer/physical-names.js";
import { skippedSummary } from "../../../../local/deployer/skipped-types.js";
import { DEFAULT_IDENTITY } from "../../../../local/shared/identity.js";

describe("physical names", () => {
  it("uses the name a template gives, else <stack>-<logicalId>", () => {
    const named = physicalValues(
      "S",
      "Fn",
      { Type: "AWS::Lambda::Function", Properties: { FunctionName: "crud" } },
      DEFAULT_IDENTITY,
    );
    expect(named).toEqual({
      ref: "crud",
      attributes: { Arn: "arn:aws:lambda:us-east-1:000000000000:function:crud" },
    });
    expect(physicalValues("S", "Fn", { Type: "AWS::Lambda::Function" }, DEFAULT_IDENTITY).ref).toBe("S-Fn");
  });

  it("shortens a made-up name to what the type allows, keeping it unique with a hash", () => {
    const logicalId = "A".repeat(70);
    const a = physicalValues("Stack", logicalId, { Type: "AWS::Lambda::Function" }, DEFAULT_IDENTITY).ref;
    const b = physicalValues(
      "Stack",
      `${logicalId}B`,
      { Type: "AWS::Lambda::Function" },
      DEFAULT_IDENTITY,
    ).ref;
    expect(a).toHaveLength(64);
    expect(b).toHaveLength(64);
    expect(a).not.toBe(b);
  });
});

describe("skipped types", () => {
  it("summarizes the skipped types with their counts, and says nothing when none was skipped", () => {
    expect(skippedSummary({ "AWS::IAM::Role": 8, "AWS::Logs::LogGroup": 1 })).toBe(
      "not emulated (skipped): AWS::IAM::Role ×8, AWS::Logs::LogGroup ×1",
    );
    expect(skippedSummary({})).toBeUndefined();
  });
});
