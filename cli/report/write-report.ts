import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TuningOutput } from "../../functions/tuner/core/index.js";
import { writeIndex } from "./history-index.js";
import { memoryChangeOfTuning, renderMemorySummary } from "./memory-summary.js";
import type { TuneRecord } from "./records.js";
import { makeRunFolder } from "./run-folder.js";
import { type ReportMeta, renderReportHtml, renderSummaryMarkdown } from "./tuning-report.js";

/** What a finished execution leaves to report on. */
export interface FinishedExecution {
  executionArn: string;
  startedAt: Date;
  finishedAt: Date;
}

/** The report of one finished execution of the tuner on `functionArn`. */
export function writeExecutionReport(
  reportsDir: string,
  functionArn: string,
  execution: FinishedExecution,
  output: TuningOutput,
): Promise<string> {
  const { executionArn, startedAt, finishedAt } = execution;
  return writeReport(reportsDir, output, { functionArn, executionArn, startedAt, finishedAt });
}

/**
 * Writes result.json, summary.md and report.html under `<reportsDir>/history/<stamp>-tune-<function>/`,
 * memory-summary.md when the run applied its winner, then rewrites reports/index.html.
 */
export async function writeReport(
  reportsDir: string,
  output: TuningOutput,
  meta: ReportMeta,
): Promise<string> {
  const dir = await makeRunFolder(reportsDir, meta.startedAt, "tune", meta.functionArn);
  const record: TuneRecord = {
    kind: "tune",
    ...meta,
    startedAt: meta.startedAt.toISOString(),
    finishedAt: meta.finishedAt.toISOString(),
    output,
  };
  const change = memoryChangeOfTuning(output.recommendation, meta, output.stats);
  await Promise.all([
    writeFile(join(dir, "result.json"), `${JSON.stringify(record, null, 2)}\n`),
    writeFile(join(dir, "summary.md"), renderSummaryMarkdown(output, meta)),
    writeFile(join(dir, "report.html"), renderReportHtml(output, meta)),
    ...(change ? [writeFile(join(dir, "memory-summary.md"), renderMemorySummary(change))] : []),
  ]);
  await writeIndex(reportsDir);
  return dir;
}
