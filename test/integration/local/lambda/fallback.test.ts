import { InvokeCommand } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decode, type Harness, REPORT_PATTERN, startHarness, tail } from "./support.js";

describe("local Lambda without cgroups (forced fallback)", () => {
  let h: Harness;
  const warnings: string[] = [];

  beforeAll(async () => {
    h = await startHarness({ cgroup: "off", warn: (m) => warnings.push(m) });
  });

  afterAll(async () => {
    await h.close();
  });

  it("warns loudly at startup that the CPU law is emulated", () => {
    expect(h.lambda.cpuLawEnforcement).toBe("fallback-cpu-scaling");
    expect(warnings.join("\n")).toMatch(/EMULATED/);
  });

  it("marks every REPORT line and response as emulated, and still reports Lambda's fields", async () => {
    await h.create("fb-cpu", "cpu", { MemorySize: 128 });
    const out = await h.client.send(
      new InvokeCommand({ FunctionName: "fb-cpu", LogType: "Tail", Payload: '{"rounds":2000}' }),
    );
    expect(decode(out.Payload)).toMatchObject({ rounds: 2000 });
    const log = tail(out.LogResult);
    expect(log).toMatch(REPORT_PATTERN);
    expect(log.replace(/\n$/, "").endsWith("Emulation: fallback-cpu-scaling\t")).toBe(true);
  });

  it("does not run the environment in a cgroup of its own", async () => {
    await h.create("fb-echo", "esm");
    const out = await h.client.send(new InvokeCommand({ FunctionName: "fb-echo" }));
    expect((decode(out.Payload) as { cgroups: string }).cgroups).not.toContain("/powertune/");
  });
});
