import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TuningOutput } from "../../functions/tuner/core/index.js";
import { type ReportMeta, renderReportHtml, renderSummaryMarkdown } from "./tuning-report.js";

/** `2026-11-22T10-04-05Z-my-function`: sortable, and safe on every file system. */
export function reportFolderName(startedAt: Date, functionArn: string): string {
  const stamp = startedAt
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/:/g, "-");
  const name = functionArn.split(":function:")[1]?.split(":")[0] ?? functionArn;
  return `${stamp}-${name.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

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

/** Writes result.json, summary.md and report.html under `<reportsDir>/history/<stamp>-<function>/`. */
export async function writeReport(
  reportsDir: string,
  output: TuningOutput,
  meta: ReportMeta,
): Promise<string> {
  const dir = join(reportsDir, "history", reportFolderName(meta.startedAt, meta.functionArn));
  await mkdir(dir, { recursive: true });
  await Promise.all([
    writeFile(join(dir, "result.json"), `${JSON.stringify({ ...meta, output }, null, 2)}\n`),
    writeFile(join(dir, "summary.md"), renderSummaryMarkdown(output, meta)),
    writeFile(join(dir, "report.html"), renderReportHtml(output, meta)),
  ]);
  return dir;
}
