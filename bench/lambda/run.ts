// npm run bench:lambda — fidelity of the local Lambda service: the memory→CPU law as the environment's own
// CPU accounting sees it, Durations of five workload classes at six memory sizes (three sweeps in a row),
// the same on a machine kept busy by other processes, side by side vs alone, invoke overhead and cold
// starts. Prints the section and rewrites "## Local Lambda service" in docs/benchmarks.md.

import { type ChildProcess, spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { cloudAdmissionCores } from "../../local/cloud.js";
import { MB_PER_VCPU } from "../../local/lambda/cpu-law.js";
import { DEFAULT_CPU_LAW } from "../../local/lambda/index.js";
import { machineLine, rewriteSection } from "../support/benchmarks-doc.js";
import { parseBenchArgs } from "../support/cli.js";
import {
  calibrate,
  DURATION_CLASSES,
  fmt,
  type Invocation,
  MEMORIES,
  median,
  REFERENCE_MS,
  reportedDuration,
  type SizeSummary,
  startBenchHarness,
  summarize,
  sweep,
  wallDuration,
} from "./harness.js";
import {
  HOST_CALL_MS,
  HOST_KINDS,
  HOST_WINDOW_MS,
  hostContentionTable,
  hostVerdict,
} from "./host-contention.js";
import {
  checkHost,
  type MachineNoise,
  type MachineProbe,
  machineNoiseOf,
  measureMachineNoise,
  startMachineProbe,
} from "./machine-noise.js";

const USAGE = `usage: npm run bench:lambda

Measures the local Lambda service's fidelity to the memory→CPU law (about 15 minutes): the law as each
environment's CPU accounting sees it, Durations of five workload classes at six memory sizes in three sweeps,
the machine's own noise and the host check (npm run bench:host) before and after, a busy machine, side by
side, overhead and cold starts. Prints the section and rewrites "## Local Lambda service" in
docs/benchmarks.md. Run it on an otherwise idle machine.
`;
parseBenchArgs(USAGE, {});

const SECTION = "## Local Lambda service";
const SWEEPS = 3;
const REPEATS = 12;
const RATIO_TARGET = 0.1;
const SPREAD_TARGET = 1.25;
const AGREEMENT_TARGET = 0.05;
const LAW_TARGET = 0.05;
/** The law is read over invocations lasting about this long (60 CFS periods of 100 ms). */
const LAW_INVOCATION_MS = 6000;
/** How long each host check runs, before the sweeps and after them. */
const HOST_SECONDS = 30;
const SIDE_BY_SIDE = [128, 256, 512, 1024, 1769];
const HOG_MEMORIES = [128, 512, 1769];
const HOG_ROUNDS = 8;
const CORES = availableParallelism();

const log = (line: string) => process.stderr.write(`${line}\n`);
const yesNo = (ok: boolean) => (ok ? "yes" : "no");
/** How far the sweeps' medians stray from their mean: the largest |median ÷ mean − 1|. */
const sweepsAgreement = (medians: number[]) => {
  const mean = medians.reduce((a, b) => a + b, 0) / medians.length;
  return Math.max(...medians.map((m) => Math.abs(m / mean - 1)));
};

const h = await startBenchHarness();
const hogs: ChildProcess[] = [];
let probe: MachineProbe | undefined;
try {
  probe = await startMachineProbe();
  // 0. The machine's own noise before the sweeps, outside the service (and again after them, below).
  const probeRounds = await calibrate(h, "calls", "noise");
  log(`machine noise probe: call-heavy recursion (${probeRounds} rounds) in plain node, before the sweeps`);
  const noiseBefore = await measureMachineNoise(probe, "calls", probeRounds);
  const activeProbe = probe;
  const hostCheck = async (when: string) => {
    log(`the host check, ${when}: ${HOST_KINDS.join(", ")} in turn in plain node for ${HOST_SECONDS} s`);
    return checkHost(activeProbe, HOST_SECONDS);
  };
  const hostBefore = await hostCheck("before the sweeps");

  // 1. Durations of every class, three sweeps; the same invocations give the law as the environment saw it.
  const calibrated = new Map<string, number>();
  const sweeps = new Map<string, SizeSummary[][]>();
  const wallSweeps = new Map<string, SizeSummary[][]>();
  // The same work in the plain Node probe, once per round of each sweep.
  const machineSweeps = new Map<string, MachineNoise[]>();
  for (const cls of DURATION_CLASSES) {
    const rounds = await calibrate(h, cls.kind, "bench");
    calibrated.set(cls.kind, rounds);
    for (let run = 1; run <= SWEEPS; run++) {
      log(`${cls.label}: sweep ${run} of ${SWEEPS} (${rounds} rounds)`);
      const machine = { probe, cpuMs: [] as number[] };
      const results = await sweep(h, cls.kind, rounds, {
        prefix: `bench-s${run}`,
        repeats: REPEATS,
        machine,
      });
      machineSweeps.set(cls.kind, [...(machineSweeps.get(cls.kind) ?? []), machineNoiseOf(machine.cpuMs)]);
      sweeps.set(cls.kind, [...(sweeps.get(cls.kind) ?? []), summarize(results, reportedDuration)]);
      wallSweeps.set(cls.kind, [...(wallSweeps.get(cls.kind) ?? []), summarize(results, wallDuration)]);
    }
  }
  log("machine noise probe, after the sweeps");
  const noiseAfter = await measureMachineNoise(probe, "calls", probeRounds);
  const hostAfter = await hostCheck("after the sweeps");
  const noiseLine = (label: string, noise: MachineNoise) =>
    `${label}: median ${fmt(noise.medianMs)} ms, p90/p10 ${fmt(noise.spread)}`;
  const noisy = Math.max(noiseBefore.spread, noiseAfter.spread) > SPREAD_TARGET;
  // The same work's median, before against after: how far the machine's own speed moved during the sweeps.
  const speedMove = noiseAfter.medianMs / noiseBefore.medianMs - 1;
  const drifted = Math.abs(speedMove) > AGREEMENT_TARGET;

  // 2. The law as the environment sees it: CPU time ÷ wall time of long busy invocations, from the cgroup.
  const lawRow = async (
    label: string,
    kind: "loop" | "threads",
    rounds: number,
    memoryMb: number,
    threads: number,
  ) => {
    const name = `bench-law-${kind}-${memoryMb}`;
    h.create(name, "workloads", memoryMb);
    await h.invoke(name, { kind, rounds: 1 }); // the cold start, left out
    const sample = (await h.invoke(name, { kind, rounds })).measurement?.sample;
    if (!sample) throw new Error(`${name} measured nothing`);
    const expected = Math.min(memoryMb / MB_PER_VCPU, threads, CORES);
    const raw = sample.cpuMs / sample.wallMs;
    // Time the main thread was runnable but not throttled: it waited behind other processes for a CPU.
    const contendedMs = Math.max(0, (sample.mainRunDelayMs ?? 0) - sample.throttledMs);
    const uncontended = sample.cpuMs / (sample.wallMs - contendedMs);
    return `| ${label} | ${memoryMb} MB | ${fmt(expected, 3)} | ${fmt(raw, 3)} | ${fmt((contendedMs / sample.wallMs) * 100, 1)} % | ${fmt(uncontended, 3)} | ${fmt(uncontended / expected, 3)} | ${yesNo(Math.abs(uncontended / expected - 1) <= LAW_TARGET)} |`;
  };
  const lawRows: string[] = [];
  // Rounds for a wall time of about LAW_INVOCATION_MS at each size (calibrated to REFERENCE_MS at 1769 MB).
  const lawScale = LAW_INVOCATION_MS / REFERENCE_MS;
  const loopRounds = calibrated.get("loop") ?? 1;
  for (const memoryMb of MEMORIES) {
    const rounds = Math.round(loopRounds * lawScale * Math.min(memoryMb / MB_PER_VCPU, 1));
    lawRows.push(await lawRow("tight integer loop (1 thread)", "loop", rounds, memoryMb, 1));
  }
  // Calibrated on two threads at 1769 MB (one core): the rounds each thread runs.
  const threadRounds = await calibrate(h, "threads", "bench");
  for (const memoryMb of [512, 1024, 1769, 3008]) {
    const rounds = Math.round(threadRounds * lawScale * Math.min(memoryMb / MB_PER_VCPU, 2));
    lawRows.push(await lawRow("tight integer loop (2 threads)", "threads", rounds, memoryMb, 2));
  }

  // 3. A busy machine: the same work with other processes keeping every core busy, alternating rounds.
  log("busy machine: call-heavy recursion with and without CPU hogs");
  for (let i = 0; i < CORES; i++) {
    const hog = spawn(process.execPath, ["-e", "for(;;){}"], { stdio: "ignore" });
    hog.kill("SIGSTOP");
    hogs.push(hog);
  }
  const callRounds = calibrated.get("calls") ?? 1;
  const quiet = new Map<number, Invocation[]>(HOG_MEMORIES.map((m) => [m, []]));
  const busy = new Map<number, Invocation[]>(HOG_MEMORIES.map((m) => [m, []]));
  for (const memoryMb of HOG_MEMORIES) {
    h.create(`bench-hog-${memoryMb}`, "workloads", memoryMb);
    await h.invoke(`bench-hog-${memoryMb}`, { kind: "calls", rounds: callRounds });
  }
  for (let round = 0; round < HOG_ROUNDS; round++) {
    for (const [running, into] of [
      [false, quiet],
      [true, busy],
    ] as const) {
      for (const hog of hogs) hog.kill(running ? "SIGCONT" : "SIGSTOP");
      if (running) await new Promise((r) => setTimeout(r, 100));
      for (const memoryMb of HOG_MEMORIES) {
        into
          .get(memoryMb)
          ?.push(await h.invoke(`bench-hog-${memoryMb}`, { kind: "calls", rounds: callRounds }));
      }
    }
  }
  for (const hog of hogs) hog.kill("SIGKILL");
  const hogRows = HOG_MEMORIES.map((memoryMb) => {
    const q = quiet.get(memoryMb) ?? [];
    const b = busy.get(memoryMb) ?? [];
    const reported = median(b.map(reportedDuration)) / median(q.map(reportedDuration));
    const wall = median(b.map(wallDuration)) / median(q.map(wallDuration));
    const runQueue = median(
      b.map((i) => (i.measurement?.sample?.mainRunDelayMs ?? 0) - (i.measurement?.sample?.throttledMs ?? 0)),
    );
    return `| ${memoryMb} MB | ${fmt(median(q.map(reportedDuration)))} ms | ${fmt(median(b.map(reportedDuration)))} ms | ${fmt(reported, 3)} | ${fmt(median(q.map(wallDuration)))} ms | ${fmt(median(b.map(wallDuration)))} ms | ${fmt(wall, 3)} | ${fmt(runQueue)} ms |`;
  });

  // 4. Side by side vs alone: sizes invoked together, three rounds, against the first sweep's medians.
  const together = new Map<number, number[]>(SIDE_BY_SIDE.map((m) => [m, []]));
  for (let round = 0; round < 3; round++) {
    const results = await Promise.all(
      SIDE_BY_SIDE.map((m) => h.invoke(`bench-s1-loop-${m}`, { kind: "loop", rounds: loopRounds })),
    );
    for (const [i, r] of results.entries()) together.get(SIDE_BY_SIDE[i] ?? 0)?.push(r.durationMs);
  }
  const aloneSummary = sweeps.get("loop")?.[0] ?? [];
  const sideRows = SIDE_BY_SIDE.map((memoryMb) => {
    const alone = aloneSummary.find((s) => s.memoryMb === memoryMb)?.medianMs ?? Number.NaN;
    const side = median(together.get(memoryMb) ?? []);
    const ratio = side / alone;
    return `| ${memoryMb} MB | ${fmt(alone)} ms | ${fmt(side)} ms | ${fmt(ratio, 3)} | ${yesNo(Math.abs(ratio - 1) <= RATIO_TARGET)} |`;
  });

  // 5. Invoke overhead: warm round trip through the SDK minus the function's own Duration.
  h.create("bench-noop", "workloads", 1769);
  await h.invoke("bench-noop", { kind: "loop", rounds: 0 });
  const overheads: number[] = [];
  for (let i = 0; i < 300; i++) {
    const r = await h.invoke("bench-noop", { kind: "loop", rounds: 0 });
    overheads.push(r.roundTripMs - r.durationMs);
  }
  overheads.sort((a, b) => a - b);

  // 6. Cold starts (Init Duration), three fresh environments each.
  const coldRows: string[] = [];
  for (const [label, fixture] of [
    ["minimal handler", "sleep"],
    ["AWS SDK v3 handler", "sdk"],
  ] as const) {
    for (const memoryMb of [128, 1024]) {
      const inits: number[] = [];
      for (let i = 0; i < 3; i++) {
        const name = `bench-cold-${fixture}-${memoryMb}-${i}`;
        h.create(name, fixture, memoryMb);
        const r = await h.invoke(name, { ms: 0 });
        if (r.initMs !== undefined) inits.push(r.initMs);
      }
      coldRows.push(
        `| ${label} | ${memoryMb} MB | ${fmt(median(inits))} ms | ${fmt(Math.max(...inits))} ms |`,
      );
    }
  }

  // The tables.
  const classTables: string[] = [];
  const verdicts: string[] = [];
  // Where the machine alone, during a sweep, spread the work past the target or changed speed between sweeps.
  const machineOver: string[] = [];
  const machineDrift: string[] = [];
  const summaryLine: Record<string, unknown> = {};
  for (const cls of DURATION_CLASSES) {
    const runs = sweeps.get(cls.kind) ?? [];
    const rows = MEMORIES.map((memoryMb) => {
      const per = runs.map((r) => r.find((s) => s.memoryMb === memoryMb) as SizeSummary);
      const medians = per.map((s) => s.medianMs);
      const agreement = sweepsAgreement(medians);
      const ratioOk = per.every((s) => Math.abs(s.ratio - 1) <= RATIO_TARGET);
      const spreadOk = per.every((s) => s.spread <= SPREAD_TARGET);
      const agreeOk = agreement <= AGREEMENT_TARGET;
      if (!cls.allocating && !(ratioOk && spreadOk && agreeOk)) {
        verdicts.push(`${cls.label} at ${memoryMb} MB`);
      }
      return `| ${memoryMb} MB | ${medians.map((m) => fmt(m)).join(" / ")} ms | ${fmt(per[0]?.idealMs ?? Number.NaN)} ms | ${per.map((s) => fmt(s.ratio, 3)).join(" / ")} | ${per.map((s) => fmt(s.spread, 2)).join(" / ")} | ±${fmt(agreement * 100, 1)} % | ${cls.allocating ? "reported" : yesNo(ratioOk && spreadOk && agreeOk)} |`;
    });
    const machine = machineSweeps.get(cls.kind) ?? [];
    const machineMedians = machine.map((m) => m.medianMs);
    const machineAgreement = sweepsAgreement(machineMedians);
    rows.push(
      `| plain Node, no service (CPU time) | ${machineMedians.map((m) => fmt(m)).join(" / ")} ms | — | — | ${machine.map((m) => fmt(m.spread, 2)).join(" / ")} | ±${fmt(machineAgreement * 100, 1)} % | — |`,
    );
    for (const [i, m] of machine.entries()) {
      if (m.spread > SPREAD_TARGET) machineOver.push(`${cls.label} in sweep ${i + 1} (${fmt(m.spread, 2)})`);
    }
    if (machineAgreement > AGREEMENT_TARGET) {
      machineDrift.push(`${cls.label} (±${fmt(machineAgreement * 100, 1)} %)`);
    }
    summaryLine[cls.kind] = runs.map((r) => r.map((s) => [s.memoryMb, +fmt(s.ratio, 3), +fmt(s.spread, 2)]));
    classTables.push(`**${cls.label}** (${calibrated.get(cls.kind)} rounds, about ${REFERENCE_MS} ms at 1769 MB):

| Memory | Median (sweeps 1 / 2 / 3) | Ideal (sweep 1) | Ratio to ideal | p90/p10 | Sweeps agree | Targets met |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join("\n")}`);
  }
  log(`ratios and spreads: ${JSON.stringify(summaryLine)}`);

  const wallHeader = `| Workload | ${MEMORIES.map((m) => `${m} MB`).join(" | ")} |\n| --- | ${MEMORIES.map(() => "---").join(" | ")} |`;
  const wallRows = DURATION_CLASSES.map((cls) => {
    const runs = wallSweeps.get(cls.kind) ?? [];
    const cells = MEMORIES.map((memoryMb) => {
      const per = runs.map((r) => r.find((s) => s.memoryMb === memoryMb) as SizeSummary);
      const ratios = per.map((s) => s.ratio);
      const spreads = per.map((s) => s.spread);
      return `${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)} (≤ ${fmt(Math.max(...spreads), 2)})`;
    });
    return `| ${cls.label} | ${cells.join(" | ")} |`;
  });

  const law = DEFAULT_CPU_LAW;
  const section = `${SECTION}

${machineLine()} ·
CPU law enforced by: ${h.lambda.cpuLawEnforcement}, a CFS quota over a ${law.periodUs / 1000} ms period; Duration ${law.duration === "accounted" ? "accounted (CPU time ÷ share + time blocked, see docs/local-lambda.md)" : "from wall time"}; replies paced: ${law.paceReplies ? "yes" : "no"}.

### The law as the environment sees it

CPU time ÷ wall time of a busy invocation of about ${LAW_INVOCATION_MS / 1000} s (${(LAW_INVOCATION_MS * 1000) / law.periodUs} CFS periods), both measured by the environment
around its handler, the CPU time from its cgroup's usage counter (every thread): a loop on one thread, and
on two (the main thread and a worker). Expected: M/1769 of a core, at most one core per busy thread and at
most the machine's ${CORES} cores. This machine is shared, and where other processes keep its cores busy a full
core is not to be had: the quota caps what an environment may use, the kernel's fair share what it gets.
So the table also gives the share of the wall time the main thread waited behind other processes (runnable,
not throttled), and the CPU time ÷ the wall time less that wait; the ±${LAW_TARGET * 100} % target applies to the latter.

| Work | Memory | Expected (cores) | CPU ÷ wall | Waiting behind other processes | CPU ÷ (wall − that wait) | Ratio | Within ±${LAW_TARGET * 100} % |
| --- | --- | --- | --- | --- | --- | --- | --- |
${lawRows.join("\n")}

### Durations across workloads

Each workload is calibrated to about ${REFERENCE_MS} ms at 1769 MB, then measured in ${SWEEPS} sweeps in a row; a sweep
is ${REPEATS} rounds of one warm invocation at every size (the order rotates each round, so drift touches every
size alike). Per sweep: the median REPORT Duration, its ratio to the ideal t(1769 MB)·1769/M (flat above
1769 MB: one thread cannot use a second core), and p90/p10 of the ${REPEATS} Durations. Targets for the
non-allocating classes: ratio within ±${RATIO_TARGET * 100} %, p90/p10 ≤ ${SPREAD_TARGET}, the sweeps' medians within
±${AGREEMENT_TARGET * 100} % of their mean.

${classTables.join("\n\n")}

Targets for the non-allocating classes: ${verdicts.length === 0 ? "met at every size in every sweep" : `NOT met for ${verdicts.join(", ")}`}.

Each table's last row is the same work in a plain Node process beside the service (no cgroup, no quota),
run once in every round of the same sweep: the machine's own spread and speed over the same minutes.
${machineOver.length === 0 ? `It stayed within p90/p10 ≤ ${SPREAD_TARGET} in every sweep` : `It spread past ${SPREAD_TARGET} by itself for ${machineOver.join(", ")}: there the machine alone missed the spread target`}, and ${machineDrift.length === 0 ? `its medians agreed within ±${AGREEMENT_TARGET * 100} % across the sweeps of every class.` : `its medians moved across the sweeps by more than ±${AGREEMENT_TARGET * 100} % for ${machineDrift.join(", ")}.`}

The machine's own noise, outside the service: call-heavy recursion (${probeRounds} rounds) in a plain Node process
(no cgroup, no quota), its CPU time over ${noiseBefore.runs} runs. ${noiseLine("Before the sweeps", noiseBefore)}; ${noiseLine("after them", noiseAfter)}.
${noisy ? `Above ${SPREAD_TARGET}, the machine itself spread the same work more than the spread target allows, so no emulation on it could meet that target in this run.` : `Both spreads are within ${SPREAD_TARGET}.`} ${drifted ? `Between the probes the same work's median moved by ${fmt(speedMove * 100, 0)} %: the machine's own speed drifted during the run by more than the sweeps' ±${AGREEMENT_TARGET * 100} % agreement target, and a sweep that straddles such a change spreads with it.` : `Between the probes its median moved by ${fmt(speedMove * 100, 0)} %, within ±${AGREEMENT_TARGET * 100} %: what departs above is the service's.`}

The host at one moment (\`npm run bench:host\`): the four non-allocating kinds in turn, about ${HOST_CALL_MS} ms of CPU
each, in the same plain Node process for ${HOST_SECONDS} s, before the sweeps and after them; each kind's median CPU time in
every ${HOST_WINDOW_MS / 1000}-second window, and how far those medians swing. Within a window every kind met the same machine.

Before the sweeps:

${hostContentionTable(hostBefore)}

${hostVerdict(hostBefore, SPREAD_TARGET)}

After the sweeps:

${hostContentionTable(hostAfter)}

${hostVerdict(hostAfter, SPREAD_TARGET)}

The same invocations with Duration read off the wall clock (the handler's wall time under the quota, what the
REPORT line said before Duration was accounted): ratio to ideal, lowest–highest over the ${SWEEPS} sweeps, and the
largest p90/p10 in brackets:

${wallHeader}
${wallRows.join("\n")}

### A busy machine

Call-heavy recursion (${callRounds} rounds) in ${HOG_ROUNDS} rounds, each once on a quiet machine and once while ${CORES} other
processes spin on every core (median of ${HOG_ROUNDS}; ratio = busy / quiet). Reported is the REPORT Duration; wall
is the handler's wall time; run-queue wait is the main thread's time runnable but not running, less the time
its cgroup was throttled.

| Memory | Reported, quiet | Reported, busy | Ratio | Wall, quiet | Wall, busy | Ratio | Run-queue wait (busy) |
| --- | --- | --- | --- | --- | --- | --- | --- |
${hogRows.join("\n")}

### Side by side, overhead, cold starts

Side by side vs alone (the loop at ${SIDE_BY_SIDE.join(", ")} MB invoked together, median of 3 rounds, against sweep 1's
medians; admission control queues what does not fit the local cloud's CPU budget of ${cloudAdmissionCores()} core(s); target ±${RATIO_TARGET * 100} %):

| Memory | Alone | Side by side | Ratio | Within ±${RATIO_TARGET * 100} % |
| --- | --- | --- | --- | --- |
${sideRows.join("\n")}

Invoke overhead (SDK round trip − Duration, ${overheads.length} warm invocations at 1769 MB; target p50 ≤ 2 ms):
p50 ${fmt(median(overheads))} ms · p99 ${fmt(overheads[Math.ceil(0.99 * overheads.length) - 1] ?? Number.NaN)} ms.

Cold start (Init Duration: the init's own CPU time and waiting, median and max of 3 fresh environments; init
runs unthrottled):

| Handler | Memory | Init Duration (median) | Init Duration (max) |
| --- | --- | --- | --- |
${coldRows.join("\n")}
`;
  console.log(section);
  rewriteSection(SECTION, section);
} finally {
  probe?.stop();
  for (const hog of hogs) hog.kill("SIGKILL");
  await h.close();
}
