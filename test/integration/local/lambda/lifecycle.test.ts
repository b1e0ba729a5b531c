import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  DeleteFunctionConcurrencyCommand,
  GetFunctionCommand,
  InvokeCommand,
  PutFunctionConcurrencyCommand,
  TooManyRequestsException,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapChildren, decode, type Harness, REPORT_PATTERN, startHarness, tail } from "./support.js";

describe("local Lambda execution environments", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ accountConcurrency: 10 });
  });

  afterAll(async () => {
    await h.close();
  });

  it("returns Lambda's Unhandled error payload when the handler throws", async () => {
    await h.create("life-throw", "throw");
    const out = await h.client.send(new InvokeCommand({ FunctionName: "life-throw", LogType: "Tail" }));
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe("Unhandled");
    const payload = decode(out.Payload) as { errorType: string; errorMessage: string; trace: string[] };
    expect(payload.errorType).toBe("InventoryMismatchError");
    expect(payload.errorMessage).toBe("expected 3 items, found 2");
    expect(payload.trace[0]).toContain("InventoryMismatchError");
    expect(tail(out.LogResult)).toMatch(/\tERROR\tabout to fail/);
    expect(tail(out.LogResult)).toMatch(REPORT_PATTERN);
  });

  it("ends an invocation that outlives its timeout with Lambda's message", async () => {
    await h.create("life-timeout", "sleep", { Timeout: 1 });
    const out = await h.client.send(
      new InvokeCommand({ FunctionName: "life-timeout", LogType: "Tail", Payload: '{"ms":5000}' }),
    );
    expect(out.FunctionError).toBe("Unhandled");
    const payload = decode(out.Payload) as { errorType: string; errorMessage: string };
    expect(payload.errorType).toBe("Sandbox.Timedout");
    expect(payload.errorMessage).toMatch(/Task timed out after 1\.00 seconds$/);
    expect(tail(out.LogResult)).toContain("Status: timeout");
    // The timed-out environment is gone: the next invocation is a cold start again.
    const next = await h.client.send(
      new InvokeCommand({ FunctionName: "life-timeout", LogType: "Tail", Payload: '{"ms":1}' }),
    );
    expect(next.FunctionError).toBeUndefined();
    expect(REPORT_PATTERN.exec(tail(next.LogResult))?.[6]).toBeDefined();
  });

  it("starts node with the heap limits Lambda's Node.js runtime derives from the memory size", async () => {
    const limits = async (memoryMb: number) => {
      await h.create(`life-heap-${memoryMb}`, "heap-limits", { MemorySize: memoryMb });
      const out = await h.client.send(new InvokeCommand({ FunctionName: `life-heap-${memoryMb}` }));
      return decode(out.Payload) as { execArgv: string[]; heapSizeLimitMb: number };
    };
    const small = await limits(128);
    const large = await limits(1769);
    expect(small.execArgv).toEqual(["--max-semi-space-size=6", "--max-old-space-size=116"]);
    expect(large.execArgv).toEqual(["--max-semi-space-size=88", "--max-old-space-size=1593"]);
    // V8 took them: its heap limit is the old space plus the young generation.
    expect(small.heapSizeLimitMb).toBeGreaterThan(116);
    expect(large.heapSizeLimitMb).toBeGreaterThan(1593);
  });

  it("ends an invocation that exceeds its memory with Runtime exited", async () => {
    await h.create("life-oom", "oom", { MemorySize: 128, Timeout: 30 });
    const out = await h.client.send(new InvokeCommand({ FunctionName: "life-oom", LogType: "Tail" }));
    expect(out.FunctionError).toBe("Unhandled");
    const payload = decode(out.Payload) as { errorType: string; errorMessage: string };
    expect(payload.errorType).toBe("Runtime.OutOfMemory");
    expect(payload.errorMessage).toMatch(/Error: Runtime exited with error: (signal: \w+|exit status \d+)$/);
    expect(tail(out.LogResult)).toContain("Status: error");
  });

  it("names an out-of-memory exit however long V8's trace after its message (fault injected: V8's words, a 6 KB trace, abort)", async () => {
    await h.create("life-oom-trace", "v8-fatal-long-trace", { MemorySize: 128 });
    const out = await h.client.send(new InvokeCommand({ FunctionName: "life-oom-trace", LogType: "Tail" }));
    const payload = decode(out.Payload) as { errorType: string; errorMessage: string };
    expect(payload.errorType).toBe("Runtime.OutOfMemory");
    expect(payload.errorMessage).toMatch(/Runtime exited with error: signal: abrt$/);
  });

  it("throttles with 429 TooManyRequestsException beyond reserved concurrency", async () => {
    await h.create("life-busy", "sleep");
    await h.client.send(
      new PutFunctionConcurrencyCommand({ FunctionName: "life-busy", ReservedConcurrentExecutions: 1 }),
    );
    const fn = await h.client.send(new GetFunctionCommand({ FunctionName: "life-busy" }));
    expect(fn.Concurrency?.ReservedConcurrentExecutions).toBe(1);
    const first = h.client.send(new InvokeCommand({ FunctionName: "life-busy", Payload: '{"ms":1500}' }));
    await new Promise((r) => setTimeout(r, 300));
    await expect(
      h.client.send(new InvokeCommand({ FunctionName: "life-busy", Payload: '{"ms":1}' })),
    ).rejects.toBeInstanceOf(TooManyRequestsException);
    expect((await first).StatusCode).toBe(200);

    await h.client.send(
      new PutFunctionConcurrencyCommand({ FunctionName: "life-busy", ReservedConcurrentExecutions: 0 }),
    );
    await expect(
      h.client.send(new InvokeCommand({ FunctionName: "life-busy", Payload: '{"ms":1}' })),
    ).rejects.toBeInstanceOf(TooManyRequestsException);
    await h.client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: "life-busy" }));
    const ok = await h.client.send(new InvokeCommand({ FunctionName: "life-busy", Payload: '{"ms":1}' }));
    expect(ok.StatusCode).toBe(200);
  });

  it("throttles with 429 beyond the account's concurrency limit", async () => {
    await h.create("life-account", "sleep");
    const running = Array.from({ length: 10 }, () =>
      h.client.send(new InvokeCommand({ FunctionName: "life-account", Payload: '{"ms":1500}' })),
    );
    await new Promise((r) => setTimeout(r, 300));
    await expect(
      h.client.send(new InvokeCommand({ FunctionName: "life-account", Payload: '{"ms":1}' })),
    ).rejects.toBeInstanceOf(TooManyRequestsException);
    const results = await Promise.all(running);
    expect(results.every((r) => r.StatusCode === 200)).toBe(true);
  });

  it("puts each environment in its own cgroup with quota M/1769 of a 100 ms period (when cgroups are usable)", async () => {
    await h.create("life-cgroup", "esm", { MemorySize: 128 });
    const out = await h.client.send(new InvokeCommand({ FunctionName: "life-cgroup", LogType: "Tail" }));
    const { cgroups } = decode(out.Payload) as { cgroups: string };
    if (h.lambda.cpuLawEnforcement === "cgroup-v1") {
      const cpuLine = cgroups.split("\n").find((l) => /:(cpu,cpuacct|cpu|cpuacct,cpu):/.test(l)) ?? "";
      const path = cpuLine.split(":")[2] ?? "";
      expect(path).toMatch(/\/powertune\/\d+-\d+\/life-cgroup-latest-/);
      expect(readFileSync(`/sys/fs/cgroup/cpu${path}/cpu.cfs_period_us`, "utf8").trim()).toBe("100000");
      expect(readFileSync(`/sys/fs/cgroup/cpu${path}/cpu.cfs_quota_us`, "utf8").trim()).toBe("7236");
      const memLine = cgroups.split("\n").find((l) => /:memory:/.test(l)) ?? "";
      const memPath = memLine.split(":")[2] ?? "";
      expect(readFileSync(`/sys/fs/cgroup/memory${memPath}/memory.limit_in_bytes`, "utf8").trim()).toBe(
        String(128 * 1024 * 1024),
      );
      expect(tail(out.LogResult)).not.toContain("Emulation:");
    } else if (h.lambda.cpuLawEnforcement === "cgroup-v2") {
      const path =
        cgroups
          .split("\n")
          .find((l) => l.startsWith("0::"))
          ?.slice(3) ?? "";
      expect(path).toMatch(/\/powertune\/\d+-\d+\/life-cgroup-latest-/);
    } else {
      expect(tail(out.LogResult)).toContain("Emulation: fallback-cpu-scaling");
    }
  });

  it("leaves no cgroups and no child processes behind after close()", async () => {
    const lifecycle = await startHarness({});
    await lifecycle.create("life-cleanup", "esm");
    await lifecycle.client.send(new InvokeCommand({ FunctionName: "life-cleanup" }));
    const busy = lifecycle.client.send(new InvokeCommand({ FunctionName: "life-cleanup" }));
    await busy;
    expect(lifecycle.lambda.service.environmentCount).toBe(1);
    const before = bootstrapChildren().length;
    expect(before).toBeGreaterThan(0);
    const dirs = lifecycle.lambda.cgroupDirs;
    if (lifecycle.lambda.cpuLawEnforcement.startsWith("cgroup")) {
      expect(dirs.length).toBeGreaterThan(0);
      for (const dir of dirs)
        expect(readdirSync(dir).filter((d) => d.startsWith("life-cleanup-"))).toHaveLength(1);
    }
    await lifecycle.close();
    expect(lifecycle.lambda.service.environmentCount).toBe(0);
    for (const dir of dirs) expect(existsSync(dir)).toBe(false);
    // Only the main harness's environments remain.
    expect(bootstrapChildren().length).toBe(h.lambda.service.environmentCount);
  });

  it("close() with invocations running and queued: each settles, and no log write or cgroup outlives it", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "powertune-close-"));
    const closing = await startHarness({ dataDir, admissionCores: 1 });
    try {
      await closing.create("life-close", "sleep", { MemorySize: 1769 });
      // In process, not over HTTP: close() drops the HTTP connections first, and what we watch here is
      // how the service itself settles the invocations it holds.
      const invoke = () =>
        closing.lambda.service
          .invoke({
            functionName: "life-close",
            qualifier: undefined,
            invocationType: "RequestResponse",
            logType: "None",
            payload: Buffer.from(JSON.stringify({ ms: 600 })),
            clientContext: undefined,
          })
          .then(
            (result) => (result.functionError ? "ended" : "done"),
            (error: Error) => error.name,
          );
      // One core of budget and 1769 MB (one core) each: the first runs, the other three queue.
      const calls = Array.from({ length: 4 }, invoke);
      await new Promise((r) => setTimeout(r, 400));
      const dirs = closing.lambda.cgroupDirs;
      await closing.close();
      const outcomes = await Promise.all(calls);
      for (const outcome of outcomes) expect(["done", "ended", "ServiceException"]).toContain(outcome);
      expect(outcomes.filter((o) => o === "ServiceException").length).toBeGreaterThanOrEqual(2);
      for (const dir of dirs) expect(existsSync(dir)).toBe(false);
      expect(bootstrapChildren().length).toBe(h.lambda.service.environmentCount);
      const log = readFileSync(join(dataDir, "logs", "life-close.log"), "utf8");
      const reports = log.split("\n").filter((line) => line.startsWith("REPORT "));
      expect(reports.length).toBe(outcomes.filter((o) => o !== "ServiceException").length);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("removes at start the cgroups a service left when its process died without close()", async () => {
    if (!h.lambda.cpuLawEnforcement.startsWith("cgroup")) return; // nothing to leave behind without cgroups
    // A pid above the kernel's pid_max cannot be alive: the owner of this instance cgroup is gone.
    const shared = dirname(h.lambda.cgroupDirs[0] ?? "");
    const stale = join(shared, "4194999-1", "crashed-fn-latest-0000");
    mkdirSync(stale, { recursive: true });
    const next = await startHarness({});
    try {
      expect(existsSync(dirname(stale))).toBe(false);
      expect(existsSync(h.lambda.cgroupDirs[0] ?? "")).toBe(true); // a live service's cgroup is left alone
    } finally {
      await next.close();
    }
  });

  it("reaps environments idle longer than idleTimeoutMs", async () => {
    const reaping = await startHarness({ idleTimeoutMs: 200 });
    try {
      await reaping.create("life-reap", "esm");
      await reaping.client.send(new InvokeCommand({ FunctionName: "life-reap" }));
      expect(reaping.lambda.service.environmentCount).toBe(1);
      await new Promise((r) => setTimeout(r, 1200));
      expect(reaping.lambda.service.environmentCount).toBe(0);
    } finally {
      await reaping.close();
    }
  });
});
