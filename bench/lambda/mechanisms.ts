// npm run bench:mechanisms — the ways of holding an environment to the memory→CPU law, measured side by side
// in one run: the CFS period, a CFS burst allowance, one cpuset shared by every function environment, and
// Duration accounted from the environment's CPU time and waiting instead of read off the wall clock.
// Rewrites the "## CPU-law mechanisms" section of docs/benchmarks.md.

import { availableParallelism } from "node:os";
import { MB_PER_VCPU } from "../../local/lambda/cpu-law.js";
import type { CpuLawSettings } from "../../local/lambda/index.js";
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

const USAGE = `usage: npm run bench:mechanisms

Compares the ways of holding an environment to the memory→CPU law in one run: CFS period lengths, a CFS
burst allowance and one shared cpuset, each with Duration read off the wall clock and accounted from CPU
time. Rewrites "## CPU-law mechanisms" in docs/benchmarks.md. Run it on an otherwise idle machine.
`;
parseBenchArgs(USAGE, {});

const SECTION = "## CPU-law mechanisms";
const REPEATS = 10;
const KINDS = ["loop", "calls", "json"] as const;
const CORES = availableParallelism();

interface Mechanism {
  label: string;
  cpuLaw: Partial<CpuLawSettings>;
}

const MECHANISMS: Mechanism[] = [
  { label: "quota, 20 ms period", cpuLaw: { periodUs: 20_000 } },
  { label: "quota, 50 ms period", cpuLaw: { periodUs: 50_000 } },
  { label: "quota, 100 ms period", cpuLaw: { periodUs: 100_000 } },
  { label: "quota, 200 ms period", cpuLaw: { periodUs: 200_000 } },
  { label: "quota, 500 ms period", cpuLaw: { periodUs: 500_000 } },
  { label: "quota, 100 ms period, burst = quota", cpuLaw: { periodUs: 100_000, burstFraction: 1 } },
  {
    label: `quota, 100 ms period, cpuset: CPU ${CORES - 1} for every environment`,
    cpuLaw: { periodUs: 100_000, cpus: String(CORES - 1) },
  },
];

const log = (line: string) => process.stderr.write(`${line}\n`);

interface Measured {
  kind: string;
  wall: SizeSummary[];
  accounted: SizeSummary[];
  /** CPU time ÷ wall time ÷ the expected share, per size. */
  law: Map<number, number>;
}

const cpuOverWall = (i: Invocation) => {
  const s = i.measurement?.sample;
  return s ? s.cpuMs / s.wallMs : Number.NaN;
};

const worst = (xs: number[]) => Math.max(...xs.map((x) => Math.abs(x - 1)));
const ratios = (summaries: SizeSummary[]) => summaries.map((s) => fmt(s.ratio, 2)).join(" ");
const maxSpread = (summaries: SizeSummary[]) => fmt(Math.max(...summaries.map((s) => s.spread)), 2);

const results: { mechanism: Mechanism; measured: Measured[] }[] = [];
for (const mechanism of MECHANISMS) {
  const h = await startBenchHarness({ cpuLaw: { ...mechanism.cpuLaw, duration: "accounted" } });
  try {
    const measured: Measured[] = [];
    for (const kind of KINDS) {
      log(`${mechanism.label}: ${kind}`);
      const rounds = await calibrate(h, kind, "mech");
      const sweepResults = await sweep(h, kind, rounds, { prefix: "mech", repeats: REPEATS });
      const law = new Map(
        [...sweepResults].map(([memoryMb, xs]) => [
          memoryMb,
          median(xs.map(cpuOverWall)) / Math.min(memoryMb / MB_PER_VCPU, 1),
        ]),
      );
      measured.push({
        kind,
        wall: summarize(sweepResults, wallDuration),
        accounted: summarize(sweepResults, reportedDuration),
        law,
      });
    }
    results.push({ mechanism, measured });
  } finally {
    await h.close();
  }
}

const label = (kind: string) => DURATION_CLASSES.find((c) => c.kind === kind)?.label ?? kind;
const rows: string[] = [];
for (const { mechanism, measured } of results) {
  for (const m of measured) {
    for (const [duration, summaries] of [
      ["wall clock", m.wall],
      ["accounted", m.accounted],
    ] as const) {
      rows.push(
        `| ${mechanism.label} | ${duration} | ${label(m.kind)} | ${ratios(summaries)} | ±${fmt(worst(summaries.map((s) => s.ratio)) * 100, 1)} % | ${maxSpread(summaries)} | ${duration === "wall clock" ? `±${fmt(worst([...m.law.values()]) * 100, 1)} %` : "same"} |`,
      );
    }
  }
}

const section = `${SECTION}

${machineLine()}. Each mechanism in a fresh service, one after the other in this run; every workload
calibrated to about ${REFERENCE_MS} ms at 1769 MB, then ${REPEATS} rounds of one warm invocation at each of ${MEMORIES.join(", ")} MB.
Each row's invocations give both Durations: the handler's wall time under the mechanism ("wall clock", what
REPORT said before), and the accounted Duration (CPU time ÷ share + time blocked). Ratios are medians over
the ideal t(1769 MB)·1769/M, in the order of the sizes; the law column is the worst deviation of CPU time ÷
wall time from M/1769 (at most one core), over the sizes.

| Mechanism | Duration | Workload | Ratio to ideal, ${MEMORIES.join(" / ")} MB | Worst ratio | Worst p90/p10 | CPU ÷ wall vs M/1769, worst |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join("\n")}
`;
console.log(section);
rewriteSection(SECTION, section);
