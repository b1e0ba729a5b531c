// npm run bench:tune — a local tune of the crud function end to end: total wall time, time per state,
// orchestration overhead, parallel vs serial per-power averages, and whether repeated tunes choose the same
// power. Prints one table per measure and rewrites the "## Local tune" section of docs/benchmarks.md.
//
//   npm run bench:tune -- [--sleep-between-runs-ms N] [--repeats N]

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from "@aws-sdk/client-sfn";
import { localSfnClient } from "../../cli/cloud-target.js";
import { seedSampleItems, weeklyTuningInput } from "../../cli/demo-steps.js";
import { runExecution } from "../../cli/run-execution.js";
import {
  crudPingPayload,
  DEFAULT_POWER_VALUES,
  OUTPUTS,
  outputLabel,
  stackOutput,
} from "../../contract/index.js";
import { findReport, type PowerStats, type TuningOutput } from "../../functions/tuner/core/index.js";
import { fetchInvocationCounts } from "../../local/admin.js";
import { bootLocalCloudWithApp, type LocalCloud } from "../../local/cloud.js";
import { blockedMs } from "../../local/lambda/emulated-duration.js";
import type { InvocationMeasurement } from "../../local/lambda/index.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/shared/identity.js";
import { BENCHMARKS_DOC, machineLine, rewriteSection } from "../support/benchmarks-doc.js";
import { exitWithUsage, parseBenchArgs } from "../support/cli.js";

const USAGE = `usage: npm run bench:tune -- [--sleep-between-runs-ms N] [--repeats N]

Tunes the crud function and a CPU-bound function on a local cloud, in parallel and each power alone, and
rewrites the "## Local tune" section of docs/benchmarks.md.
  --sleep-between-runs-ms N  the tuner input's sleepBetweenRunsMs in every tune (default: the weekly
                             rule's input's)
  --repeats N                rounds of one parallel tune and one serial sweep per function (default 6)
`;
const { values: args } = parseBenchArgs(USAGE, {
  "sleep-between-runs-ms": { type: "string" },
  repeats: { type: "string", default: "6" },
});
const SLEEP_MS =
  args["sleep-between-runs-ms"] === undefined ? undefined : Number(args["sleep-between-runs-ms"]);
if (SLEEP_MS !== undefined && !(Number.isInteger(SLEEP_MS) && SLEEP_MS >= 0)) {
  exitWithUsage(
    `--sleep-between-runs-ms must be a whole number of ms, got "${args["sleep-between-runs-ms"]}"`,
    USAGE,
  );
}

const REPEATS = Number(args.repeats);
if (!(Number.isInteger(REPEATS) && REPEATS >= 1)) {
  exitWithUsage(`--repeats must be a whole number of at least 1, got "${args.repeats}"`, USAGE);
}

const SECTION = "## Local tune";
/** The tuner's defaults, which the weekly rule measures. */
const POWERS = [...DEFAULT_POWER_VALUES];
const NUM = 50;
const SEED_ITEMS = 25;
const TARGET_WALL_S = 60;
const TARGET_OVERHEAD = 0.15;
const TARGET_RATIO = 0.1;

async function fullHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

const at = (event: HistoryEvent) => event.timestamp?.getTime() ?? Number.NaN;

interface Interval {
  label: string;
  startMs: number;
  endMs: number;
}

/** Where the time of a tune went, besides its outputs. */
interface TuneDiagnostics {
  /** CPU the local cloud's own process (DynamoDB, the runner, the edge) used during the tune, in cores. */
  cloudCores: number;
  /** The warm invocations of the target, as the Lambda service measured them. */
  invocations: InvocationMeasurement[];
  /** Event-loop delay of the cloud's process (where DynamoDB answers), mean and p99, in ms. */
  eventLoopMeanMs: number;
  eventLoopP99Ms: number;
  /** Invocations waiting for CPU budget, averaged over the tune. */
  admissionQueue: number;
}

