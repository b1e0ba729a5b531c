// npm run bench:burst — a burst of concurrent API requests to a cold crud function on the local cloud, the
// first thing a load test measures: client latency p50/p90/p99, the environments the burst created and their
// Init Durations. Rewrites the "## Cold burst" section of docs/benchmarks.md.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stackOutput } from "../../contract/index.js";
import { bootLocalCloudWithApp, type LocalCloud } from "../../local/cloud.js";
import { machineLine, rewriteSection } from "../support/benchmarks-doc.js";
import { parseBenchArgs } from "../support/cli.js";

const USAGE = `usage: npm run bench:burst

Sends bursts of concurrent API requests to a cold crud function on a local cloud and reports client latency
(p50/p90/p99), the environments created and their Init Durations. Rewrites "## Cold burst" in
docs/benchmarks.md.
`;
parseBenchArgs(USAGE, {});

const SECTION = "## Cold burst";
const BURST = 50;
const BURSTS = 3;
const INIT = /Init Duration: ([\d.]+) ms/g;

/**
 * The same script on the same machine and day, before the pool initialised at most one environment per core
 * at a time (commit 211eeb7: every request made its own environment, and each init held the whole CPU budget).
 */
const BEFORE = `| 1 | 7702 ms | 8172 ms | 8215 ms | 8241 ms | 50 | 127 ms | 6620 ms | 0 |
| 2 | 7157 ms | 7624 ms | 7681 ms | 7681 ms | 50 | 121 ms | 6127 ms | 0 |
| 3 | 10162 ms | 10669 ms | 10771 ms | 10771 ms | 50 | 170 ms | 8772 ms | 0 |`;

const log = (line: string) => process.stderr.write(`${line}\n`);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
const millis = (ms: number) => `${ms.toFixed(0)} ms`;

interface BurstResult {
  latenciesMs: number[];
  failures: number;
  environmentsCreated: number;
  initDurationsMs: number[];
  wallMs: number;
}

function initDurations(logFile: string, fromOffset: number): number[] {
  const text = readFileSync(logFile, "utf8").slice(fromOffset);
  return [...text.matchAll(INIT)].map((m) => Number(m[1]));
}

async function burst(apiUrl: string, logFile: string, round: number): Promise<BurstResult> {
  let offset = 0;
  try {
    offset = readFileSync(logFile, "utf8").length;
  } catch {
    // no invocation logged yet
  }
  const started = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: BURST }, async (_, i) => {
      const t0 = performance.now();
      const response = await fetch(new URL(`items/burst-${round}-${i}`, apiUrl));
      await response.arrayBuffer();
      return { ms: performance.now() - t0, ok: response.status === 404 || response.ok };
    }),
  );
  const wallMs = performance.now() - started;
  // The log file is written as invocations end; give the last writes a moment to land.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const inits = initDurations(logFile, offset);
  return {
    latenciesMs: outcomes.map((o) => o.ms).sort((a, b) => a - b),
    failures: outcomes.filter((o) => !o.ok).length,
    environmentsCreated: inits.length,
    initDurationsMs: inits,
    wallMs,
  };
}

const scratch = mkdtempSync(join(tmpdir(), "powertune-bench-burst-"));
let cloud: LocalCloud | undefined;
let exitCode = 0;
try {
  log("booting the local cloud and deploying the app…");
  const dataDir = join(scratch, "data");
  cloud = await bootLocalCloudWithApp({ port: 0, dataDir, cdkOutDir: join(scratch, "cdk.out"), log });
  const apiUrl = stackOutput(cloud.outputs, "crud", "apiUrl");
  const functionName = stackOutput(cloud.outputs, "crud", "functionName");
  if (!apiUrl || !functionName)
    throw new Error("the deployed app lacks the crud ApiUrl/FunctionName outputs");
  const logFile = join(dataDir, "logs", `${functionName}.log`);
  const results: BurstResult[] = [];
  for (let round = 1; round <= BURSTS; round++) {
    // A configuration update retires every warm environment: each burst meets a cold function.
    cloud.lambda.service.updateFunctionConfiguration(functionName, { Description: `cold burst ${round}` });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const result = await burst(apiUrl, logFile, round);
    log(
      `burst ${round}: p50 ${millis(percentile(result.latenciesMs, 50))}, p99 ${millis(percentile(result.latenciesMs, 99))}, ${result.environmentsCreated} environments`,
    );
    results.push(result);
  }
  const rows = results.map((r, i) => {
    const inits = [...r.initDurationsMs].sort((a, b) => a - b);
    const initSum = inits.reduce((sum, ms) => sum + ms, 0);
    return `| ${i + 1} | ${millis(percentile(r.latenciesMs, 50))} | ${millis(percentile(r.latenciesMs, 90))} | ${millis(percentile(r.latenciesMs, 99))} | ${millis(r.wallMs)} | ${r.environmentsCreated} | ${millis(percentile(inits, 50))} | ${millis(initSum)} | ${r.failures} |`;
  });
  const section = `${SECTION}

${machineLine()} ·
CPU law enforced by: ${cloud.lambda.cpuLawEnforcement}. The synthesized app on the local cloud; ${BURST} concurrent
\`GET /items/<id>\` requests through the API to the crud function with no warm environment (a configuration
update retires them before each burst); ${BURSTS} bursts. Latency is the client's, request to response.

| Burst | p50 | p90 | p99 | Burst wall time | Environments created | Init Duration (median) | Init Durations summed | Failed requests |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join("\n")}

Before (the same script on 2026-12-01, commit 211eeb7: one environment per request, each init holding the
whole CPU budget in turn; Init Duration was then wall time):

| Burst | p50 | p90 | p99 | Burst wall time | Environments created | Init Duration (median) | Init Durations summed | Failed requests |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${BEFORE}
`;
  console.log(section);
  rewriteSection(SECTION, section);
} catch (error) {
  log(`bench:burst failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  exitCode = 1;
} finally {
  await cloud?.close();
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(exitCode);
