// result.json of every run kind, and reading them back for the index (older tune folders had no `kind`).
import type { TuningOutput } from "../../functions/tuner/core/index.js";
import type { LoadRunDetail } from "../loadtest/load-run.js";
import type { RunKind } from "./run-folder.js";

export interface TuneRecord {
  kind: "tune";
  functionArn: string;
  executionArn: string;
  startedAt: string;
  finishedAt: string;
  output: TuningOutput;
}

export interface LoadtestSettings {
  connections: number;
  durationS?: number;
  amount?: number;
  /** Requests per second across all connections, when capped. */
  rate?: number;
  /** What was sent, in words: "the seeds' list request, then GET /items/{id} of 9 seeded items". */
  requests: string;
}

export interface LoadtestRecord {
  kind: "loadtest";
  functionArn: string;
  /** "local" (the local cloud) or "aws". */
  cloud: "local" | "aws";
  apiUrl: string;
  startedAt: string;
  finishedAt: string;
  settings: LoadtestSettings;
  runs: LoadRunDetail[];
  /** The memory before the run, MB, put back at the end. */
  originalMemoryMb: number;
  /** Whether the original memory was put back (false only if restoring failed: the report says so). */
  restored: boolean;
  /** What transfers to AWS and what does not. */
  notes: string[];
}

export interface SmokeAssertion {
  name: string;
  passed: boolean;
  message?: string;
}

export interface SmokeExecution {
  /** The collection's folder and request name: "dispatcher / create". */
  name: string;
  method: string;
  url: string;
  status: number | null;
  responseTimeMs: number | null;
  assertions: SmokeAssertion[];
  /** A request that got no response (refused, timed out). */
  error?: string;
}

export interface SmokeRecord {
  kind: "smoke";
  /** The crud function behind the API, when known. */
  functionName?: string;
  apiUrl: string;
  table: string;
  startedAt: string;
  finishedAt: string;
  collection: string;
  requests: { total: number; failed: number };
  assertions: { total: number; failed: number };
  executions: SmokeExecution[];
}

export interface ApproveRecord {
  kind: "approve";
  functionArn: string;
  startedAt: string;
  finishedAt: string;
  /** The tuning run whose recommendation was approved. */
  runId: string;
  beforeMb: number;
  afterMb: number;
  appliedTo: string;
  approvedBy: string;
}

export type RunRecord = TuneRecord | LoadtestRecord | SmokeRecord | ApproveRecord;

const KINDS: readonly RunKind[] = ["tune", "loadtest", "smoke", "approve"];

/** A parsed result.json as a record, or undefined when it is none of ours. */
export function asRunRecord(value: unknown): RunRecord | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Partial<RunRecord> & { output?: { recommendation?: unknown } };
  if (typeof record.startedAt !== "string") return undefined;
  if (record.kind === undefined && record.output?.recommendation !== undefined) {
    // A tune report written before run folders carried their kind.
    return { ...(record as Omit<TuneRecord, "kind">), kind: "tune" };
  }
  return record.kind !== undefined && KINDS.includes(record.kind) ? (record as RunRecord) : undefined;
}
