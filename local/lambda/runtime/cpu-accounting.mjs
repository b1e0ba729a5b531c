// How an execution environment's CPU time is read: the cgroup's own counters (v1 `cpuacct.usage` and the cpu
// controller's `cpu.stat`, v2 `cpu.stat`) and the scheduler's statistics of single threads
// (`/proc/<pid>/task/<tid>/schedstat`: time on a CPU, and time runnable but waiting for one, throttled or
// behind other tasks). Plain JavaScript, so the runtime bootstrap can import it without a TypeScript loader;
// the service imports it too (cpu-accounting.d.mts gives its types).
//
// Files are opened once and re-read with pread at offset 0 (the kernel regenerates them on every read): a
// reading costs about a microsecond, small enough to take just before and just after a handler runs.

import { closeSync, openSync, readdirSync, readSync } from "node:fs";
import { join } from "node:path";

/** `cpu.stat` and its kin: one `key value` pair per line. */
export function parseKeyValues(text) {
  const values = {};
  for (const line of text.split("\n")) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && /^\d+$/.test(value)) values[key] = Number(value);
  }
  return values;
}

/** `schedstat`: nanoseconds on a CPU, nanoseconds runnable but not running, and the number of time slices. */
export function parseSchedstat(text) {
  const [onCpu, runDelay] = text.trim().split(/\s+/).map(Number);
  return { onCpuNs: onCpu ?? 0, runDelayNs: runDelay ?? 0 };
}

/**
 * A cgroup's CPU counters in nanoseconds. v1 keeps usage in the cpuacct controller (`cpuacct.usage`, ns) and
 * throttling in the cpu controller (`cpu.stat` throttled_time, ns); v2 has both in `cpu.stat`, in µs.
 */
export function cgroupCpuCounters(flavour, usageText, statText) {
  const stat = parseKeyValues(statText);
  if (flavour === "v2") {
    return {
      usageNs: (stat.usage_usec ?? 0) * 1000,
      throttledNs: (stat.throttled_usec ?? 0) * 1000,
      throttledPeriods: stat.nr_throttled ?? 0,
    };
  }
  return {
    usageNs: Number(usageText.trim() || 0),
    throttledNs: stat.throttled_time ?? 0,
    throttledPeriods: stat.nr_throttled ?? 0,
  };
}

class HeldFile {
  constructor(path) {
    this.fd = openSync(path, "r");
    this.buffer = Buffer.alloc(4096);
  }

  read() {
    const length = readSync(this.fd, this.buffer, 0, this.buffer.length, 0);
    return this.buffer.toString("latin1", 0, length);
  }

  close() {
    closeSync(this.fd);
  }
}

/** The files that hold a cgroup's CPU counters: v1 `cpuacct.usage` + `cpu.stat`, v2 `cpu.stat` alone. */
export function cgroupCpuFiles(source) {
  if (source.flavour === "v2") return { usage: undefined, stat: join(source.cpuDir, "cpu.stat") };
  return {
    usage: source.cpuacctDir ? join(source.cpuacctDir, "cpuacct.usage") : undefined,
    stat: join(source.cpuDir, "cpu.stat"),
  };
}

/** Reads one cgroup's CPU counters, keeping its files open. */
export class CgroupCpuReader {
  constructor(source) {
    const files = cgroupCpuFiles(source);
    if (source.flavour === "v1" && !files.usage)
      throw new Error("cgroup v1 CPU usage needs a cpuacct cgroup");
    this.flavour = source.flavour;
    this.stat = new HeldFile(files.stat);
    this.usage = files.usage ? new HeldFile(files.usage) : undefined;
  }

  read() {
    const usageText = this.usage ? this.usage.read() : "";
    return cgroupCpuCounters(this.flavour, usageText, this.stat.read());
  }

  close() {
    this.stat.close();
    this.usage?.close();
  }
}

/** One thread's schedstat, kept open. */
export class ThreadClock {
  constructor(pid, tid) {
    this.tid = tid;
    this.file = new HeldFile(`/proc/${pid}/task/${tid}/schedstat`);
  }

  read() {
    return parseSchedstat(this.file.read());
  }

  close() {
    this.file.close();
  }
}

/** The thread ids of a process. */
export function threadIds(pid) {
  return readdirSync(`/proc/${pid}/task`).map(Number);
}

const NS_PER_MS = 1e6;

