// The temporary copy of an `architectures` run against the local Lambda service: it accepts and reports
// Architectures, serves GetFunction's Code.Location as a zip, and the copy runs the same code; only a marked
// copy is ever deleted.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-lambda";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  COPY_MARKER,
  createArchitectureCopy,
  deleteArchitectureCopies,
} from "../../../../../functions/tuner/aws/index.js";
import { InvalidTuningInputError } from "../../../../../functions/tuner/core/index.js";
import { type Harness, startHarness } from "../../../local/lambda/support.js";

const ARN = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const retry = { attempts: 3, baseDelayMs: 10, maxWaitSeconds: 30 };
const FIXTURE = join(import.meta.dirname, "../../../../fixtures/functions/tuning-target/index.mjs");

describe("a temporary copy on the other architecture", () => {
  let h: Harness;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "arch-copy-"));
    h = await startHarness({ dataDir });
    await h.create("worker", "tuning-target", {
      MemorySize: 384,
      Timeout: 20,
      Environment: { Variables: { WORK_FACTOR: "2" } },
    });
  });

  afterAll(async () => {
    await h.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const exists = async (name: string) =>
    h.client.send(new GetFunctionConfigurationCommand({ FunctionName: name })).then(
      () => true,
      (error: unknown) => {
        if (error instanceof ResourceNotFoundException) return false;
        throw error;
      },
    );

  it("the local service reports Architectures and serves the code at GetFunction's Code.Location", async () => {
    const fn = await h.client.send(new GetFunctionCommand({ FunctionName: "worker" }));
    expect(fn.Configuration?.Architectures).toEqual(["x86_64"]);
    const response = await fetch(fn.Code?.Location ?? "");
    expect(response.status).toBe(200);
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    expect(Buffer.from(files["index.mjs"] ?? []).toString()).toBe(readFileSync(FIXTURE, "utf8"));
  });

  it("creates a marked arm64 copy with the function's code and configuration, which runs", async () => {
    const copyArn = await createArchitectureCopy(h.client, ARN("worker"), "arm64", "run-1", retry);
    expect(copyArn).toBe(ARN("worker-pt-arm64"));
    const copy = await h.client.send(new GetFunctionConfigurationCommand({ FunctionName: copyArn }));
    expect(copy).toMatchObject({
      FunctionName: "worker-pt-arm64",
      Architectures: ["arm64"],
      MemorySize: 384,
      Timeout: 20,
      Handler: "index.handler",
      Role: "arn:aws:iam::000000000000:role/test",
      Environment: { Variables: { WORK_FACTOR: "2" } },
      State: "Active",
    });
    expect(copy.Description).toBe(`${COPY_MARKER}${ARN("worker")} on arm64 (run run-1)`);
    const out = await h.client.send(
      new InvokeCommand({ FunctionName: copyArn, Payload: new TextEncoder().encode('{"rounds":3}') }),
    );
    expect(JSON.parse(new TextDecoder().decode(out.Payload))).toMatchObject({ rounds: 6 });
    // A copy a killed run left is replaced by the next run's.
    await createArchitectureCopy(h.client, ARN("worker"), "arm64", "run-2", retry);
    expect(
      (await h.client.send(new GetFunctionConfigurationCommand({ FunctionName: copyArn }))).Description,
    ).toContain("run run-2");
    expect(await deleteArchitectureCopies(h.client, ARN("worker"), retry)).toBe(1);
    expect(await exists("worker-pt-arm64")).toBe(false);
    expect(await deleteArchitectureCopies(h.client, ARN("worker"), retry)).toBe(0);
  });

  it("never deletes or replaces a function of the user's that has a copy's name", async () => {
    await h.create("worker-pt-arm64", "tuning-target");
    expect(await deleteArchitectureCopies(h.client, ARN("worker"), retry)).toBe(0);
    expect(await exists("worker-pt-arm64")).toBe(true);
    const refused = await createArchitectureCopy(h.client, ARN("worker"), "arm64", "run-3", retry).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(InvalidTuningInputError);
    expect((refused as InvalidTuningInputError).problems[0]?.field).toBe("architectures");
  });

  it("refuses a function whose name leaves no room for the copy's suffix, naming architectures", async () => {
    const long = "f".repeat(55);
    await expect(createArchitectureCopy(h.client, ARN(long), "arm64", "run-4", retry)).rejects.toThrow(
      /architectures: .*at most 54 characters/,
    );
  });
});
