import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  changedConfiguration,
  readDeployedConfigs,
  templateConfig,
  writeDeployedConfigs,
} from "../../../local/deployer/kinds/deployed-functions.js";
import type { FunctionPlan } from "../../../local/deployer/kinds/function.js";

const fn: FunctionPlan = {
  stack: "S",
  logicalId: "Fn",
  functionName: "S-Fn",
  functionArn: "arn:aws:lambda:us-east-1:000000000000:function:S-Fn",
  codeDir: "/cdk.out/asset.code",
  handler: "index.handler",
  runtime: "nodejs22.x",
  memorySize: 256,
  timeout: 30,
  architectures: ["arm64"],
  environment: { TABLE: "t" },
  tags: {},
  description: "crud",
};

describe("the redeploy rule for function settings", () => {
  it("applies every setting the first time a function is deployed", () => {
    expect(changedConfiguration(fn, undefined)).toEqual({
      Handler: "index.handler",
      Runtime: "nodejs22.x",
      MemorySize: 256,
      Timeout: 30,
      Environment: { Variables: { TABLE: "t" } },
      Description: "crud",
    });
  });

  it("re-applies nothing the template did not change, so run-time changes such as a tuned memory size stay", () => {
    expect(changedConfiguration(fn, templateConfig(fn))).toEqual({});
  });

  it("re-applies exactly the settings the template changed since the last deploy", () => {
    const previous = templateConfig({ ...fn, memorySize: 128, environment: { TABLE: "old" } });
    expect(changedConfiguration(fn, previous)).toEqual({
      MemorySize: 256,
      Environment: { Variables: { TABLE: "t" } },
    });
  });

  it("remembers what each deploy set in the data directory, and reads none before the first", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "powertune-deployed-"));
    try {
      expect(await readDeployedConfigs(dataDir)).toEqual({});
      await writeDeployedConfigs(dataDir, { [fn.functionName]: templateConfig(fn) });
      expect(await readDeployedConfigs(dataDir)).toEqual({ "S-Fn": templateConfig(fn) });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