interface TuneMeasures extends TuneDiagnostics {
  output: TuningOutput;
  stats: PowerStats[];
  wallMs: number;
  states: Interval[];
  measuringMs: number;
  overheadShare: number;
  failedTasks: number;
}

/** Time of the first event of `type` naming `state` to the first later event that ends it. */
function stateInterval(events: HistoryEvent[], state: string, enteredType: string, exitedType: string) {
  const entered = events.find((e) => e.type === enteredType && e.stateEnteredEventDetails?.name === state);
  const exited = events.find(
    (e) =>
      e.type === exitedType && e.stateExitedEventDetails?.name === state && (e.id ?? 0) > (entered?.id ?? 0),
  );
  if (!entered || !exited) return undefined;
  return { label: state, startMs: at(entered), endMs: at(exited) };
}

/** Milliseconds covered by at least one of the intervals (their union's length). */
function unionMs(intervals: Interval[]): number {
  const sorted = [...intervals].sort((x, y) => x.startMs - y.startMs);
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const { startMs, endMs } of sorted) {
    if (endMs <= end) continue;
    total += endMs - Math.max(startMs, end);
    end = endMs;
  }
  return total;
}

/** The powers of a round's Map items, from the state the Map entered with. */
function roundPowers(mapEntered: HistoryEvent): number[] {
  const input = JSON.parse(mapEntered.stateEnteredEventDetails?.input ?? "{}") as {
    sampling?: { tasks?: { power: number }[] };
  };
  return input.sampling?.tasks?.map((task) => task.power) ?? POWERS;
}

/** Every interval from an event entering `state` to the next one leaving it, labelled by round. */
function stateIntervals(events: HistoryEvent[], state: string, enteredType: string, exitedType: string) {
  const intervals: Interval[] = [];
  let startedAt: number | undefined;
  for (const e of events) {
    if (e.type === enteredType && e.stateEnteredEventDetails?.name === state) startedAt = at(e);
    if (e.type === exitedType && e.stateExitedEventDetails?.name === state && startedAt !== undefined) {
      intervals.push({ label: `${state} (round ${intervals.length + 1})`, startMs: startedAt, endMs: at(e) });
      startedAt = undefined;
    }
  }
  return intervals;
}

