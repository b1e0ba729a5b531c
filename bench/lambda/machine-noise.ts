// The machine's own noise, outside the service: a workload of the benchmark in a plain Node process (no
// cgroup, no quota, no Lambda service), timed by its own CPU time. A VM on a shared host can make the same
// work take longer from one run to the next; where this probe already spreads past the benchmark's spread
// target, no emulation on this machine can meet it, and the tables say so. The probe also runs inside every
// sweep, once per round beside the sizes, so each sweep carries the machine's own spread over the same minutes.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { median, spread, type WorkloadKind } from "./harness.js";
import {
  HOST_CALL_MS,
  HOST_KINDS,
  HOST_WINDOW_MS,
  type HostSample,
  hostContention,
  type KindSwing,
} from "./host-contention.js";

const WORKLOADS = pathToFileURL(
  join(import.meta.dirname, "../../test/fixtures/functions/workloads/index.mjs"),
);

// Answers each { kind, rounds, runs } with the CPU time (ms) of `runs` calls of the fixture's handler; a
// kind and rounds it has not run before get two warm-up calls first. Answers { interleave } with the kinds
// run in turn for a few seconds, each sized to about targetMs, every call's CPU time stamped with its start.
const PROBE = `
const { handler } = await import(process.argv[1]);
const cpuOf = async (kind, rounds) => {
  const before = process.cpuUsage();
  await handler({ kind, rounds });
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};
// Sized from the middle of three calls: one call can take a compile or a collection with it.
const middleOf3 = async (kind, rounds) => {
  const xs = [await cpuOf(kind, rounds), await cpuOf(kind, rounds), await cpuOf(kind, rounds)];
  return xs.sort((a, b) => a - b)[1];
};
const warm = new Set();
async function measure({ kind, rounds, runs }) {
  const key = kind + ":" + rounds;
  if (!warm.has(key)) {
    await handler({ kind, rounds });
    await handler({ kind, rounds });
    warm.add(key);
  }
  const cpuMs = [];
  for (let i = 0; i < runs; i++) cpuMs.push(await cpuOf(kind, rounds));
  return cpuMs;
}
async function interleave({ kinds, targetMs, seconds }) {
  const rounds = {};
  for (const kind of kinds) {
    let n = 1;
    await handler({ kind, rounds: n });
    while ((await middleOf3(kind, n)) < targetMs / 4) n *= 4;
    const sized = Math.max(1, Math.round((n * targetMs) / (await middleOf3(kind, n))));
    rounds[kind] = sized;
  }
  const samples = [];
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    for (const kind of kinds) {
      const atMs = performance.now() - start;
      samples.push({ atMs, kind, cpuMs: await cpuOf(kind, rounds[kind]) });
    }
  }
  return { rounds, samples };
}
process.on("message", async (request) => {
  process.send(request.interleave ? await interleave(request.interleave) : await measure(request));
});
process.send("ready");
`;

export interface MachineNoise {
  runs: number;
  medianMs: number;
  /** p90 / p10 of the runs' CPU times. */
  spread: number;
}

export function machineNoiseOf(cpuMs: readonly number[]): MachineNoise {
  return { runs: cpuMs.length, medianMs: median(cpuMs), spread: spread(cpuMs) };
}

export interface Interleaved {
  /** The rounds each kind ran per call. */
  rounds: Partial<Record<WorkloadKind, number>>;
  samples: HostSample[];
}

/** A plain Node process that runs a workload on request; stop() ends it (by its PID). */
export interface MachineProbe {
  /** CPU time (ms) of each of `runs` calls of the workload. */
  measure(kind: WorkloadKind, rounds: number, runs: number): Promise<number[]>;
  /** The kinds in turn for `seconds`, each call sized to about `targetMs` of CPU time. */
  interleave(kinds: WorkloadKind[], targetMs: number, seconds: number): Promise<Interleaved>;
  readonly pid: number | undefined;
  stop(): void;
}

export async function startMachineProbe(): Promise<MachineProbe> {
  const child: ChildProcess = spawn(process.execPath, ["--input-type=module", "-e", PROBE, WORKLOADS.href], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the machine probe exited (${code})`));
      child.once("exit", onExit);
      child.once("message", (message) => {
        child.off("exit", onExit);
        resolve(message);
      });
    });
  await next(); // "ready"
  return {
    pid: child.pid,
    async measure(kind, rounds, runs) {
      const answer = next();
      child.send({ kind, rounds, runs });
      return (await answer) as number[];
    },
    async interleave(kinds, targetMs, seconds) {
      const answer = next();
      child.send({ interleave: { kinds, targetMs, seconds } });
      return (await answer) as Interleaved;
    },
    stop() {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
    },
  };
}

export async function measureMachineNoise(
  probe: MachineProbe,
  kind: WorkloadKind,
  rounds: number,
  runs = 30,
): Promise<MachineNoise> {
  return machineNoiseOf(await probe.measure(kind, rounds, runs));
}

/** The host check: the non-allocating kinds in turn for `seconds`, and each kind's swing between windows. */
export async function checkHost(probe: MachineProbe, seconds: number): Promise<KindSwing[]> {
  const { samples } = await probe.interleave(HOST_KINDS, HOST_CALL_MS, seconds);
  return hostContention(samples, HOST_KINDS, "calls", HOST_WINDOW_MS);
}
