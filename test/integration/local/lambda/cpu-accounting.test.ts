import { spawn } from "node:child_process";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  detectCgroups,
  EnvironmentCgroup,
  removeLiveCgroups,
  removeParentCgroups,
} from "../../../../local/lambda/cgroup.js";
import { emulatedDurationMs } from "../../../../local/lambda/emulated-duration.js";
import type { InvocationMeasurement } from "../../../../local/lambda/index.js";
import { type Harness, REPORT_PATTERN, startHarness, tail } from "./support.js";

/** Runs a CPU-bound child in the cgroup until it has used `cpuMs` of CPU; resolves with its own rusage. */
function burnInCgroup(cgroup: EnvironmentCgroup, cpuMs: number): Promise<number> {
  const script = `const t=${cpuMs};let h=0;for(;;){for(let i=0;i<1e5;i++)h=(h*31+i)|0;const u=process.cpuUsage();if((u.user+u.system)/1000>=t)break}const u=process.cpuUsage();process.stdout.write(String((u.user+u.system)/1000))`;
  const child = spawn(
    "/bin/sh",
    ["-c", 'for f in $PROCS; do echo $$ > "$f"; done; exec "$@"', "sh", process.execPath, "-e", script],
    { env: { ...process.env, PROCS: cgroup.procsFiles().join(" ") }, stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", () => resolve(Number(out)));
  });
}

describe("cgroup CPU accounting on a real cgroup", () => {
  const layout = detectCgroups("auto", { parentName: "powertune-accounting-test" });

  afterAll(async () => {
    if (!layout) return;
    await removeLiveCgroups(layout);
    removeParentCgroups(layout);
  });

  it("counts a throttled process's CPU time as its own rusage does, and the time it was throttled", async () => {
    // Without a writable cgroup hierarchy there is nothing to read: the fallback's own tests cover that case.
    if (!layout) return;
    const cgroup = new EnvironmentCgroup(layout, "burn");
    cgroup.setCpuShare(0.2);
    const before = cgroup.readCpu();
    expect(before).toBeDefined();
    const ownMs = await burnInCgroup(cgroup, 300);
    const after = cgroup.readCpu();
    if (!before || !after) return;
    const accountedMs = (after.usageNs - before.usageNs) / 1e6;
    // The cgroup also counts what the process did after its last reading (writing it out, exiting).
    expect(accountedMs).toBeGreaterThanOrEqual(ownMs * 0.98);
    expect(accountedMs).toBeLessThan(ownMs * 1.1 + 20);
    // 300 ms of CPU at a fifth of a core cannot fit in one 100 ms period's 20 ms quota.
    expect(after.throttledPeriods - before.throttledPeriods).toBeGreaterThan(0);
    expect(after.throttledNs).toBeGreaterThan(before.throttledNs);
    await cgroup.remove();
  });
});

describe("Duration accounted from the environment's CPU time", () => {
  let h: Harness;
  const measured: InvocationMeasurement[] = [];

  beforeAll(async () => {
    h = await startHarness({ onInvocationMeasured: (m) => measured.push(m) });
  });

  afterAll(async () => {
    await h.close();
  });

  it("reports CPU time over the share plus time blocked, in Lambda's REPORT format and nothing more", async () => {
    await h.create("acct-cpu", "cpu", { MemorySize: 512 });
    await h.client.send(new InvokeCommand({ FunctionName: "acct-cpu", Payload: '{"rounds":10}' }));
    const out = await h.client.send(
      new InvokeCommand({ FunctionName: "acct-cpu", LogType: "Tail", Payload: '{"rounds":3000}' }),
    );
    const report =
      tail(out.LogResult)
        .split("\n")
        .find((line) => line.startsWith("REPORT ")) ?? "";
    const match = REPORT_PATTERN.exec(report);
    expect(match).not.toBeNull();
    // Exactly Lambda's fields: no Init Duration on a warm start, and no emulation mark where a cgroup enforces the law.
    if (h.lambda.cpuLawEnforcement.startsWith("cgroup")) expect(report).toBe(match?.[0]);
    const m = measured.find((x) => x.requestId === match?.[1]);
    expect(m?.sample).toBeDefined();
    if (!m?.sample) return;
    expect(Number(match?.[2])).toBeCloseTo(emulatedDurationMs(m.sample, 512 / 1769), 1);
    // A single-threaded loop: the environment's CPU time is its main thread's, give or take V8's helpers.
    expect(m.sample.cpuMs).toBeGreaterThan(0);
    expect(m.sample.mainCpuMs ?? 0).toBeLessThanOrEqual(m.sample.cpuMs + 1);
  });

  it("never answers an invocation before its reported Duration has passed", async () => {
    await h.create("acct-pace", "cpu", { MemorySize: 128 });
    await h.client.send(new InvokeCommand({ FunctionName: "acct-pace", Payload: '{"rounds":10}' }));
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const out = await h.client.send(
        new InvokeCommand({ FunctionName: "acct-pace", LogType: "Tail", Payload: '{"rounds":200}' }),
      );
      const roundTripMs = performance.now() - started;
      const durationMs = Number(REPORT_PATTERN.exec(tail(out.LogResult))?.[2]);
      expect(roundTripMs).toBeGreaterThanOrEqual(durationMs);
    }
  });

  it("reports the environment's peak memory, not 0 MB, when an invocation times out", async () => {
    await h.create("acct-timeout", "sleep", { Timeout: 1 });
    const out = await h.client.send(
      new InvokeCommand({ FunctionName: "acct-timeout", LogType: "Tail", Payload: '{"ms":5000}' }),
    );
    const log = tail(out.LogResult);
    expect(log).toContain("Status: timeout");
    expect(Number(REPORT_PATTERN.exec(log)?.[5])).toBeGreaterThan(0);
  });
});
