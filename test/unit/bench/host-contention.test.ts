import { describe, expect, it } from "vitest";
import type { WorkloadKind } from "../../../bench/lambda/harness.js";
import {
  type HostSample,
  hostContention,
  hostVerdict,
  pearson,
} from "../../../bench/lambda/host-contention.js";

/** `windows` windows of 1 s; in each, five calls of every kind at `speed(kind, window)` ms. */
function samples(windows: number, speed: (kind: WorkloadKind, w: number) => number): HostSample[] {
  const out: HostSample[] = [];
  for (let w = 0; w < windows; w++) {
    for (let i = 0; i < 5; i++) {
      for (const [k, kind] of (["loop", "calls", "json"] as const).entries()) {
        out.push({ atMs: w * 1000 + i * 100 + k * 10, kind, cpuMs: speed(kind, w) });
      }
    }
  }
  return out;
}

describe("the host check's arithmetic (pure)", () => {
  it("pearson: +1 for a scaled copy, −1 for a mirrored one, NaN for a constant", () => {
    expect(pearson([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(pearson([1, 2, 3], [5, 5, 5])).toBeNaN();
  });

  it("sees call-heavy work and JSON swing together while the loop holds", () => {
    // Every third window the host slows calls and JSON by 1.5×; the loop moves by 1 % at most.
    const slow = (w: number) => w % 3 === 0;
    const s = samples(9, (kind, w) =>
      kind === "loop" ? 10 + (w % 2) * 0.1 : (kind === "calls" ? 8 : 4) * (slow(w) ? 1.5 : 1),
    );
    const [loop, calls, json] = hostContention(s, ["loop", "calls", "json"], "calls", 1000);
    expect(loop?.windows).toBe(9);
    expect(loop?.swing).toBeCloseTo(1.01, 6);
    expect(calls?.swing).toBeCloseTo(1.5, 6);
    expect(calls?.correlation).toBeCloseTo(1, 6);
    expect(json?.swing).toBeCloseTo(1.5, 6);
    expect(json?.correlation).toBeCloseTo(1, 6);
    const verdict = hostVerdict(
      [loop, calls, json].filter((k) => k !== undefined),
      1.25,
    );
    expect(verdict).toContain("2 kind(s) swung past 1.25×");
    expect(verdict).toContain("the tight loop, run between them, moved by at most 1.0 %");
  });

  it("leaves out windows with too few calls of a kind, and calls a steady host steady", () => {
    const s = samples(4, () => 5).filter((x) => !(x.kind === "json" && x.atMs >= 3000 && x.atMs < 3300));
    const [, , json] = hostContention(s, ["loop", "calls", "json"], "calls", 1000);
    expect(json?.windows).toBe(3);
    const swings = hostContention(s, ["loop", "calls", "json"], "calls", 1000);
    expect(hostVerdict(swings, 1.25)).toMatch(/^Every kind's window medians stayed within 1.25×/);
  });

  it("says so when the loop swings with the others (the clock, not contention)", () => {
    const s = samples(6, (kind, w) => (kind === "loop" ? 10 : 5) * (w % 2 ? 1.4 : 1));
    const verdict = hostVerdict(hostContention(s, ["loop", "calls", "json"], "calls", 1000), 1.25);
    expect(verdict).toContain("the tight loop swung 1.400× with them");
  });
});
