import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Aliases, pickAliasVersion } from "../../../../local/lambda/aliases.js";
import { CodeStore } from "../../../../local/lambda/code-store.js";
import { ResourceConflictError, ResourceNotFoundError } from "../../../../local/lambda/errors.js";
import { FunctionRegistry } from "../../../../local/lambda/registry.js";
import type { AliasConfiguration } from "../../../../local/lambda/types.js";

describe("function registry", () => {
  let root: string;
  let retired: Array<[string, string | undefined]>;
  let registry: FunctionRegistry;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "powertune-registry-"));
    retired = [];
    registry = new FunctionRegistry(
      { region: "us-east-1", accountId: "000000000000", accountConcurrency: 10, updateTransitionMs: 5 },
      new CodeStore(root),
      (name, version) => retired.push([name, version]),
    );
    registry.createFunctionFromDirectory({ FunctionName: "crud", Handler: "index.handler", codeDir: root });
  });

  afterEach(() => {
    registry.close();
    rmSync(root, { recursive: true, force: true });
  });

  const settle = () => new Promise((r) => setTimeout(r, 20));

  it("resolves $LATEST, versions and aliases to the snapshot an invocation runs", async () => {
    registry.publishVersion("crud", {});
    registry.updateFunctionConfiguration("crud", { MemorySize: 512 });
    await settle();
    new Aliases(registry).create("crud", { Name: "live", FunctionVersion: "1" });
    expect(registry.resolve("crud").snapshot.config.MemorySize).toBe(512);
    expect(registry.resolve("crud", "1").snapshot.config.MemorySize).toBe(128);
    const viaAlias = registry.resolve("arn:aws:lambda:us-east-1:000000000000:function:crud:live");
    expect(viaAlias.snapshot.config.Version).toBe("1");
    expect(viaAlias.alias?.Name).toBe("live");
    expect(() => registry.resolve("crud", "9")).toThrow(ResourceNotFoundError);
    expect(() => registry.resolve("crud", "ghost")).toThrow(
      "Function not found: arn:aws:lambda:us-east-1:000000000000:function:crud:ghost",
    );
  });

  it("retires $LATEST's environments on an update, a version's on its deletion, all on the function's", async () => {
    registry.publishVersion("crud", {});
    registry.updateFunctionConfiguration("crud", { Timeout: 10 });
    expect(registry.resolve("crud").snapshot.generation).toBe(1);
    await settle();
    registry.deleteFunction("crud", "1");
    registry.deleteFunction("crud");
    expect(retired).toEqual([
      ["crud", "$LATEST"],
      ["crud", "1"],
      ["crud", undefined],
    ]);
    expect(() => registry.getRecord("crud")).toThrow(ResourceNotFoundError);
  });

  it("refuses a second update while the first is in progress, then accepts it", async () => {
    const first = registry.updateFunctionConfiguration("crud", { MemorySize: 256 });
    expect(first.LastUpdateStatus).toBe("InProgress");
    expect(() => registry.updateFunctionConfiguration("crud", { MemorySize: 512 })).toThrow(
      ResourceConflictError,
    );
    await settle();
    expect(registry.getRecord("crud").latest.config.LastUpdateStatus).toBe("Successful");
    expect(registry.updateFunctionConfiguration("crud", { MemorySize: 512 }).MemorySize).toBe(512);
  });

  it("publishes nothing new when nothing changed since the last version", () => {
    expect(registry.publishVersion("crud", {}).Version).toBe("1");
    expect(registry.publishVersion("crud", {}).Version).toBe("1");
    expect(registry.publishVersion("crud", { Description: "another" }).Version).toBe("2");
    expect(registry.listVersions("crud").map((c) => c.Version)).toEqual(["$LATEST", "1", "2"]);
  });

  it("keeps a version an alias routes to, by target or by weight", () => {
    registry.publishVersion("crud", {});
    registry.publishVersion("crud", { Description: "two" });
    new Aliases(registry).create("crud", {
      Name: "canary",
      FunctionVersion: "1",
      RoutingConfig: { AdditionalVersionWeights: { "2": 0.1 } },
    });
    expect(() => registry.deleteFunction("crud", "2")).toThrow(/aliases reference it: \[canary\]/);
    expect(() => registry.deleteFunction("crud", "canary")).toThrow(/use DeleteAlias for aliases/);
  });
});

describe("alias routing", () => {
  const alias = {
    FunctionVersion: "1",
    RoutingConfig: { AdditionalVersionWeights: { "2": 0.25 } },
  } as unknown as AliasConfiguration;

  it("sends an invocation to an additional version with its weight's odds", () => {
    expect(pickAliasVersion(alias, 0.1)).toBe("2");
    expect(pickAliasVersion(alias, 0.25)).toBe("1");
    expect(pickAliasVersion(alias, 0.9)).toBe("1");
    expect(pickAliasVersion({ ...alias, RoutingConfig: undefined } as AliasConfiguration, 0)).toBe("1");
  });
});
