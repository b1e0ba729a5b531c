// npm run bench:repeat — `npm start`'s tune repeated on one local cloud: the weekly rule's input on the crud
// function, N times in a row (default 10). Records each run's chosen power, its tie (equivalentPowers), its
// confidence, its rounds and every power's average, and prints them as Markdown tables; with --write-doc it
// also rewrites the "## Repeated tunes" section of docs/benchmarks.md.
//
// With --samples FILE it writes one JSON line per run: the run's context and every power's raw samples, as the
// optimizer received them, so a change to the decision rule can be replayed on measured data.
//
// --num and --max-invocations replace the input's num (e.g. `--num auto --max-invocations 200`), to compare
// sampling settings on the same function.
//
//   npm run bench:repeat -- [--runs 10] [--write-doc] [--samples runs.jsonl] [--num N|auto] [--max-invocations N]

import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetExecutionHistoryCommand, type SFNClient } from "@aws-sdk/client-sfn";
import { localSfnClient } from "../../cli/cloud-target.js";
import { seedSampleItems, weeklyTuningInput } from "../../cli/demo-steps.js";
import { runExecution } from "../../cli/run-execution.js";
import { SAMPLE_ITEM_COUNT, stackOutput } from "../../contract/index.js";
import {
  invocationsPerPower,
  type TuningOutput,
  validateTuningInput,
} from "../../functions/tuner/core/index.js";
import { fetchInvocationCounts } from "../../local/admin.js";
import { bootLocalCloudWithApp, type LocalCloud } from "../../local/cloud.js";
import { machineLine, rewriteSection } from "../support/benchmarks-doc.js";
import { exitWithUsage, parseBenchArgs } from "../support/cli.js";

const SECTION = "## Repeated tunes";
const TARGET_SAME = 1;

const USAGE = `usage: npm run bench:repeat -- [--runs 10] [--write-doc] [--samples FILE] [--num N|auto] [--max-invocations N]

Repeats \`npm start\`'s tune (the weekly rule's input on the crud function) on one local cloud and prints
each run's chosen power, tie, confidence and every power's average as Markdown tables.
  --runs N             tunes in a row, 1 to 100 (default 10)
  --write-doc          also rewrite the "## Repeated tunes" section of docs/benchmarks.md
  --samples FILE       write each run's context and raw samples as JSON lines (for npm run bench:replay)
  --num N|auto         replace the input's num
  --max-invocations N  set maxInvocations (with --num auto)
`;

const { values } = parseBenchArgs(USAGE, {
  runs: { type: "string", default: "10" },
  "write-doc": { type: "boolean", default: false },
  samples: { type: "string" },
  num: { type: "string" },
  "max-invocations": { type: "string" },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 100) {
  exitWithUsage(`--runs must be a whole number from 1 to 100, got "${values.runs}"`, USAGE);
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const ms = (value: number) => `${value.toFixed(2)} ms`;
const mbList = (powers: number[]) => powers.map((p) => `${p}`).join(", ");

interface RepeatRun {
  output: TuningOutput;
  wallMs: number;
}

function runsTable(results: RepeatRun[]): string {
  const header =
    "| Run | Chosen | Tie (equivalentPowers, MB) | Confidence | Best on the metric | Rounds | Invocations | Wall time | Drift |";
  const rows = results.map(({ output, wallMs }, i) => {
    const r = output.recommendation;
    const confidence = r.confidence === null ? "—" : `${(r.confidence * 100).toFixed(1)} %`;
    const { detected, warmUp, spreadPercent } = output.sampling.drift;
    const drift = detected
      ? `${spreadPercent.toFixed(0)} %`
      : warmUp
        ? `warm-up, ${spreadPercent.toFixed(0)} %`
        : "no";
    const invocations = output.sampling.invocations.reduce((sum, i) => sum + i.count, 0);
    return `| ${i + 1} | ${output.power} MB | ${mbList(r.equivalentPowers)} | ${confidence} | ${r.bestPower} MB | ${output.sampling.rounds} | ${invocations} | ${(wallMs / 1000).toFixed(1)} s | ${drift} |`;
  });
  return [header, "| --- | --- | --- | --- | --- | --- | --- | --- | --- |", ...rows].join("\n");
}

function averagesTable(results: RepeatRun[]): string {
  const powers = results[0]?.output.stats?.map((s) => s.power) ?? [];
  const header = `| Run | ${powers.map((p) => `${p} MB`).join(" | ")} |`;
  const rule = `| --- | ${powers.map(() => "---").join(" | ")} |`;
  const rows = results.map(({ output }, i) => {
    const cells = powers.map((power) => {
      const s = output.stats?.find((x) => x.power === power);
      return s ? ms(s.averageMs) : "—";
    });
    return `| ${i + 1} | ${cells.join(" | ")} |`;
  });
  return [header, rule, ...rows].join("\n");
}

/** The state the Optimizer was entered with: the run's context and its whole sampling state. */
async function optimizerInput(sfn: SFNClient, executionArn: string): Promise<unknown> {
  let entered: string | undefined;
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }),
    );
    for (const event of page.events ?? []) {
      const details = event.stateEnteredEventDetails;
      if (details?.name === "Optimizer") entered = details.input;
    }
    nextToken = page.nextToken;
  } while (nextToken);
  if (entered === undefined) throw new Error(`${executionArn} never entered the Optimizer`);
  const state = JSON.parse(entered) as { tuning: unknown; sampling: { samples: unknown; choices: unknown } };
  return { tuning: state.tuning, samples: state.sampling.samples, choices: state.sampling.choices };
}

