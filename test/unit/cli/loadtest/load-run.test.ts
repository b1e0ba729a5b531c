import type autocannon from "autocannon";
import { describe, expect, it } from "vitest";
import { parsePositive, parsePowers } from "../../../../cli/commands/loadtest.js";
import { describeRatio, describeRatios, jsonShapeOf, loadRunOf } from "../../../../cli/loadtest/load-run.js";
import { transferNotes } from "../../../../cli/loadtest/loadtest-report.js";

function result(total: number, durationS: number, p50: number): autocannon.Result {
  return {
    requests: { total, average: 0 },
    latency: { average: p50 * 1.2, p50, p90: p50 * 2, p99: p50 * 3, max: p50 * 4 },
    duration: durationS,
    errors: 1,
    timeouts: 1,
    non2xx: 2,
    statusCodeStats: { "200": { count: total - 2 }, "404": { count: 2 } },
  } as unknown as autocannon.Result;
}

describe("a load run's figures", () => {
  it("count responses per second over the run's own duration and keep the status codes", () => {
    const run = loadRunOf(128, result(500, 2, 20));
    expect(run).toMatchObject({ power: 128, requests: 500, rps: 250, errors: 1, non2xx: 2, timeouts: 1 });
    expect(run.latencyMs).toEqual({ avg: 24, p50: 20, p90: 40, p99: 60 });
    expect(run.statusCodes).toEqual({ "200": 498, "404": 2 });
  });

  it("print exactly the documented --json fields", () => {
    const shape = jsonShapeOf(loadRunOf(1024, result(10, 1, 2)));
    expect(Object.keys(shape)).toEqual(["power", "requests", "rps", "latencyMs", "errors", "non2xx"]);
    expect(Object.keys(shape.latencyMs)).toEqual(["avg", "p50", "p90", "p99"]);
  });

  it("compare each size with the first: latency ratio and throughput ratio", () => {
    const slow = loadRunOf(128, result(300, 1, 31));
    const fast = loadRunOf(1024, result(840, 1, 10));
    expect(describeRatio(fast, slow)).toBe("1024 MB vs 128 MB: p50 3.1× lower, 2.8× the throughput");
    expect(describeRatio(slow, fast)).toBe("128 MB vs 1024 MB: p50 3.1× higher, 0.36× the throughput");
    expect(describeRatios([slow])).toEqual([]);
    const instant = loadRunOf(2048, result(900, 1, 0));
    expect(describeRatio(instant, slow)).toContain("p50 62.0× lower");
  });
});

describe("load-test flags", () => {
  it("take memory sizes Lambda accepts, once each", () => {
    expect(parsePowers("128, 1024")).toEqual([128, 1024]);
    expect(() => parsePowers("64,1024")).toThrow(/--powers 64,1024: "64"/);
    expect(() => parsePowers("128,,256")).toThrow(/--powers/);
    expect(() => parsePowers("128,128")).toThrow(/repeated/);
  });

  it("name the flag of a number out of range", () => {
    expect(parsePositive("connections", "4", { integer: true, max: 10 })).toBe(4);
    expect(parsePositive("connections", undefined, { integer: true, max: 10 })).toBeUndefined();
    expect(() => parsePositive("connections", "2.5", { integer: true, max: 10 })).toThrow(
      /--connections 2.5/,
    );
    expect(() => parsePositive("rate", "0", { integer: false, max: 10 })).toThrow(/--rate 0/);
  });
});

describe("what the numbers mean", () => {
  it("say locally what transfers to AWS, and where requests queued for CPU", () => {
    const notes = transferNotes({ cloud: "local", connections: 4, powers: [128, 1024], cores: 1 });
    expect(notes.join("\n")).toContain("What transfers to AWS: the latency ratio");
    expect(notes.join("\n")).toContain("absolute requests/s");
    expect(notes.filter((n) => n.includes("queueing"))).toHaveLength(1);
    expect(notes.find((n) => n.includes("queueing"))).toContain(
      "At 1024 MB, 4 connections ask for 2.3 vCPUs",
    );
    expect(transferNotes({ cloud: "aws", connections: 4, powers: [1024], cores: 1 }).join()).not.toContain(
      "queueing",
    );
  });
});
