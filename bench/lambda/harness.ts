// What the local Lambda benchmarks share: a service in this process with a real SDK client, the workload
// classes of test/fixtures/functions/workloads, and sweeps over memory sizes that keep, for every
// invocation, both the REPORT line's Duration and what the environment measured.

import { join } from "node:path";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { cloudAdmissionCores } from "../../local/cloud.js";
import {
  createLambdaService,
  type InvocationMeasurement,
  type LambdaServiceOptions,
  type LocalLambdaService,
} from "../../local/lambda/index.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/shared/identity.js";
import type { MachineProbe } from "./machine-noise.js";

const FIXTURES = join(import.meta.dirname, "../../test/fixtures/functions");
const REPORT = /Duration: ([\d.]+) ms\t/;
const INIT = /Init Duration: ([\d.]+) ms/;
const REQUEST_ID = /^REPORT RequestId: ([0-9a-f-]{36})/m;

export const MEMORIES = [128, 256, 512, 1024, 1769, 3008];
/** Reference time of every workload at 1769 MB (one full core). */
export const REFERENCE_MS = 100;

export type WorkloadKind = "loop" | "calls" | "json" | "regex" | "sha256" | "threads";

export interface WorkloadClass {
  kind: WorkloadKind;
  label: string;
  /** Allocation-heavy: its garbage collection departs from the law, as on Lambda. */
  allocating: boolean;
}

export const DURATION_CLASSES: WorkloadClass[] = [
  { kind: "loop", label: "tight integer loop", allocating: false },
  { kind: "calls", label: "call-heavy recursion", allocating: false },
  { kind: "json", label: "JSON.parse + stringify, 100 KB", allocating: false },
  { kind: "regex", label: "regular expression tests", allocating: false },
  { kind: "sha256", label: "SHA-256, new hash object per round", allocating: true },
];

export interface Invocation {
  durationMs: number;
  initMs: number | undefined;
  roundTripMs: number;
  measurement: InvocationMeasurement | undefined;
}

export interface BenchHarness {
  lambda: LocalLambdaService;
  create(name: string, fixture: string, memoryMb: number): void;
  invoke(name: string, payload: unknown): Promise<Invocation>;
  close(): Promise<void>;
}

