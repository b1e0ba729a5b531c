// Types of cpu-accounting.mjs, which stays plain JavaScript so the runtime bootstrap loads it as is.

export type CgroupFlavour = "v1" | "v2";

/** Where a cgroup's CPU counters live: v2 the environment's cgroup; v1 its cpu and cpuacct cgroups. */
export interface CgroupCpuSource {
  flavour: CgroupFlavour;
  cpuDir: string;
  /** v1 only: the cpuacct cgroup (the cpu directory itself when both controllers share a hierarchy). */
  cpuacctDir?: string | undefined;
}

export interface CgroupCpuCounters {
  /** CPU time used by every thread in the cgroup. */
  usageNs: number;
  /** Time the cgroup spent throttled by its CFS quota. */
  throttledNs: number;
  throttledPeriods: number;
}

export interface ThreadTimes {
  onCpuNs: number;
  /** Runnable but not running: throttled, or behind other tasks on the run queue. */
  runDelayNs: number;
}

/** What one invocation (or init phase) of an environment measured. Times in ms. */
export interface CpuSample {
  wallMs: number;
  /** CPU time of the whole environment (every thread). */
  cpuMs: number;
  throttledMs: number;
  throttledPeriods?: number;
  /** The main thread's CPU time; undefined without /proc. */
  mainCpuMs: number | undefined;
  /** The main thread's time runnable but not running (throttled or queued); undefined without /proc. */
  mainRunDelayMs: number | undefined;
  /** Time the other threads (GC and compiler helpers, the libuv pool, workers) were on a CPU or runnable. */
  otherThreadsBusyMs: number;
}

export function parseKeyValues(text: string): Record<string, number>;
export function parseSchedstat(text: string): ThreadTimes;
export function cgroupCpuCounters(
  flavour: CgroupFlavour,
  usageText: string,
  statText: string,
): CgroupCpuCounters;
export function cgroupCpuFiles(source: CgroupCpuSource): { usage: string | undefined; stat: string };

export class CgroupCpuReader {
  constructor(source: CgroupCpuSource);
  read(): CgroupCpuCounters;
  close(): void;
}

export class ThreadClock {
  constructor(pid: number | "self", tid: number);
  readonly tid: number;
  read(): ThreadTimes;
  close(): void;
}

export function threadIds(pid: number | "self"): number[];

export interface MeterStart {
  readonly wall: bigint;
}

export class InvocationMeter {
  constructor(options: { cgroup: CgroupCpuSource | undefined });
  totals(): Omit<CpuSample, "wallMs">;
  start(): MeterStart;
  stop(started: MeterStart): CpuSample;
}
