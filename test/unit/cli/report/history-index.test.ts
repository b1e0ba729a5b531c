import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeLoadtestReport } from "../../../../cli/loadtest/loadtest-report.js";
import { readRunRecords, renderIndexHtml, runVerdict } from "../../../../cli/report/history-index.js";
import { memoryChangeOfTuning, renderMemorySummary } from "../../../../cli/report/memory-summary.js";
import { describeDrift, historyRowOf } from "../../../../cli/report/trend.js";
import { writeReport } from "../../../../cli/report/write-report.js";
import { makeSmokeFolder, writeSmokeReport } from "../../../../cli/smoke/smoke-report.js";
import { FUNCTION_ARN, loadtestRecord, smokeRecord, tuningOutput } from "../../../support/report-fixtures.js";

const meta = (startedAt: string) => ({
  functionArn: FUNCTION_ARN,
  executionArn: `arn:aws:states:us-east-1:000000000000:execution:tuner:run-${startedAt.slice(0, 10)}`,
  startedAt: new Date(startedAt),
  finishedAt: new Date(startedAt),
});

describe("the reports history", () => {
  it("lists every run newest first and charts each function's tunings, one point per run", async () => {
    const reports = mkdtempSync(join(tmpdir(), "powertune-index-"));
    await writeReport(reports, tuningOutput(512), meta("2026-11-01T10:00:00.000Z"));
    await writeReport(reports, tuningOutput(1024, "no"), meta("2026-11-08T10:00:00.000Z"));
    await writeLoadtestReport(reports, loadtestRecord("2026-11-09T10:00:00.000Z"));
    const smokeDir = await makeSmokeFolder(reports, new Date("2026-11-10T10:00:00.000Z"), "crud");
    await writeSmokeReport(reports, smokeDir, smokeRecord("2026-11-10T10:00:00.000Z", true));

    const runs = await readRunRecords(reports);
    expect(runs.map((r) => r.record.kind)).toEqual(["smoke", "loadtest", "tune", "tune"]);
    expect(runs.map((r) => r.folder)).toContain("2026-11-01T10-00-00Z-tune-crud");
    const html = readFileSync(join(reports, "index.html"), "utf8");
    expect(html.match(/<tr/g)).toHaveLength(1 + 4);
    expect(html).toContain('href="history/2026-11-09T10-00-00Z-loadtest-crud/report.html"');
    expect(html).toContain('<tr class="failed">');
    // Three tuning trends (2 points each) and one load-test trend (2 sizes × 1 run).
    expect(html.match(/<circle class="point"/g)).toHaveLength(3 * 2 + 2);
    expect(html).not.toMatch(/<script|<link|<img|src=/i);
  });

  it("reads tune folders written before run folders carried their kind", async () => {
    const reports = mkdtempSync(join(tmpdir(), "powertune-old-"));
    const old = join(reports, "history", "2026-10-01T10-00-00Z-crud");
    mkdirSync(old, { recursive: true });
    const { kind: _kind, ...withoutKind } = {
      kind: "tune",
      ...meta("2026-10-01T10:00:00.000Z"),
      output: tuningOutput(512),
    };
    writeFileSync(join(old, "result.json"), JSON.stringify(withoutKind));
    writeFileSync(join(reports, "history", "not-a-run.txt"), "");
    const [run] = await readRunRecords(reports);
    expect(run?.record.kind).toBe("tune");
    expect(runVerdict(run?.record ?? smokeRecord("x"))).toBe(
      "512 MB, applied (was 128 MB); 0.00000210 USD per invocation",
    );
    expect(renderIndexHtml(await readRunRecords(reports), new Date())).toContain("1 run,");
  });

  it("says what each kind of run concluded", () => {
    expect(runVerdict(loadtestRecord("2026-11-09T10:00:00.000Z"))).toBe(
      "128 MB: p50 20 ms, 150 req/s; 1024 MB: p50 7 ms, 420 req/s",
    );
    expect(runVerdict(smokeRecord("2026-11-09T10:00:00.000Z"))).toBe("passed: 3/3 assertions");
    expect(runVerdict(smokeRecord("2026-11-09T10:00:00.000Z", true))).toBe("FAILED: 1 of 3 assertions");
  });
});

describe("memory-summary.md", () => {
  it("is written when a tuning applied its winner: before → after, evidence, who decided, when", async () => {
    const reports = mkdtempSync(join(tmpdir(), "powertune-memory-"));
    const applied = await writeReport(reports, tuningOutput(512), meta("2026-11-01T10:00:00.000Z"));
    const summary = readFileSync(join(applied, "memory-summary.md"), "utf8");
    expect(summary).toContain("**128 MB → 512 MB**");
    expect(summary).toContain("decided by: the optimizer (autoOptimize, strategy balanced)");
    expect(summary).toContain("when: 2026-11-01 10:00:00 UTC");
    expect(summary).toContain("41.5 % better on balanced");
    expect(summary.split("\n").filter((line) => /^\| +\d+ MB/.test(line))).toHaveLength(3);
    const kept = await writeReport(reports, tuningOutput(1024, "no"), meta("2026-11-02T10:00:00.000Z"));
    expect(() => readFileSync(join(kept, "memory-summary.md"))).toThrow(/ENOENT/);
  });

  it("names the alias when the winner went behind one", () => {
    const output = tuningOutput(512);
    output.recommendation.appliedTo = `${FUNCTION_ARN}:live`;
    const change = memoryChangeOfTuning(output.recommendation, meta("2026-11-01T10:00:00.000Z"), undefined);
    expect(change?.runId).toBe("run-2026-11-01");
    expect(renderMemorySummary(change ?? ({} as never))).toContain(`on \`${FUNCTION_ARN}:live\``);
  });
});

describe("the TuningHistory trend", () => {
  it("turns recorded runs into rows and drift lines, newest first in, oldest first out", () => {
    const rows = [
      historyRowOf({
        timestamp: "2026-11-08T10:00:00Z",
        runId: "b",
        status: "succeeded",
        output: tuningOutput(1024, "no"),
      }),
      historyRowOf({
        timestamp: "2026-11-05T10:00:00Z",
        runId: "x",
        status: "approved",
        output: { recommendation: tuningOutput(512).recommendation, applyTo: "$LATEST" },
      }),
      historyRowOf({
        timestamp: "2026-11-03T10:00:00Z",
        runId: "f",
        status: "failed",
        output: { error: { Error: "PowerValueFailedError" } },
      }),
      historyRowOf({
        timestamp: "2026-11-01T10:00:00Z",
        runId: "a",
        status: "succeeded",
        output: tuningOutput(512),
      }),
    ];
    expect(rows.map((r) => r.outcome)).toEqual([
      "kept 128 MB",
      "approved: 128 → 512 MB",
      "failed: PowerValueFailedError",
      "applied (was 128 MB)",
    ]);
    expect(rows[0]).toMatchObject({ power: 1024, costUsd: 0.0000034 });
    expect(rows[0]?.p90Ms).toBeCloseTo(20.9);
    expect(describeDrift(rows, "MB", (r) => r.power)).toBe("512 → 1024 MB");
  });
});
