import { describe, expect, it } from "vitest";
import {
  findReport,
  parseJsonReportRecord,
  parseReportLine,
  reportFromLogResult,
} from "../../../../../functions/tuner/core/report-line.js";

const WARM =
  "REPORT RequestId: 3f0c2b1e-0000-4000-8000-000000000001\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\t";
const COLD = `${WARM}Init Duration: 180.55 ms\t`;

describe("parseReportLine (text format)", () => {
  it("reads every field of a warm REPORT line, with init 0 ms", () => {
    expect(parseReportLine(WARM)).toEqual({
      durationMs: 12.34,
      billedMs: 13,
      memorySizeMb: 128,
      maxMemoryUsedMb: 71,
      initMs: 0,
      restoreMs: 0,
      billedRestoreMs: 0,
    });
  });

  it("reads Init Duration of a cold start", () => {
    expect(parseReportLine(COLD)?.initMs).toBe(180.55);
  });

  it("reads Restore Duration and Billed Restore Duration of a SnapStart restore", () => {
    const line = `${WARM}Restore Duration: 301.2 ms\tBilled Restore Duration: 120 ms\t`;
    expect(parseReportLine(line)).toMatchObject({ restoreMs: 301.2, billedRestoreMs: 120, billedMs: 13 });
  });

  it("ignores the XRAY trace fields that may follow", () => {
    const line = `${COLD}\nXRAY TraceId: 1-abc\tSegmentId: def\tSampled: true`;
    expect(parseReportLine(line.split("\n")[0] ?? "")?.billedMs).toBe(13);
  });

  it("accepts a REPORT line with a leading timestamp prefix", () => {
    expect(parseReportLine(`2025-01-01T00:00:00.000Z ${WARM}`)?.durationMs).toBe(12.34);
  });

  it("returns undefined for START and END lines", () => {
    expect(parseReportLine("START RequestId: x Version: $LATEST")).toBeUndefined();
    expect(parseReportLine("END RequestId: x")).toBeUndefined();
  });

  it("returns undefined for a REPORT line without Billed Duration (truncated)", () => {
    expect(parseReportLine("REPORT RequestId: x\tDuration: 12.34 ms\t")).toBeUndefined();
  });

  it("returns undefined for garbage and an empty line", () => {
    expect(parseReportLine("")).toBeUndefined();
    expect(parseReportLine("REPORTS are fun")).toBeUndefined();
  });

  it("does not take a field whose number is malformed", () => {
    expect(
      parseReportLine("REPORT RequestId: x\tDuration: abc ms\tBilled Duration: 13 ms\t"),
    ).toBeUndefined();
  });
});

describe("parseJsonReportRecord (JSON log format)", () => {
  const record = {
    time: "2025-01-01T00:00:00.000Z",
    type: "platform.report",
    record: {
      requestId: "r1",
      metrics: {
        durationMs: 5.5,
        billedDurationMs: 6,
        memorySizeMB: 256,
        maxMemoryUsedMB: 80,
        initDurationMs: 150.25,
      },
      status: "success",
    },
  };

  it("reads the metrics of a platform.report record", () => {
    expect(parseJsonReportRecord(JSON.stringify(record))).toEqual({
      durationMs: 5.5,
      billedMs: 6,
      memorySizeMb: 256,
      maxMemoryUsedMb: 80,
      initMs: 150.25,
      restoreMs: 0,
      billedRestoreMs: 0,
    });
  });

  it("reads restoreDurationMs and billedRestoreDurationMs of a SnapStart restore", () => {
    const restored = {
      ...record,
      record: {
        ...record.record,
        metrics: { ...record.record.metrics, restoreDurationMs: 301.2, billedRestoreDurationMs: 120 },
      },
    };
    expect(parseJsonReportRecord(JSON.stringify(restored))).toMatchObject({
      restoreMs: 301.2,
      billedRestoreMs: 120,
    });
  });

  it("returns undefined for other record types", () => {
    expect(parseJsonReportRecord(JSON.stringify({ ...record, type: "platform.start" }))).toBeUndefined();
  });

  it("returns undefined for an application JSON log line", () => {
    expect(parseJsonReportRecord('{"level":"INFO","message":"hello"}')).toBeUndefined();
  });

  it("returns undefined for broken JSON", () => {
    expect(parseJsonReportRecord('{"type":"platform.report",')).toBeUndefined();
  });

  it("returns undefined when the metrics lack billedDurationMs", () => {
    const bad = { type: "platform.report", record: { metrics: { durationMs: 1 } } };
    expect(parseJsonReportRecord(JSON.stringify(bad))).toBeUndefined();
  });
});

describe("findReport / reportFromLogResult", () => {
  it("finds the REPORT line at the end of a whole tail", () => {
    const tail = `START RequestId: x Version: 3\n2025-01-01\tx\tINFO\tREPORT RequestId: fake in app log\nEND RequestId: x\n${COLD}\n`;
    expect(findReport(tail)?.initMs).toBe(180.55);
  });

  it("finds a JSON platform.report in a JSON-format tail", () => {
    const tail = [
      '{"type":"platform.start","record":{}}',
      '{"level":"INFO","message":"x"}',
      '{"type":"platform.report","record":{"metrics":{"durationMs":2,"billedDurationMs":3,"memorySizeMB":128,"maxMemoryUsedMB":60}}}',
    ].join("\n");
    expect(findReport(tail)?.billedMs).toBe(3);
  });

  it("decodes the base64 log result", () => {
    expect(reportFromLogResult(Buffer.from(`END\n${WARM}`).toString("base64"))?.durationMs).toBe(12.34);
  });

  it("returns undefined for a missing log result or a tail without REPORT", () => {
    expect(reportFromLogResult(undefined)).toBeUndefined();
    expect(reportFromLogResult(Buffer.from("START\nEND\n").toString("base64"))).toBeUndefined();
  });

  it("handles CRLF line endings", () => {
    expect(findReport(`START\r\n${WARM}\r\n`)?.billedMs).toBe(13);
  });
});
