import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseOutputsJson, readOutputsFile, requireOutput } from "../../../cli/outputs-file.js";
import { UsageError } from "../../../cli/usage-error.js";

const scratch = mkdtempSync(join(tmpdir(), "powertune-outputs-"));

describe("a deployment's outputs file", () => {
  it("reads what `cdk deploy --outputs-file` writes, and finds outputs through the contract", async () => {
    const file = join(scratch, "outputs.json");
    writeFileSync(
      file,
      JSON.stringify({ PowerTuner: { StateMachineArn: "arn:aws:states:us-east-1:1:stateMachine:T" } }),
    );
    const source = await readOutputsFile(file);
    expect(source.where).toBe(`--outputs-file ${file}`);
    expect(requireOutput(source, "tuner", "stateMachineArn")).toBe(
      "arn:aws:states:us-east-1:1:stateMachine:T",
    );
    expect(() => requireOutput(source, "tuner", "historyTableName")).toThrow(
      `--outputs-file ${file} has no PowerTuner HistoryTableName output: deploy the app first`,
    );
  });

  it("refuses a missing file, bad JSON and another shape with a usage error naming the file", async () => {
    const missing = join(scratch, "nope.json");
    await expect(readOutputsFile(missing)).rejects.toThrow(`--outputs-file ${missing}: no such file`);
    await expect(readOutputsFile(missing)).rejects.toBeInstanceOf(UsageError);
    expect(() => parseOutputsJson("{", "--outputs-file o.json")).toThrow(
      "--outputs-file o.json: not valid JSON",
    );
    for (const shape of ["[]", '"x"', '{"CrudService": "ApiUrl"}', '{"CrudService": []}']) {
      expect(() => parseOutputsJson(shape, "--outputs-file o.json")).toThrow("not a stack outputs file");
    }
  });
});
