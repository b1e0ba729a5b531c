import { describe, expect, it } from "vitest";
import {
  CFS_MIN_QUOTA_US,
  CFS_PERIOD_US,
  cfsQuotaUs,
  cpuShareCores,
  isValidMemorySize,
} from "../../../../local/lambda/cpu-law.js";

describe("memory→CPU law", () => {
  it("gives one full core at 1769 MB and scales linearly below", () => {
    expect(cpuShareCores(1769, 2)).toBe(1);
    expect(cpuShareCores(128, 2)).toBeCloseTo(128 / 1769, 10);
    expect(cpuShareCores(3538, 4)).toBe(2);
  });

  it("caps the share at the cores the machine has", () => {
    expect(cpuShareCores(10240, 2)).toBe(2);
  });

  it("turns a share into a CFS quota over a 100 ms period, never below the kernel's 1 ms minimum", () => {
    expect(CFS_PERIOD_US).toBe(100_000);
    expect(cfsQuotaUs(1)).toBe(100_000);
    expect(cfsQuotaUs(128 / 1769)).toBe(7236);
    expect(cfsQuotaUs(128 / 1769, 20_000)).toBe(1447);
    expect(cfsQuotaUs(0.001)).toBe(CFS_MIN_QUOTA_US);
    expect(cfsQuotaUs(2)).toBe(200_000);
  });

  it("accepts memory sizes from 128 to 10240 MB in 1 MB steps only", () => {
    expect(isValidMemorySize(128)).toBe(true);
    expect(isValidMemorySize(10240)).toBe(true);
    expect(isValidMemorySize(1000)).toBe(true);
    expect(isValidMemorySize(127)).toBe(false);
    expect(isValidMemorySize(10241)).toBe(false);
    expect(isValidMemorySize(256.5)).toBe(false);
    expect(isValidMemorySize("256")).toBe(false);
  });
});
