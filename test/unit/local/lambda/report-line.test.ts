import { describe, expect, it } from "vitest";
import {
  billedDurationMs,
  formatJsonReport,
  formatReportLine,
} from "../../../../local/lambda/report-line.js";

const requestId = "8f5e6a3c-1c1b-4c1e-9a1e-0f1e2d3c4b5a";

describe("REPORT line", () => {
  it("matches Lambda's text format on a warm start", () => {
    expect(
      formatReportLine({ requestId, durationMs: 12.344, memorySizeMb: 128, maxMemoryUsedMb: 70.6 }),
    ).toBe(
      `REPORT RequestId: ${requestId}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\t`,
    );
  });

  it("adds Init Duration only when given (cold start)", () => {
    const line = formatReportLine({
      requestId,
      durationMs: 1.5,
      memorySizeMb: 1024,
      maxMemoryUsedMb: 80,
      initDurationMs: 180.554,
    });
    expect(line.endsWith("Max Memory Used: 80 MB\tInit Duration: 180.55 ms\t")).toBe(true);
  });

  it("bills whole milliseconds rounded up, at least 1 ms", () => {
    expect(billedDurationMs(12.0)).toBe(12);
    expect(billedDurationMs(12.01)).toBe(13);
    expect(billedDurationMs(0.2)).toBe(1);
  });

  it("marks fallback emulation and timeouts after Lambda's fields", () => {
    const line = formatReportLine({
      requestId,
      durationMs: 3000,
      memorySizeMb: 128,
      maxMemoryUsedMb: 60,
      status: "timeout",
      emulation: "fallback-cpu-scaling",
    });
    expect(line).toContain("Max Memory Used: 60 MB\tStatus: timeout\tEmulation: fallback-cpu-scaling\t");
  });

  it("emits a platform.report record in the JSON log format", () => {
    const parsed = JSON.parse(
      formatJsonReport(
        { requestId, durationMs: 2.456, memorySizeMb: 256, maxMemoryUsedMb: 64, initDurationMs: 99.999 },
        new Date("2025-01-02T03:04:05.000Z"),
      ),
    );
    expect(parsed).toEqual({
      time: "2025-01-02T03:04:05.000Z",
      type: "platform.report",
      record: {
        requestId,
        metrics: {
          durationMs: 2.46,
          billedDurationMs: 3,
          memorySizeMB: 256,
          maxMemoryUsedMB: 64,
          initDurationMs: 100,
        },
      },
    });
  });
});