const scratch = mkdtempSync(join(tmpdir(), "powertune-bench-repeat-"));
let cloud: LocalCloud | undefined;
let sfn: SFNClient | undefined;
let exitCode = 0;
try {
  log("booting the local cloud and deploying the app…");
  cloud = await bootLocalCloudWithApp({
    port: 0,
    dataDir: join(scratch, "data"),
    cdkOutDir: join(scratch, "cdk.out"),
    log,
  });
  const apiUrl = stackOutput(cloud.outputs, "crud", "apiUrl");
  const stateMachineArn = stackOutput(cloud.outputs, "tuner", "stateMachineArn");
  if (!apiUrl || !stateMachineArn)
    throw new Error("the deployed app lacks the crud API URL or the state machine");
  await seedSampleItems(apiUrl, SAMPLE_ITEM_COUNT, log);
  // What `npm start` sends: the weekly rule's own input, with the per-power statistics.
  const input: Record<string, unknown> = { includeOutputResults: true, ...weeklyTuningInput(cloud) };
  if (values.num !== undefined) input.num = values.num === "auto" ? "auto" : Number(values.num);
  if (values["max-invocations"] !== undefined) input.maxInvocations = Number(values["max-invocations"]);
  const checked = validateTuningInput(input, []);
  const localSfn = localSfnClient(cloud.endpoint);
  sfn = localSfn;
  const endpoint = cloud.endpoint;
  const results: RepeatRun[] = [];
  const samplesFile = values.samples;
  if (samplesFile) writeFileSync(samplesFile, "");
  for (let i = 1; i <= runs; i++) {
    log(
      `tune ${i} of ${runs}: ${checked.powerValues.join(", ")} MB, num ${checked.num}, ${checked.strategy}`,
    );
    const result = await runExecution({
      sfn: localSfn,
      stateMachineArn,
      input,
      powers: checked.powerValues,
      num: invocationsPerPower(checked),
      countInvocations: () => fetchInvocationCounts(endpoint, checked.lambdaARN),
      progressStream: process.stderr,
      pollIntervalMs: 1000,
    });
    const output = result.output as TuningOutput;
    results.push({ output, wallMs: result.finishedAt.getTime() - result.startedAt.getTime() });
    if (samplesFile)
      appendFileSync(samplesFile, `${JSON.stringify(await optimizerInput(localSfn, result.executionArn))}\n`);
    log(`tune ${i}: ${output.power} MB; tie ${mbList(output.recommendation.equivalentPowers)} MB`);
  }
  const chosen = results.map((r) => r.output.power);
  const counts = new Map<number, number>();
  for (const power of chosen) counts.set(power, (counts.get(power) ?? 0) + 1);
  const [mostPower, mostCount] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [0, 0];
  const same = mostCount / runs >= TARGET_SAME;
  const section = `${SECTION}

${machineLine()} · CPU law enforced by: ${cloud.lambda.cpuLawEnforcement}.
\`npm start\`'s tune (the weekly rule's input: the crud function at ${checked.powerValues.join(", ")} MB, num ${checked.num},
strategy ${checked.strategy}, sleepBetweenRunsMs ${checked.sleepBetweenRunsMs}, its weighted payload) repeated ${runs} times on one local cloud.

Chosen power: ${[...counts.entries()].map(([p, n]) => `${p} MB ${n} of ${runs}`).join(", ")} — the same in every run: ${same ? "yes" : `NO (most often ${mostPower} MB)`}.

${runsTable(results)}

Every power's trimmed mean duration per run:

${averagesTable(results)}
`;
  process.stdout.write(`${section}\n`);
  if (values["write-doc"]) rewriteSection(SECTION, section);
} catch (error) {
  log(`bench:repeat failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  exitCode = 1;
} finally {
  sfn?.destroy();
  await cloud?.close();
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(exitCode);
