// The machine's own noise, outside the service: a workload of the benchmark in a plain Node process (no
// cgroup, no quota, no Lambda service), timed by its own CPU time over repeated runs. A VM on a shared host
// can make the same work take longer from one run to the next; where this probe already spreads past the
// benchmark's spread target, no emulation on this machine can meet it, and the tables say so.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { median, spread, type WorkloadKind } from "./harness.js";

const WORKLOADS = pathToFileURL(
  join(import.meta.dirname, "../../test/fixtures/functions/workloads/index.mjs"),
);

// Runs the fixture's handler `runs` times after two warm-ups and prints each run's CPU time (ms) as JSON.
const PROBE = `
const { handler } = await import(process.argv[1]);
const [kind, rounds, runs] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
await handler({ kind, rounds });
await handler({ kind, rounds });
const cpuMs = [];
for (let i = 0; i < runs; i++) {
  const before = process.cpuUsage();
  await handler({ kind, rounds });
  const used = process.cpuUsage(before);
  cpuMs.push((used.user + used.system) / 1000);
}
process.stdout.write(JSON.stringify(cpuMs));
`;

export interface MachineNoise {
  runs: number;
  medianMs: number;
  /** p90 / p10 of the runs' CPU times. */
  spread: number;
}

export async function measureMachineNoise(
  kind: WorkloadKind,
  rounds: number,
  runs = 30,
): Promise<MachineNoise> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    "--input-type=module",
    "-e",
    PROBE,
    WORKLOADS.href,
    kind,
    String(rounds),
    String(runs),
  ]);
  const cpuMs = JSON.parse(stdout) as number[];
  return { runs: cpuMs.length, medianMs: median(cpuMs), spread: spread(cpuMs) };
}