export async function startBenchHarness(options: LambdaServiceOptions = {}): Promise<BenchHarness> {
  const measured = new Map<string, InvocationMeasurement>();
  // The SDK-using handler needs the endpoint and dummy role credentials, as the local cloud injects them.
  const functionEnvironment: Record<string, string> = {
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_SESSION_TOKEN: "local",
  };
  // The CPU budget the local cloud gives functions, so the client and the service keep a core of their own.
  const lambda = createLambdaService({
    idleTimeoutMs: 600_000,
    functionEnvironment,
    admissionCores: cloudAdmissionCores(),
    onInvocationMeasured: (m) => measured.set(m.requestId, m),
    ...options,
  });
  const { url } = await lambda.listen();
  functionEnvironment.AWS_ENDPOINT_URL = url;
  const client = new LambdaClient({ endpoint: url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  return {
    lambda,
    create(name, fixture, memoryMb) {
      lambda.createFunctionFromDirectory({
        FunctionName: name,
        Handler: "index.handler",
        Runtime: "nodejs20.x",
        MemorySize: memoryMb,
        Timeout: 120,
        codeDir: join(FIXTURES, fixture),
      });
    },
    async invoke(name, payload) {
      const start = performance.now();
      const out = await client.send(
        new InvokeCommand({ FunctionName: name, LogType: "Tail", Payload: JSON.stringify(payload) }),
      );
      const roundTripMs = performance.now() - start;
      if (out.FunctionError) throw new Error(`${name} failed: ${Buffer.from(out.Payload ?? []).toString()}`);
      const log = Buffer.from(out.LogResult ?? "", "base64").toString();
      const report = log.slice(log.lastIndexOf("REPORT "));
      const duration = REPORT.exec(report);
      const requestId = REQUEST_ID.exec(report)?.[1];
      if (!duration || !requestId) throw new Error(`no REPORT line for ${name}`);
      const init = INIT.exec(report);
      const measurement = measured.get(requestId);
      measured.delete(requestId);
      return {
        durationMs: Number(duration[1]),
        initMs: init ? Number(init[1]) : undefined,
        roundTripMs,
        measurement,
      };
    },
    async close() {
      client.destroy();
      await lambda.close();
    },
  };
}

/** Rounds of `kind` that take about REFERENCE_MS at 1769 MB. */
export async function calibrate(h: BenchHarness, kind: WorkloadKind, prefix: string): Promise<number> {
  const name = `${prefix}-calibrate-${kind}`;
  h.create(name, "workloads", 1769);
  await h.invoke(name, { kind, rounds: 1 });
  let rounds = 10;
  for (;;) {
    const { durationMs } = await h.invoke(name, { kind, rounds });
    if (durationMs >= REFERENCE_MS / 4) return Math.max(1, Math.round((rounds * REFERENCE_MS) / durationMs));
    rounds *= 4;
  }
}

/**
 * `repeats` warm invocations of `kind` at each memory size, in rounds that visit every size once (in a
 * rotating order), so drift over the sweep touches every size alike.
 */
export async function sweep(
  h: BenchHarness,
  kind: WorkloadKind,
  rounds: number,
  options: {
    prefix: string;
    repeats: number;
    memories?: number[];
    /** Also runs the workload once per round in this plain Node process, its CPU times into `cpuMs`. */
    machine?: { probe: MachineProbe; cpuMs: number[] };
  },
): Promise<Map<number, Invocation[]>> {
  const memories = options.memories ?? MEMORIES;
  const name = (memoryMb: number) => `${options.prefix}-${kind}-${memoryMb}`;
  const results = new Map<number, Invocation[]>(memories.map((m) => [m, []]));
  for (const memoryMb of memories) {
    h.create(name(memoryMb), "workloads", memoryMb);
    await h.invoke(name(memoryMb), { kind, rounds }); // the cold start, left out
  }
  const machine = options.machine;
  // The probe takes a turn in the rotation like one more size.
  const slots = memories.length + (machine ? 1 : 0);
  for (let round = 0; round < options.repeats; round++) {
    for (let i = 0; i < slots; i++) {
      const slot = (i + round) % slots;
      const memoryMb = memories[slot];
      if (memoryMb !== undefined) {
        results.get(memoryMb)?.push(await h.invoke(name(memoryMb), { kind, rounds }));
      } else if (machine) {
        machine.cpuMs.push(...(await machine.probe.measure(kind, rounds, 1)));
      }
    }
  }
  return results;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Nearest-rank percentile (p in 0–100). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

/** p90 / p10 (nearest rank): how far apart the slow and the fast invocations of one size are. */
export function spread(values: readonly number[]): number {
  return percentile(values, 90) / percentile(values, 10);
}

/** The law's Duration at `memoryMb` for single-threaded work, from the one measured at 1769 MB. */
export function idealMs(t1769: number, memoryMb: number): number {
  return memoryMb <= 1769 ? (t1769 * 1769) / memoryMb : t1769;
}

export interface SizeSummary {
  memoryMb: number;
  medianMs: number;
  idealMs: number;
  ratio: number;
  spread: number;
}

/** Median, ratio to the ideal and spread per size, from one duration per invocation. */
export function summarize(
  results: Map<number, Invocation[]>,
  durationOf: (invocation: Invocation) => number,
): SizeSummary[] {
  const medians = new Map([...results].map(([m, xs]) => [m, median(xs.map(durationOf))]));
  const t1769 = medians.get(1769) ?? Number.NaN;
  return [...results].map(([memoryMb, xs]) => {
    const values = xs.map(durationOf);
    const medianMs = medians.get(memoryMb) ?? Number.NaN;
    const ideal = idealMs(t1769, memoryMb);
    return { memoryMb, medianMs, idealMs: ideal, ratio: medianMs / ideal, spread: spread(values) };
  });
}

/** The wall time of the handler under the quota, as REPORT showed it before Duration was accounted. */
export const wallDuration = (i: Invocation) => i.measurement?.sample?.wallMs ?? Number.NaN;
export const reportedDuration = (i: Invocation) => i.durationMs;

export const fmt = (n: number, digits = 2) => n.toFixed(digits);
