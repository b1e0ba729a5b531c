// Parsing Lambda's REPORT record from an invocation's log tail, in text or JSON log format.

/** One invocation's measurements, in ms and MB. initMs/restoreMs are 0 when absent (warm start). */
export interface InvocationReport {
  durationMs: number;
  billedMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  initMs: number;
  /** SnapStart: the time to restore the snapshot (and run after-restore hooks). */
  restoreMs: number;
  /** SnapStart: the part of the restore Lambda bills, at the duration price, on top of Billed Duration. */
  billedRestoreMs: number;
}

const TEXT_FIELDS: Record<string, keyof InvocationReport> = {
  Duration: "durationMs",
  "Billed Duration": "billedMs",
  "Memory Size": "memorySizeMb",
  "Max Memory Used": "maxMemoryUsedMb",
  "Init Duration": "initMs",
  "Restore Duration": "restoreMs",
  "Billed Restore Duration": "billedRestoreMs",
};

function emptyReport(): InvocationReport {
  return {
    durationMs: 0,
    billedMs: 0,
    memorySizeMb: 0,
    maxMemoryUsedMb: 0,
    initMs: 0,
    restoreMs: 0,
    billedRestoreMs: 0,
  };
}

/** Parses one text REPORT line (`REPORT RequestId: …\tDuration: 12.34 ms\t…`); undefined if it is not one. */
export function parseReportLine(line: string): InvocationReport | undefined {
  const start = line.indexOf("REPORT RequestId:");
  if (start < 0) return undefined;
  const report = emptyReport();
  let sawDuration = false;
  let sawBilled = false;
  for (const part of line.slice(start).split("\t")) {
    const match = /^\s*([A-Za-z ]+):\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|MB)\s*$/.exec(part);
    if (!match) continue;
    const key = TEXT_FIELDS[match[1] ?? ""];
    if (!key) continue;
    report[key] = Number(match[2]);
    if (key === "durationMs") sawDuration = true;
    if (key === "billedMs") sawBilled = true;
  }
  return sawDuration && sawBilled ? report : undefined;
}

/** Parses one JSON log record of type `platform.report`; undefined otherwise. */
export function parseJsonReportRecord(line: string): InvocationReport | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith("{")) return undefined;
  let record: unknown;
  try {
    record = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (typeof record !== "object" || record === null) return undefined;
  const { type, record: body } = record as { type?: unknown; record?: unknown };
  if (type !== "platform.report" || typeof body !== "object" || body === null) return undefined;
  const metrics = (body as { metrics?: Record<string, unknown> }).metrics;
  if (typeof metrics !== "object" || metrics === null) return undefined;
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
  const durationMs = num(metrics.durationMs);
  const billedMs = num(metrics.billedDurationMs);
  if (durationMs === undefined || billedMs === undefined) return undefined;
  return {
    durationMs,
    billedMs,
    memorySizeMb: num(metrics.memorySizeMB) ?? 0,
    maxMemoryUsedMb: num(metrics.maxMemoryUsedMB) ?? 0,
    initMs: num(metrics.initDurationMs) ?? 0,
    restoreMs: num(metrics.restoreDurationMs) ?? 0,
    billedRestoreMs: num(metrics.billedRestoreDurationMs) ?? 0,
  };
}

/**
 * Finds the REPORT in a decoded log tail. The tail is the last 4 KB of the log, so the REPORT is the last
 * record; we take the last match of either format.
 */
export function findReport(logTail: string): InvocationReport | undefined {
  const lines = logTail.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? "";
    const report = parseReportLine(line) ?? parseJsonReportRecord(line);
    if (report) return report;
  }
  return undefined;
}

/** Decodes the base64 `X-Amz-Log-Result` (the SDK's `LogResult`) and finds the REPORT. */
export function reportFromLogResult(logResultBase64: string | undefined): InvocationReport | undefined {
  if (!logResultBase64) return undefined;
  return findReport(Buffer.from(logResultBase64, "base64").toString("utf8"));
}