/**
 * Measures one invocation (or the init phase) of the environment it runs in: wall time, the environment's
 * CPU time (its cgroup's usage counter; the process's own rusage where no cgroup accounts for it), the main
 * thread's time on a CPU and runnable-but-waiting, and the busy time (on a CPU or runnable) of every other
 * thread: V8's garbage-collector and compiler helpers, the libuv pool, worker threads. The main thread waits
 * on them at times (a parallel scavenge, an async hash); that wait is CPU work, not blocking. On a system
 * without /proc, only wall and CPU time are measured.
 */
export class InvocationMeter {
  constructor({ cgroup }) {
    this.pid = process.pid;
    this.cgroup = undefined;
    try {
      if (cgroup) this.cgroup = new CgroupCpuReader(cgroup);
    } catch {
      // unreadable counters: the process's own rusage counts the same threads (one process per cgroup)
    }
    this.clocks = new Map();
    try {
      this.main = new ThreadClock(this.pid, this.pid);
    } catch {
      this.main = undefined;
    }
  }

  /** The environment's CPU time so far, and its throttled time, in ns. */
  cpu() {
    // The kernel adds a running thread's time to its counters (the cgroup's, its schedstat) only at a tick
    // or a context switch, so a reading taken while it runs is up to a tick (4 ms at 250 Hz) behind.
    // getrusage brings the calling thread's time up to date first (task_sched_runtime), counters included.
    const usage = process.cpuUsage();
    if (this.cgroup) return this.cgroup.read();
    return { usageNs: (usage.user + usage.system) * 1000, throttledNs: 0, throttledPeriods: 0 };
  }

  /** Busy ns (on a CPU or runnable) of each thread but the main one, by thread id. */
  otherThreadsBusy() {
    const busy = new Map();
    if (!this.main) return busy;
    let tids = [];
    try {
      tids = threadIds(this.pid);
    } catch {
      return busy;
    }
    for (const tid of tids) {
      if (tid === this.pid) continue;
      let clock = this.clocks.get(tid);
      try {
        if (!clock) {
          clock = new ThreadClock(this.pid, tid);
          this.clocks.set(tid, clock);
        }
        const { onCpuNs, runDelayNs } = clock.read();
        busy.set(tid, onCpuNs + runDelayNs);
      } catch {
        // the thread ended meanwhile
        clock?.close();
        this.clocks.delete(tid);
      }
    }
    return busy;
  }

  /** Everything measured so far, from the process's start (the init phase is measured this way). */
  totals() {
    const cpu = this.cpu(); // brings the main thread's schedstat up to date too
    const main = this.main?.read();
    let otherNs = 0;
    for (const ns of this.otherThreadsBusy().values()) otherNs += ns;
    return {
      cpuMs: cpu.usageNs / NS_PER_MS,
      throttledMs: cpu.throttledNs / NS_PER_MS,
      mainCpuMs: main ? main.onCpuNs / NS_PER_MS : undefined,
      mainRunDelayMs: main ? main.runDelayNs / NS_PER_MS : undefined,
      otherThreadsBusyMs: otherNs / NS_PER_MS,
    };
  }

  /** Readings taken just before a handler runs; the wall clock starts last. */
  start() {
    const others = this.otherThreadsBusy();
    const cpu = this.cpu(); // brings the main thread's schedstat up to date too
    const main = this.main?.read();
    return { others, main, cpu, wall: process.hrtime.bigint() };
  }

  /** The invocation's sample: what changed since `start()`; the wall clock stops first. */
  stop(started) {
    const wall = process.hrtime.bigint();
    const cpu = this.cpu(); // brings the main thread's schedstat up to date too
    const main = this.main?.read();
    // Threads created during the invocation (a worker, the pool on first use) count from zero.
    let otherNs = 0;
    for (const [tid, ns] of this.otherThreadsBusy()) otherNs += ns - (started.others.get(tid) ?? 0);
    return {
      wallMs: Number(wall - started.wall) / NS_PER_MS,
      cpuMs: (cpu.usageNs - started.cpu.usageNs) / NS_PER_MS,
      throttledMs: (cpu.throttledNs - started.cpu.throttledNs) / NS_PER_MS,
      throttledPeriods: cpu.throttledPeriods - started.cpu.throttledPeriods,
      mainCpuMs: main && started.main ? (main.onCpuNs - started.main.onCpuNs) / NS_PER_MS : undefined,
      mainRunDelayMs:
        main && started.main ? (main.runDelayNs - started.main.runDelayNs) / NS_PER_MS : undefined,
      otherThreadsBusyMs: otherNs / NS_PER_MS,
    };
  }
}
