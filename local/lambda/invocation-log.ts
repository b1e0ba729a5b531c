// The log of one invocation as Lambda writes it: START, the function's output, END and REPORT (or the
// platform.start / platform.report records of the JSON format), the tail Invoke returns, and the
// per-function log files.

import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { formatJsonReport, formatReportLine, type ReportMetrics } from "./report-line.js";

export interface InvocationLogEntry {
  logFormat: "Text" | "JSON";
  version: string;
  /** The function's timeout, for the line Lambda writes when it is reached. */
  timeoutS: number;
  /** Output of the init phase (a cold start only): Lambda writes it before START. */
  initOutput: string[];
  functionOutput: string[];
  metrics: ReportMetrics;
}

export function formatInvocationLog(entry: InvocationLogEntry, clock: () => Date = () => new Date()): string {
  const { metrics, version } = entry;
  const { requestId } = metrics;
  const json = entry.logFormat === "JSON";
  const lines = [...entry.initOutput];
  lines.push(
    json
      ? `${JSON.stringify({ time: clock().toISOString(), type: "platform.start", record: { requestId, version } })}\n`
      : `START RequestId: ${requestId} Version: ${version}\n`,
  );
  lines.push(...entry.functionOutput);
  if (metrics.status === "timeout") {
    lines.push(
      `${clock().toISOString()} ${requestId} Task timed out after ${entry.timeoutS.toFixed(2)} seconds\n`,
    );
  }
  // The JSON format has no END record: platform.report closes the invocation.
  if (!json) lines.push(`END RequestId: ${requestId}\n`);
  lines.push(`${json ? formatJsonReport(metrics, clock()) : formatReportLine(metrics)}\n`);
  return lines.join("");
}

/** Lambda returns at most the last 4 KB of the log in `X-Amz-Log-Result`. */
export function tailLog(log: string, maxBytes = 4096): string {
  const bytes = Buffer.from(log, "utf8");
  if (bytes.length <= maxBytes) return log;
  return bytes.subarray(bytes.length - maxBytes).toString("utf8");
}

/** The `X-Amz-Log-Result` value: the tail, base64-encoded. */
export function encodeLogResult(log: string): string {
  return Buffer.from(tailLog(log)).toString("base64");
}

/** Appends each function's invocation logs to `<dir>/<function name>.log`; without a dir, writes nothing. */
export class InvocationLogFiles {
  private readonly streams = new Map<string, WriteStream>();

  constructor(private readonly dir: string | undefined) {}

  append(functionName: string, text: string): void {
    const dir = this.dir;
    if (!dir) return;
    let stream = this.streams.get(functionName);
    if (!stream) {
      mkdirSync(dir, { recursive: true });
      stream = createWriteStream(join(dir, `${functionName}.log`), { flags: "a" });
      this.streams.set(functionName, stream);
    }
    stream.write(text);
  }

  /** Flushes and closes every file. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.streams.values()].map((s) => new Promise<void>((resolve) => s.end(() => resolve()))),
    );
  }
}
