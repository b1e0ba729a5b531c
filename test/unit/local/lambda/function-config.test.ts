import { describe, expect, it } from "vitest";
import { InvalidParameterValueError } from "../../../../local/lambda/errors.js";
import {
  applyConfigurationUpdate,
  newConfiguration,
  publishFingerprint,
  validateConfiguration,
} from "../../../../local/lambda/function-config.js";

const here = { region: "us-east-1", accountId: "000000000000" };
const code = { sha256: "c2hh", size: 10 };

describe("function configuration", () => {
  it("gives a new function Lambda's defaults for what the request leaves out", () => {
    const config = newConfiguration(here, "crud", { Handler: "index.handler" }, code);
    expect(config).toMatchObject({
      FunctionName: "crud",
      FunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:crud",
      Runtime: "nodejs20.x",
      Role: "arn:aws:iam::000000000000:role/crud-role",
      MemorySize: 128,
      Timeout: 3,
      Version: "$LATEST",
      State: "Active",
      LastUpdateStatus: "Successful",
      CodeSha256: "c2hh",
      CodeSize: 10,
      LoggingConfig: { LogFormat: "Text", LogGroup: "/aws/lambda/crud" },
    });
    expect(config.LastModified).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
    expect(config.Environment).toBeUndefined();
  });

  it("refuses out-of-range memory and timeout, other runtimes and unknown log formats, naming the field", () => {
    expect(() => validateConfiguration({ MemorySize: 100 })).toThrow(/MemorySize 100 is out of range/);
    expect(() => validateConfiguration({ Timeout: 901 })).toThrow(/Timeout 901 is out of range/);
    expect(() => validateConfiguration({ Runtime: "python3.12" })).toThrow(/Runtime python3.12/);
    expect(() => validateConfiguration({ LoggingConfig: { LogFormat: "XML" } })).toThrow(
      InvalidParameterValueError,
    );
    expect(() =>
      validateConfiguration({ MemorySize: 10_240, Timeout: 900, Runtime: "nodejs22.x" }),
    ).not.toThrow();
  });

  it("changes only the fields an update sets, replacing the environment as a whole", () => {
    const config = newConfiguration(
      here,
      "crud",
      { Handler: "index.handler", Environment: { Variables: { A: "1", B: "2" } } },
      code,
    );
    applyConfigurationUpdate(config, { MemorySize: 512, Environment: { Variables: { C: "3" } } });
    expect(config.MemorySize).toBe(512);
    expect(config.Timeout).toBe(3);
    expect(config.Environment).toEqual({ Variables: { C: "3" } });
    applyConfigurationUpdate(config, { LoggingConfig: { LogFormat: "JSON" } });
    expect(config.LoggingConfig).toEqual({ LogFormat: "JSON", LogGroup: "/aws/lambda/crud" });
  });

  it("fingerprints code and configuration, not the version, ARN, revision or timestamps", () => {
    const config = newConfiguration(here, "crud", { Handler: "index.handler" }, code);
    const published = {
      ...config,
      Version: "4",
      FunctionArn: `${config.FunctionArn}:4`,
      RevisionId: "other",
    };
    expect(publishFingerprint(published)).toBe(publishFingerprint(config));
    expect(publishFingerprint({ ...config, MemorySize: 256 })).not.toBe(publishFingerprint(config));
    expect(publishFingerprint({ ...config, CodeSha256: "b3RoZXI=" })).not.toBe(publishFingerprint(config));
  });
});
