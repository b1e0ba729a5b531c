import { describe, expect, it } from "vitest";
import { OUTPUTS, outputLabel, STACKS, stackOutput } from "../../../contract/index.js";

describe("the stacks' contract", () => {
  it("keeps the stack ids and output names users copy (cdk deploy, jq on --outputs-file)", () => {
    expect(STACKS).toEqual({ crud: "CrudService", tuner: "PowerTuner", githubAccess: "GitHubAccess" });
    expect(OUTPUTS).toEqual({
      crud: {
        apiUrl: "ApiUrl",
        tableName: "TableName",
        functionArn: "FunctionArn",
        functionName: "FunctionName",
      },
      tuner: { stateMachineArn: "StateMachineArn", historyTableName: "HistoryTableName" },
      githubAccess: {
        deployRoleArn: "DeployRoleArn",
        historyTableName: "HistoryTableName",
        tunedFunctionName: "TunedFunctionName",
      },
    });
  });

  it("reads an output from outputs shaped like --outputs-file, undefined when the stack or output is missing", () => {
    const outputs = { [STACKS.tuner]: { [OUTPUTS.tuner.stateMachineArn]: "arn:machine" } };
    expect(stackOutput(outputs, "tuner", "stateMachineArn")).toBe("arn:machine");
    expect(stackOutput(outputs, "tuner", "historyTableName")).toBeUndefined();
    expect(stackOutput(outputs, "crud", "apiUrl")).toBeUndefined();
  });

  it("names an output by its stack and output name", () => {
    expect(outputLabel("tuner", "stateMachineArn")).toBe(`${STACKS.tuner} ${OUTPUTS.tuner.stateMachineArn}`);
  });
});