function measure(events: HistoryEvent[], output: TuningOutput, diagnostics: TuneDiagnostics): TuneMeasures {
  const started = events.find((e) => e.type === "ExecutionStarted");
  const finished = events.find((e) => e.type === "ExecutionSucceeded");
  if (!started || !finished)
    throw new Error("the execution history lacks ExecutionStarted/ExecutionSucceeded");
  const wallMs = at(finished) - at(started);
  const states: Interval[] = [];
  const push = (interval: Interval | undefined) => {
    if (interval) states.push(interval);
  };
  push(stateInterval(events, "Initializer", "TaskStateEntered", "TaskStateExited"));
  // Each round is one run of the Map; iteration i runs the Executor for the i-th power of that round's tasks.
  let powers: number[] = POWERS;
  let round = 0;
  const open = new Map<number, number>();
  for (const e of events) {
    if (e.type === "MapStateEntered" && e.stateEnteredEventDetails?.name === "Round") {
      powers = roundPowers(e);
      round++;
      open.clear();
    }
    const began = e.mapIterationStartedEventDetails?.index;
    if (e.type === "MapIterationStarted" && began !== undefined) open.set(began, at(e));
    const ended = e.mapIterationSucceededEventDetails?.index ?? e.mapIterationFailedEventDetails?.index;
    if ((e.type === "MapIterationSucceeded" || e.type === "MapIterationFailed") && ended !== undefined) {
      const startMs = open.get(ended);
      if (startMs !== undefined) {
        states.push({
          label: `Executor ${powers[ended] ?? `#${ended}`} MB (round ${round})`,
          startMs,
          endMs: at(e),
        });
      }
    }
  }
  states.push(...stateIntervals(events, "Analyzer", "TaskStateEntered", "TaskStateExited"));
  push(stateInterval(events, "Optimizer", "TaskStateEntered", "TaskStateExited"));
  states.sort((x, y) => x.startMs - y.startMs);
  // Measuring = some Executor iteration is invoking the target; everything else is the tuner's own work.
  const measuringMs = unionMs(states.filter((st) => st.label.startsWith("Executor ")));
  const stats = output.stats;
  if (!stats) throw new Error("the tuning output has no stats: the input must set includeOutputResults");
  return {
    ...diagnostics,
    output,
    stats,
    wallMs,
    states: states.map((s) => ({ ...s, startMs: s.startMs - at(started), endMs: s.endMs - at(started) })),
    measuringMs,
    overheadShare: 1 - measuringMs / wallMs,
    failedTasks: events.filter((e) => e.type === "TaskFailed").length,
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const millis = (ms: number) => `${ms.toFixed(2)} ms`;
const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
const met = (ok: boolean) => (ok ? "met" : "NOT met");

const log = (line: string) => process.stderr.write(`${line}\n`);

const PING_INVOCATIONS = 20;

const medianOf = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** The CPU-bound function tuned beside crud, and its payload (about 10 ms of CPU at 1769 MB). */
const CPU_TARGET = "bench-tune-cpu-bound";
const CPU_PAYLOAD = { kind: "loop", rounds: 11_000 };

/** Per power: the mean over the parallel tunes of its trimmed mean, and the mean over its serial tunes. */
function parallelVsSerial(parallel: TuneMeasures[], serialRuns: TuneMeasures[]) {
  const meanOf = (xs: number[]) => xs.reduce((sum, x) => sum + x, 0) / xs.length;
  const averages = (tunes: TuneMeasures[], power: number) =>
    tunes.flatMap((m) => m.stats.filter((x) => x.power === power).map((x) => x.averageMs));
  return POWERS.map((power) => ({
    power,
    parallelMs: meanOf(averages(parallel, power)),
    serialMs: meanOf(averages(serialRuns, power)),
  }));
}

/**
 * REPEATS rounds of one parallel tune (every power at once) and one serial sweep (each power tuned alone),
 * interleaved, so that drift of the machine's speed over the run touches both modes alike.
 */
async function parallelAndSerial(
  label: string,
  tune: (label: string, powers: number[]) => Promise<TuneMeasures>,
): Promise<{ parallel: TuneMeasures[]; serial: TuneMeasures[] }> {
  const parallel: TuneMeasures[] = [];
  const serial: TuneMeasures[] = [];
  for (let i = 1; i <= REPEATS; i++) {
    parallel.push(await tune(`${label}parallel tune ${i}`, POWERS));
    for (const power of POWERS)
      serial.push(await tune(`${label}serial tune ${i} of ${power} MB alone`, [power]));
  }
  return { parallel, serial };
}

/** Medians of what the service measured for one power's warm invocations across tunes. */
function breakdown(tunes: TuneMeasures[], power: number) {
  const of = tunes.flatMap((t) => t.invocations).filter((m) => m.memoryMb === power && m.sample);
  const samples = of.flatMap((m) => (m.sample ? [m.sample] : []));
  return {
    durationMs: medianOf(of.map((m) => m.durationMs)),
    cpuMs: medianOf(samples.map((x) => x.cpuMs)),
    blockedMs: medianOf(samples.map(blockedMs)),
    runQueueMs: medianOf(samples.map((x) => Math.max(0, (x.mainRunDelayMs ?? 0) - x.throttledMs))),
  };
}

function loadRow(label: string, m: TuneMeasures): string {
  return `| ${label} | ${m.cloudCores.toFixed(2)} cores | ${m.eventLoopMeanMs.toFixed(2)} ms | ${m.eventLoopP99Ms.toFixed(2)} ms | ${m.admissionQueue.toFixed(2)} |`;
}

/** Durations (ms, from the REPORT lines) of `count` warm invocations of `functionArn` with `payload`. */
async function timeInvocations(
  endpoint: string,
  functionArn: string,
  payload: unknown,
  count: number,
): Promise<number[]> {
  const lambda = new LambdaClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const durations: number[] = [];
    for (let i = 0; i <= count; i++) {
      const out = await lambda.send(
        new InvokeCommand({ FunctionName: functionArn, LogType: "Tail", Payload: JSON.stringify(payload) }),
      );
      if (out.FunctionError)
        throw new Error(`${functionArn} failed: ${Buffer.from(out.Payload ?? []).toString()}`);
      const report = findReport(Buffer.from(out.LogResult ?? "", "base64").toString("utf8"));
      if (!report) throw new Error(`${functionArn} returned no REPORT line`);
      if (i > 0) durations.push(report.durationMs); // the first may be a cold start
    }
    return durations;
  } finally {
    lambda.destroy();
  }
}

function writeSection(section: string): void {
  rewriteSection(SECTION, section);
  log(`rewrote the "${SECTION}" section of ${BENCHMARKS_DOC}`);
}

const scratch = mkdtempSync(join(tmpdir(), "powertune-bench-tune-"));
let cloud: LocalCloud | undefined;
let sfn: SFNClient | undefined;
let exitCode = 0;
/** What the benchmark was doing, for the failure report. */
let step = "booting the local cloud";
try {
  log("booting the local cloud and deploying the app…");
  cloud = await bootLocalCloudWithApp({
    port: 0,
    dataDir: join(scratch, "data"),
    cdkOutDir: join(scratch, "cdk.out"),
    log,
  });
  const apiUrl = stackOutput(cloud.outputs, "crud", "apiUrl");
  const tableName = stackOutput(cloud.outputs, "crud", "tableName");
  const stateMachineArn = stackOutput(cloud.outputs, "tuner", "stateMachineArn");
  if (!apiUrl || !tableName || !stateMachineArn)
    throw new Error(
      `the deployed app lacks the ${outputLabel("crud", "apiUrl")}/${OUTPUTS.crud.tableName} or ${outputLabel("tuner", "stateMachineArn")} output`,
    );

  step = "seeding the sample items";
  await seedSampleItems(apiUrl, SEED_ITEMS, log);
  const weekly = weeklyTuningInput(cloud);
  if (weekly.payload === undefined) throw new Error("the weekly rule's input carries no payload");
  const lambdaARN = weekly.lambdaARN;
  if (typeof lambdaARN !== "string") throw new Error("the weekly rule's input has no lambdaARN string");

  const localSfn = localSfnClient(cloud.endpoint);
  sfn = localSfn;
  const endpoint = cloud.endpoint;
  const service = cloud.lambda.service;
  const tune = async (
    label: string,
    powerValues: number[],
    target: { functionArn: string; input: Record<string, unknown> } = {
      functionArn: lambdaARN,
      input: weekly,
    },
  ): Promise<TuneMeasures> => {
    step = `running ${label} (${powerValues.join(", ")} MB × ${NUM})`;
    log(step.replace(/^running /, ""));
    const input = {
      ...target.input,
      lambdaARN: target.functionArn,
      powerValues,
      num: NUM,
      includeOutputResults: true,
      ...(SLEEP_MS !== undefined ? { sleepBetweenRunsMs: SLEEP_MS } : {}),
    };
    const functionName = service.parseFunctionName(target.functionArn).name;
    const invocations: InvocationMeasurement[] = [];
    const stopObserving = service.observeInvocations((m) => {
      if (m.functionName === functionName && m.sample && m.initSample === undefined) invocations.push(m);
    });
    const eventLoop = monitorEventLoopDelay({ resolution: 5 });
    eventLoop.enable();
    let queued = 0;
    let queueSamples = 0;
    const queueSampler = setInterval(() => {
      queued += service.admission.waiting;
      queueSamples += 1;
    }, 20);
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    let result: Awaited<ReturnType<typeof runExecution>>;
    try {
      result = await runExecution({
        sfn: localSfn,
        stateMachineArn,
        input,
        powers: powerValues,
        num: NUM,
        countInvocations: () => fetchInvocationCounts(endpoint, target.functionArn),
        progressStream: process.stderr,
        pollIntervalMs: 1000,
      });
    } finally {
      stopObserving();
      eventLoop.disable();
      clearInterval(queueSampler);
    }
    const cpu = process.cpuUsage(cpuBefore);
    const cloudCores = (cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore);
    return measure(await fullHistory(localSfn, result.executionArn), result.output as TuningOutput, {
      cloudCores,
      invocations,
      eventLoopMeanMs: eventLoop.mean / 1e6,
      eventLoopP99Ms: eventLoop.percentile(99) / 1e6,
      admissionQueue: queueSamples ? queued / queueSamples : 0,
    });
  };

  // Parallel: one execution, its Map measuring every power at once (the state machine's normal run).
  // Serial: one execution per power, so each power is measured with nothing else running.
  // A first tune warms the cloud's own processes (JIT of DynamoDB, the runner): measured, then set aside for
  // the comparisons, which it would otherwise bias toward whichever mode runs later.
  const coldFirst = await tune("first tune (cold cloud)", POWERS);
  const { parallel, serial: serialRuns } = await parallelAndSerial("", (label, powers) =>
    tune(label, powers),
  );
  // The crud handler's own work, without DynamoDB: a dispatcher ping on $LATEST (back at its original memory).
  step = "timing the crud handler without DynamoDB (ping)";
  const pingDurations = await timeInvocations(
    endpoint,
    lambdaARN,
    crudPingPayload(tableName),
    PING_INVOCATIONS,
  );
  // A CPU-bound function too: the tight loop of test/fixtures/functions/workloads, about 10 ms at 1769 MB.
  step = "deploying the CPU-bound function";
  service.createFunctionFromDirectory({
    FunctionName: CPU_TARGET,
    Handler: "index.handler",
    Runtime: "nodejs20.x",
    MemorySize: 128,
    Timeout: 30,
    codeDir: join(import.meta.dirname, "../../test/fixtures/functions/workloads"),
  });
  const cpuTarget = { functionArn: service.functionArn(CPU_TARGET), input: { payload: CPU_PAYLOAD } };
  const { parallel: cpuParallel, serial: cpuSerialRuns } = await parallelAndSerial(
    "CPU-bound ",
    (label, powers) => tune(label, powers, cpuTarget),
  );
  const serial = {
    wallMs: serialRuns.slice(0, POWERS.length).reduce((sum, m) => sum + m.wallMs, 0),
    stats: serialRuns.flatMap((m) => m.stats),
  };
  const first = parallel[0] as TuneMeasures;

  const wallOk = first.wallMs <= TARGET_WALL_S * 1000;
  const overheadOk = first.overheadShare <= TARGET_OVERHEAD;
  const ratios = parallelVsSerial(parallel, serialRuns);
  const cpuRatios = parallelVsSerial(cpuParallel, cpuSerialRuns);
  const ratioOk = [...ratios, ...cpuRatios].every(
    (r) => Math.abs(r.parallelMs / r.serialMs - 1) <= TARGET_RATIO,
  );
  const chosen = parallel.map((m) => m.output.power);
  const sameOk = chosen.every((p) => p === chosen[0]);

  const wallTable = `| Measure | Value | Target | Result |
| --- | --- | --- | --- |
| total wall time (first tune, cold cloud) | ${seconds(coldFirst.wallMs)} | ≤ ${TARGET_WALL_S} s | ${met(coldFirst.wallMs <= TARGET_WALL_S * 1000)} |
| total wall time (parallel tune 1) | ${seconds(first.wallMs)} | ≤ ${TARGET_WALL_S} s | ${met(wallOk)} |
| total wall time (serial sweep 1: ${POWERS.length} tunes of one power each) | ${seconds(serial.wallMs)} | — | — |
| total wall time (parallel tunes 2–${REPEATS}) | ${parallel
    .slice(1)
    .map((m) => seconds(m.wallMs))
    .join(", ")} | — | — |`;

  const stateTable = `| State | Starts at | Ends at | Time |
| --- | --- | --- | --- |
${first.states.map((s) => `| ${s.label} | ${seconds(s.startMs)} | ${seconds(s.endMs)} | ${seconds(s.endMs - s.startMs)} |`).join("\n")}`;

  const overheadTable = `| Tune | Wall time | Measuring (some Executor running) | Overhead | Target | Result |
| --- | --- | --- | --- | --- | --- |
${parallel
  .map(
    (m, i) =>
      `| parallel ${i + 1} | ${seconds(m.wallMs)} | ${seconds(m.measuringMs)} | ${percent(m.overheadShare)} | ≤ ${percent(TARGET_OVERHEAD)} | ${met(m.overheadShare <= TARGET_OVERHEAD)} |`,
  )
  .join("\n")}`;

  const ratioTable = (
    rows: typeof ratios,
  ) => `| Power | Parallel average | Serial average | Ratio | Within ±${percent(TARGET_RATIO)} |
| --- | --- | --- | --- | --- |
${rows
  .map(
    (r) =>
      `| ${r.power} MB | ${millis(r.parallelMs)} | ${millis(r.serialMs)} | ${(r.parallelMs / r.serialMs).toFixed(3)} | ${Math.abs(r.parallelMs / r.serialMs - 1) <= TARGET_RATIO ? "yes" : "no"} |`,
  )
  .join("\n")}`;

  const breakdownTable = (label: string, par: TuneMeasures[], ser: TuneMeasures[]) =>
    POWERS.map((power) => {
      const p = breakdown(par, power);
      const q = breakdown(ser, power);
      return `| ${label} | ${power} MB | ${millis(p.durationMs)} / ${millis(q.durationMs)} | ${millis(p.cpuMs)} / ${millis(q.cpuMs)} | ${millis(p.blockedMs)} / ${millis(q.blockedMs)} | ${millis(p.runQueueMs)} / ${millis(q.runQueueMs)} |`;
    }).join("\n");
  const loadRows = [
    ...parallel.map((m, i) => loadRow(`crud, parallel ${i + 1}`, m)),
    ...serialRuns.map((m, i) =>
      loadRow(`crud, serial ${Math.floor(i / POWERS.length) + 1}, ${POWERS[i % POWERS.length]} MB`, m),
    ),
    ...cpuParallel.map((m, i) => loadRow(`CPU-bound, parallel ${i + 1}`, m)),
    ...cpuSerialRuns.map((m, i) =>
      loadRow(`CPU-bound, serial ${Math.floor(i / POWERS.length) + 1}, ${POWERS[i % POWERS.length]} MB`, m),
    ),
  ].join("\n");

  const repeatTable = `| Tune | Chosen power | Its average duration | Its cost per invocation |
| --- | --- | --- | --- |
${parallel.map((m, i) => `| parallel ${i + 1} | ${m.output.power} MB | ${millis(m.output.duration)} | ${m.output.cost.toExponential(3)} USD |`).join("\n")}`;

  const failedTasks = [coldFirst, ...parallel, ...serialRuns, ...cpuParallel, ...cpuSerialRuns].reduce(
    (sum, m) => sum + m.failedTasks,
    0,
  );
  const section = `${SECTION}

${machineLine()} ·
CPU law enforced by: ${cloud.lambda.cpuLawEnforcement}. The synthesized app on the local cloud; ${SEED_ITEMS} sample items
seeded through the API; the crud function tuned at ${POWERS.join(", ")} MB × ${NUM} invocations, strategy
${String(weekly.strategy ?? "default")}, payload: the weekly rule's input payload${SLEEP_MS !== undefined ? `, sleepBetweenRunsMs ${SLEEP_MS} in every tune` : ""}. A first tune on the cold cloud (its wall time is shown);
then ${REPEATS} rounds of a parallel tune followed by each power tuned alone (serial), all on the same cloud. Every tuning creates fresh
versions, so each power starts with a cold start in every tune. Times come from GetExecutionHistory timestamps.
Task states failed (retried or caught) across all tunes: ${failedTasks}.

Total wall time (ExecutionStarted → ExecutionSucceeded):

${wallTable}

Time per state (parallel tune 1, from ExecutionStarted; Executor rows are the Map's iterations):

${stateTable}

Orchestration overhead = share of the execution's wall time during which the target was not being measured:
1 − |union of the Executor iterations' intervals| / wall time. It is the Initializer (one configuration
update, wait, version and alias per power), the Analyzer after each round, the Optimizer and the
transitions between them.

${overheadTable}

Parallel vs serial (trimmed mean Duration per power from the tuning outputs; parallel = all powers measured
at once by the Map, mean of parallel tunes 1–${REPEATS}; serial = each power tuned alone, mean of its ${REPEATS} serial tunes,
which alternate with the parallel ones so that the machine's drift touches both; ratio = parallel / serial).
The crud function:

${ratioTable(ratios)}

A CPU-bound function (\`${CPU_TARGET}\`: ${CPU_PAYLOAD.rounds} rounds of the tight integer loop of
test/fixtures/functions/workloads, about 10 ms at 1769 MB), tuned the same way, ${REPEATS} parallel tunes then each power alone:

${ratioTable(cpuRatios)}

Where the time goes: medians over the warm invocations of the tunes, as the Lambda service measured them
(parallel / serial): the REPORT Duration; the environment's CPU time (every thread, from its cgroup); the
time the handler was blocked (waiting on DynamoDB for crud); the main thread's run-queue wait behind other
processes (runnable, not throttled), which Duration leaves out.

| Function | Power | Duration | CPU time | Blocked | Run-queue wait |
| --- | --- | --- | --- | --- | --- |
${breakdownTable("crud", parallel, serialRuns)}
${breakdownTable("CPU-bound", cpuParallel, cpuSerialRuns)}

Load on the local cloud's own process during each tune (it runs DynamoDB, the state machine runner and the
edge): its CPU, its event loop's delay (mean and p99: how long a DynamoDB request can wait to be read), and
the invocations queued for CPU budget (mean):

| Tune | Cloud process CPU | Event-loop delay, mean | Event-loop delay, p99 | Queued for CPU budget |
| --- | --- | --- | --- | --- |
${loadRows}

The crud handler's own work without DynamoDB (a dispatcher \`ping\` on \`$LATEST\` at its deployed memory, median
of ${pingDurations.length} warm invocations) takes ${millis(medianOf(pingDurations))}; the rest of a crud invocation is the SDK's work and the wait for
DynamoDB.

Repeatability (the chosen power of the ${REPEATS} parallel tunes must be the same): ${sameOk ? `same each time, ${chosen[0]} MB` : `NOT the same: ${chosen.map((p) => `${p} MB`).join(", ")}`}.

${repeatTable}

Targets: wall time ≤ ${TARGET_WALL_S} s ${met(wallOk)}; overhead ≤ ${percent(TARGET_OVERHEAD)} ${met(overheadOk)} (parallel tune 1);
parallel vs serial within ±${percent(TARGET_RATIO)} ${met(ratioOk)}; same chosen power ${met(sameOk)}.
`;

  console.log(section);
  writeSection(section);
} catch (error) {
  log(`bench:tune failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  exitCode = 1;
  // A failed run is a result too: the section says so instead of keeping numbers this code no longer produces.
  // The cause is the failing state's error JSON; its echoed payload adds nothing to the doc.
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ");
  const reason = message.split(" (payload ")[0] ?? message;
  writeSection(`${SECTION}

${machineLine()}.

The benchmark FAILED while ${step}, before producing its numbers:

${reason.slice(0, 400)}
`);
} finally {
  sfn?.destroy();
  await cloud?.close();
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(exitCode);
