// The platform's REPORT record, in Lambda's text format and in its JSON log format.

export interface ReportMetrics {
  requestId: string;
  durationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  /** Present only on a cold start. */
  initDurationMs?: number;
  /** `timeout` or `error` when the invocation did not complete normally (Lambda adds `Status:`). */
  status?: "timeout" | "error";
  /** Set when the CPU law could not be enforced with a cgroup and was emulated. */
  emulation?: string;
}

/** Lambda bills whole milliseconds, rounding the measured duration up. */
export function billedDurationMs(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs));
}

export function formatReportLine(m: ReportMetrics): string {
  let line =
    `REPORT RequestId: ${m.requestId}\tDuration: ${m.durationMs.toFixed(2)} ms\t` +
    `Billed Duration: ${billedDurationMs(m.durationMs)} ms\tMemory Size: ${m.memorySizeMb} MB\t` +
    `Max Memory Used: ${Math.round(m.maxMemoryUsedMb)} MB\t`;
  if (m.initDurationMs !== undefined) line += `Init Duration: ${m.initDurationMs.toFixed(2)} ms\t`;
  if (m.status !== undefined) line += `Status: ${m.status}\t`;
  if (m.emulation !== undefined) line += `Emulation: ${m.emulation}\t`;
  return line;
}

export function formatJsonReport(m: ReportMetrics, time: Date): string {
  const metrics: Record<string, number> = {
    durationMs: round2(m.durationMs),
    billedDurationMs: billedDurationMs(m.durationMs),
    memorySizeMB: m.memorySizeMb,
    maxMemoryUsedMB: Math.round(m.maxMemoryUsedMb),
  };
  if (m.initDurationMs !== undefined) metrics.initDurationMs = round2(m.initDurationMs);
  const record: Record<string, unknown> = { requestId: m.requestId, metrics };
  if (m.status !== undefined) record.status = m.status;
  if (m.emulation !== undefined) record.emulation = m.emulation;
  return JSON.stringify({ time: time.toISOString(), type: "platform.report", record });
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
