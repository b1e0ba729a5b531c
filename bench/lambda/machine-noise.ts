// The machine's own noise, outside the service: a workload of the benchmark in a plain Node process (no
// cgroup, no quota, no Lambda service), timed by its own CPU time. A VM on a shared host can make the same
// work take longer from one run to the next; where this probe already spreads past the benchmark's spread
// target, no emulation on this machine can meet it, and the tables say so. The probe also runs inside every
// sweep, once per round beside the sizes, so each sweep carries the machine's own spread over the same minutes.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { median, spread, type WorkloadKind } from "./harness.js";

const WORKLOADS = pathToFileURL(
  join(import.meta.dirname, "../../test/fixtures/functions/workloads/index.mjs"),
);

// Answers each { kind, rounds, runs } with the CPU time (ms) of `runs` calls of the fixture's handler; a
// kind and rounds it has not run before get two warm-up calls first.
const PROBE = `
const { handler } = await import(process.argv[1]);
const warm = new Set();
process.on("message", async ({ kind, rounds, runs }) => {
  const key = kind + ":" + rounds;
  if (!warm.has(key)) {
    await handler({ kind, rounds });
    await handler({ kind, rounds });
    warm.add(key);
  }
  const cpuMs = [];
  for (let i = 0; i < runs; i++) {
    const before = process.cpuUsage();
    await handler({ kind, rounds });
    const used = process.cpuUsage(before);
    cpuMs.push((used.user + used.system) / 1000);
  }
  process.send(cpuMs);
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

/** A plain Node process that runs a workload on request; stop() ends it (by its PID). */
export interface MachineProbe {
  /** CPU time (ms) of each of `runs` calls of the workload. */
  measure(kind: WorkloadKind, rounds: number, runs: number): Promise<number[]>;
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
