import { InvokeCommand } from "@aws-sdk/client-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { decode, type Harness, REPORT_PATTERN, startHarness, tail } from "./support.js";

describe("local Lambda environment pool", () => {
  let h: Harness | undefined;

  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const invokeSleep = (harness: Harness, name: string, ms: number) =>
    harness.client.send(
      new InvokeCommand({ FunctionName: name, LogType: "Tail", Payload: JSON.stringify({ ms }) }),
    );

  it("initialises at most initConcurrency environments at a time in a cold burst, and answers every request", async () => {
    h = await startHarness({ initConcurrency: 2, accountConcurrency: 50 });
    await h.create("pool-burst", "sleep");
    const harness = h;
    const results = await Promise.all(
      Array.from({ length: 12 }, () => invokeSleep(harness, "pool-burst", 300)),
    );
    expect(results.every((r) => r.StatusCode === 200 && r.FunctionError === undefined)).toBe(true);
    const stats = h.lambda.service.environmentStats();
    expect(stats.peakInitializing).toBeLessThanOrEqual(2);
    expect(stats.created).toBeGreaterThanOrEqual(1);
    expect(stats.created).toBeLessThanOrEqual(12);
    // Every environment a request met reported its init once: as many Init Durations as environments.
    const inits = results.filter((r) => REPORT_PATTERN.exec(tail(r.LogResult))?.[6] !== undefined).length;
    expect(inits).toBeLessThanOrEqual(stats.created);
  });

  it("queues a burst of quick requests onto the environments that warm first instead of one init each", async () => {
    h = await startHarness({ initConcurrency: 1, accountConcurrency: 50 });
    await h.create("pool-queue", "sleep");
    const harness = h;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => invokeSleep(harness, "pool-queue", 0)),
    );
    expect(results.every((r) => r.StatusCode === 200 && r.FunctionError === undefined)).toBe(true);
    const stats = h.lambda.service.environmentStats();
    expect(stats.peakInitializing).toBe(1);
    // An init takes tens of milliseconds and a warm invocation a few: most requests ran on a warm environment.
    expect(stats.created).toBeLessThan(10);
    const warm = results.filter((r) => REPORT_PATTERN.exec(tail(r.LogResult))?.[6] === undefined).length;
    expect(warm).toBeGreaterThan(10);
  });

  it("keeps at most maxIdleEnvironments idle, ending the least recently used", async () => {
    h = await startHarness({ maxIdleEnvironments: 2 });
    for (const name of ["idle-a", "idle-b", "idle-c", "idle-d"]) {
      await h.create(name, "sleep");
      await invokeSleep(h, name, 0);
      expect(h.lambda.service.environmentStats().idle).toBeLessThanOrEqual(2);
    }
    expect(h.lambda.service.environmentCount).toBe(2);
    // idle-d was used last and stayed warm; idle-a was ended, so it starts cold again.
    const warm = await invokeSleep(h, "idle-d", 0);
    expect(REPORT_PATTERN.exec(tail(warm.LogResult))?.[6]).toBeUndefined();
    const cold = await invokeSleep(h, "idle-a", 0);
    expect(REPORT_PATTERN.exec(tail(cold.LogResult))?.[6]).toBeDefined();
  });

  it("refuses a maxIdleEnvironments or initConcurrency that is not a positive integer, naming the option", async () => {
    await expect(startHarness({ maxIdleEnvironments: 0 })).rejects.toThrow(/^maxIdleEnvironments: /);
    await expect(startHarness({ initConcurrency: 1.5 })).rejects.toThrow(/^initConcurrency: /);
  });

  it("still reuses one warm environment for invocations made one after another", async () => {
    h = await startHarness({});
    await h.create("pool-serial", "esm");
    for (let i = 0; i < 3; i++) await h.client.send(new InvokeCommand({ FunctionName: "pool-serial" }));
    const last = await h.client.send(new InvokeCommand({ FunctionName: "pool-serial" }));
    expect((decode(last.Payload) as { invocations: number }).invocations).toBe(4);
    expect(h.lambda.service.environmentStats().created).toBe(1);
  });
});
