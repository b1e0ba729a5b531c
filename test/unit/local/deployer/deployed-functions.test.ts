import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DeployedFunctionsUnreadableError,
  readDeployedConfigs,
  redeployChanges,
  type TemplateConfig,
  templateConfig,
  writeDeployedConfigs,
} from "../../../../local/deployer/kinds/deployed-functions.js";
import type { FunctionPlan } from "../../../../local/deployer/plans.js";

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
  tags: { team: "perf" },
  description: "crud",
};

const wanted = templateConfig(fn, "sha-new");
/** The function as the last deploy left it: the code it had, and nothing changed since. */
const asDeployed = (previous: TemplateConfig) => ({
  codeSha256: previous.codeSha256,
  architectures: previous.architectures,
});
const nothing = {
  code: undefined,
  configuration: {},
  tags: { set: {}, remove: [] },
  reservedConcurrency: undefined,
};

describe("the redeploy rule for functions", () => {
  it("applies every setting to an existing function the deploys have no record of", () => {
    expect(redeployChanges(wanted, undefined, { codeSha256: "sha-old", architectures: ["x86_64"] })).toEqual({
      code: { architectures: ["arm64"] },
      configuration: {
        Handler: "index.handler",
        Runtime: "nodejs22.x",
        MemorySize: 256,
        Timeout: 30,
        Environment: { Variables: { TABLE: "t" } },
        Description: "crud",
        LoggingConfig: { LogFormat: "Text" },
      },
      tags: { set: { team: "perf" }, remove: [] },
      reservedConcurrency: undefined,
    });
  });

  it("re-applies nothing the template did not change, so run-time changes such as a tuned memory size stay", () => {
    expect(redeployChanges(wanted, wanted, asDeployed(wanted))).toEqual(nothing);
  });

  it("re-applies exactly the settings the template changed since the last deploy", () => {
    const previous = templateConfig({ ...fn, memorySize: 128, environment: { TABLE: "old" } }, "sha-new");
    expect(redeployChanges(wanted, previous, asDeployed(previous))).toEqual({
      ...nothing,
      configuration: { MemorySize: 256, Environment: { Variables: { TABLE: "t" } } },
    });
  });

  it("sends new code only when the asset changed, and not when the function already runs it", () => {
    const previous = templateConfig(fn, "sha-old");
    expect(redeployChanges(wanted, previous, asDeployed(previous)).code).toEqual({});
    expect(redeployChanges(wanted, previous, { ...asDeployed(previous), codeSha256: "sha-new" }).code).toBe(
      undefined,
    );
    // Code a user uploaded since stays while the asset is unchanged.
    expect(redeployChanges(wanted, wanted, { ...asDeployed(wanted), codeSha256: "theirs" }).code).toBe(
      undefined,
    );
  });

  it("changes the architecture with the code, as Lambda does", () => {
    const previous = templateConfig({ ...fn, architectures: ["x86_64"] }, "sha-new");
    expect(redeployChanges(wanted, previous, asDeployed(previous)).code).toEqual({
      architectures: ["arm64"],
    });
  });

  it("puts back Lambda's defaults for a description or log format the template no longer gives", () => {
    const previous = templateConfig({ ...fn, logFormat: "JSON" }, "sha-new");
    const { description: _, ...withoutDescription } = fn;
    expect(
      redeployChanges(templateConfig(withoutDescription, "sha-new"), previous, asDeployed(previous))
        .configuration,
    ).toEqual({ Description: "", LoggingConfig: { LogFormat: "Text" } });
  });

  it("sets the tags the template changed and removes those it dropped, keeping tags set at run time", () => {
    const previous = templateConfig({ ...fn, tags: { team: "ops", old: "x" } }, "sha-new");
    expect(redeployChanges(wanted, previous, asDeployed(previous)).tags).toEqual({
      set: { team: "perf" },
      remove: ["old"],
    });
  });

  it("puts a reservation the template changed, removes one it dropped, and leaves one it never set", () => {
    const reserved = templateConfig({ ...fn, reservedConcurrency: 5 }, "sha-new");
    const moreReserved = templateConfig({ ...fn, reservedConcurrency: 8 }, "sha-new");
    expect(redeployChanges(moreReserved, reserved, asDeployed(reserved)).reservedConcurrency).toBe(8);
    expect(redeployChanges(wanted, reserved, asDeployed(reserved)).reservedConcurrency).toBe(null);
    expect(redeployChanges(wanted, wanted, asDeployed(wanted)).reservedConcurrency).toBe(undefined);
    expect(redeployChanges(reserved, undefined, asDeployed(reserved)).reservedConcurrency).toBe(5);
  });

  it("remembers what each deploy set in the data directory, reads none before the first, and refuses a record it cannot read", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "powertune-deployed-"));
    try {
      expect(await readDeployedConfigs(dataDir)).toEqual({});
      await writeDeployedConfigs(dataDir, { [fn.functionName]: wanted });
      expect(await readDeployedConfigs(dataDir)).toEqual({ "S-Fn": wanted });
      await writeFile(join(dataDir, "deployed-functions.json"), '{"S-Fn": {"hand');
      const refused = await readDeployedConfigs(dataDir).catch((error: Error) => error);
      expect(refused).toBeInstanceOf(DeployedFunctionsUnreadableError);
      expect((refused as Error).message).toContain(join(dataDir, "deployed-functions.json"));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
