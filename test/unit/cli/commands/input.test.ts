import { describe, expect, it } from "vitest";
import { parseApprovalMode, tuningInputFor } from "../../../../cli/commands/input.js";
import { crudTuningPayload, DEFAULT_POWER_VALUES, OUTPUTS, STACKS } from "../../../../contract/index.js";

const FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:CrudService-CrudFunction-abc";
const source = {
  where: "--outputs-file outputs.json",
  outputs: {
    [STACKS.crud]: {
      [OUTPUTS.crud.functionArn]: FUNCTION_ARN,
      [OUTPUTS.crud.tableName]: "CrudService-Items",
    },
  },
};

describe("powertune input", () => {
  it("is the weekly rule's input for the deployment: its function, its table in the payload, default powers, num 50 30 ms apart", () => {
    expect(tuningInputFor(source, undefined)).toEqual({
      lambdaARN: FUNCTION_ARN,
      powerValues: [...DEFAULT_POWER_VALUES],
      num: 50,
      sleepBetweenRunsMs: 30,
      strategy: "balanced",
      payload: crudTuningPayload("CrudService-Items"),
    });
  });

  it("auto adds autoOptimize, manual adds approval manual (and no autoOptimize)", () => {
    expect(tuningInputFor(source, "auto")).toMatchObject({ autoOptimize: true });
    expect(tuningInputFor(source, "auto")).not.toHaveProperty("approval");
    expect(tuningInputFor(source, "manual")).toMatchObject({ approval: "manual" });
    expect(tuningInputFor(source, "manual")).not.toHaveProperty("autoOptimize");
  });

  it("refuses outputs without the crud function or its table, naming the output and where it looked", () => {
    const noTable = { ...source, outputs: { [STACKS.crud]: { [OUTPUTS.crud.functionArn]: FUNCTION_ARN } } };
    expect(() => tuningInputFor(noTable, "auto")).toThrow(
      "--outputs-file outputs.json has no CrudService TableName output: deploy the app first",
    );
    expect(() => tuningInputFor({ ...source, outputs: {} }, "auto")).toThrow("CrudService FunctionArn");
  });

  it("--approval takes auto or manual; anything else is a usage error naming the flag", () => {
    expect(parseApprovalMode("auto")).toBe("auto");
    expect(parseApprovalMode("manual")).toBe("manual");
    expect(parseApprovalMode(undefined)).toBeUndefined();
    for (const bad of ["Manual", "", "repository default"]) {
      expect(() => parseApprovalMode(bad)).toThrow(`--approval must be auto or manual, got "${bad}"`);
    }
  });
});
