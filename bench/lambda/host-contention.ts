// The host at one moment: several workload kinds run in turn, a few milliseconds each, in one plain Node
// process, and every call's CPU time binned into short windows. Within a window all kinds met the same
// machine. A change of the CPU's clock slows every kind alike; contention for a physical core's shared parts
// (a sibling hardware thread's other tenant, say) slows call- and memory-heavy work and leaves a
// latency-bound integer loop alone. So how far each kind's window medians swing, and whether the kinds
// swing together, tells which of the two the machine is doing, with no service and no quota involved.
import { DURATION_CLASSES, median, type WorkloadKind } from "./harness.js";

export interface HostSample {
  /** When the call started, from the start of the run. */
  atMs: number;
  kind: WorkloadKind;
  cpuMs: number;
}

export interface KindSwing {
  kind: WorkloadKind;
  medianMs: number;
  /** Windows with enough calls of this kind to have a median. */
  windows: number;
  /** Slowest window median ÷ fastest. */
  swing: number;
  /** Pearson correlation of its window medians with the reference kind's, over the windows both have. */
  correlation: number;
}

/** A window needs this many calls of a kind for its median to count. */
const MIN_CALLS = 3;

export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return Number.NaN;
  const mean = (v: readonly number[]) => v.slice(0, n).reduce((a, b) => a + b, 0) / n;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

/** Each kind's window medians (by window index), from windows with at least MIN_CALLS calls of it. */
function windowMedians(samples: readonly HostSample[], kind: WorkloadKind, windowMs: number) {
  const byWindow = new Map<number, number[]>();
  for (const s of samples) {
    if (s.kind !== kind) continue;
    const w = Math.floor(s.atMs / windowMs);
    byWindow.set(w, [...(byWindow.get(w) ?? []), s.cpuMs]);
  }
  return new Map([...byWindow].filter(([, xs]) => xs.length >= MIN_CALLS).map(([w, xs]) => [w, median(xs)]));
}

export function hostContention(
  samples: readonly HostSample[],
  kinds: readonly WorkloadKind[],
  reference: WorkloadKind,
  windowMs: number,
): KindSwing[] {
  const ref = windowMedians(samples, reference, windowMs);
  return kinds.map((kind) => {
    const own = windowMedians(samples, kind, windowMs);
    const values = [...own.values()];
    const shared = [...own.keys()].filter((w) => ref.has(w));
    return {
      kind,
      medianMs: median(samples.filter((s) => s.kind === kind).map((s) => s.cpuMs)),
      windows: own.size,
      swing: values.length ? Math.max(...values) / Math.min(...values) : Number.NaN,
      correlation: pearson(
        shared.map((w) => own.get(w) as number),
        shared.map((w) => ref.get(w) as number),
      ),
    };
  });
}

/** The kinds the check runs: the benchmark's non-allocating classes. */
export const HOST_KINDS: WorkloadKind[] = ["loop", "calls", "json", "regex"];
export const HOST_WINDOW_MS = 2000;
/** Each call of the check is sized to about this much CPU time. */
export const HOST_CALL_MS = 10;

const f = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : "—");

export function hostContentionTable(swings: readonly KindSwing[]): string {
  const labels: Record<string, string> = Object.fromEntries(DURATION_CLASSES.map((c) => [c.kind, c.label]));
  const rows = swings.map(
    (s) =>
      `| ${labels[s.kind] ?? s.kind} | ${f(s.medianMs, 2)} ms | ${s.windows} | ${f(s.swing, 3)} | ${f(s.correlation, 2)} |`,
  );
  return `| Work | Median CPU time per call | Windows | Slowest ÷ fastest window | Correlation with call-heavy recursion |
| --- | --- | --- | --- | --- |
${rows.join("\n")}`;
}

/** One sentence on what the check saw, against the benchmark's spread target. */
export function hostVerdict(swings: readonly KindSwing[], spreadTarget: number): string {
  const loop = swings.find((s) => s.kind === "loop");
  const over = swings.filter((s) => s.kind !== "loop" && s.swing > spreadTarget);
  if (over.length === 0) {
    return `Every kind's window medians stayed within ${spreadTarget}× of each other: the host was steady enough for the spread target.`;
  }
  const worst = Math.max(...over.map((s) => s.swing));
  const together = Math.min(...over.map((s) => s.correlation));
  // A change of the CPU's clock would move the loop as far as the others.
  const clock =
    loop && loop.swing - 1 < (worst - 1) / 3
      ? `while the tight loop, run between them, moved by at most ${f((loop.swing - 1) * 100, 1)} %: a change of the CPU's clock would have moved it as far as the others`
      : `and the tight loop swung ${f(loop?.swing ?? Number.NaN, 3)}× with them`;
  return `${over.length} kind(s) swung past ${spreadTarget}× between windows of the same plain Node process (up to ${f(worst, 2)}×; correlation with call-heavy recursion ≥ ${f(together, 2)}), ${clock}. No service and no quota ran here, so on this host no emulation can hold those kinds' spread within ${spreadTarget}.`;
}
