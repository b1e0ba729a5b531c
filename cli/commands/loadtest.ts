// `powertune loadtest`: HTTP load against the CRUD API at each memory size, then the original memory back.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { OUTPUTS, SAMPLE_ITEM_COUNT, STACKS, stackOutput, TUNING_READ_IDS } from "../../contract/index.js";
import { readLock, readTargetConfig, updateTarget } from "../../functions/tuner/aws/index.js";
import { cloudAdmissionCores } from "../../local/cloud.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/shared/identity.js";
import { parseCommandArgs, parsePort } from "../args.js";
import { openLocalAppCloud } from "../cloud-target.js";
import { seedSampleItems } from "../demo-steps.js";
import { onInterrupt } from "../interrupt.js";
import { jsonShapeOf, type LoadRunDetail, loadRunOf } from "../loadtest/load-run.js";
import { renderLoadtestTerminal, transferNotes, writeLoadtestReport } from "../loadtest/loadtest-report.js";
import {
  DEFAULT_REQUESTS_DESCRIPTION,
  defaultRequests,
  readRequestFile,
  toAutocannonRequests,
  type WeightedRequest,
} from "../loadtest/requests.js";
import { type LoadProgress, runLoad } from "../loadtest/run-load.js";
import type { LoadtestRecord } from "../report/records.js";
import { ensureReportsDir } from "../report/run-folder.js";
import { EXIT_OK, UsageError } from "../usage-error.js";

export const DEFAULTS = {
  powers: [128, 1024],
  connections: 4,
  durationS: 10,
  /** Warm-up responses per connection after each memory change: the cold starts go there, not into the run. */
  warmupPerConnection: 5,
} as const;

export const loadtestHelp = `usage: powertune loadtest [--powers 128,1024] [--connections N] [--duration S | --amount N] [options]

Runs HTTP load against the CRUD API with autocannon at each memory size in turn: sets the crud function's
memory, waits for the update, warms up, measures, and at the end puts the original memory back, also on
Ctrl-C or an error. Prints requests, requests/s, avg/p50/p90/p99 latency, errors and non-2xx per size,
then how each size compares with the first ("1024 MB vs 128 MB: p50 3.1× lower, 2.8× the throughput"),
and writes <reports-dir>/history/<time>-loadtest-<function>/ (result.json, summary.md, report.html), then
rewrites <reports-dir>/index.html.

On the local cloud each environment gets memory/1769 of a core and they share this machine's cores: the
latency ratio between sizes carries over to AWS, absolute throughput does not (the cores cap it).

load:
  --powers LIST               memory sizes in MB, in order (default ${DEFAULTS.powers.join(",")})
  --connections N             concurrent connections, the virtual users (default ${DEFAULTS.connections})
  --duration S                seconds of load per size (default ${DEFAULTS.durationS})
  --amount N                  or: this many requests per size
  --rate R                    at most R requests/s in all (default: as fast as answers come)
  --request FILE              what to send: one request {"method","path","headers"?,"body"?} or a list of
                              {"request": {...}, "weight": N}; paths are relative to the API URL and
                              {{table}} stands for the table's name (default: ${DEFAULT_REQUESTS_DESCRIPTION})

where it runs (default: the local cloud; one is booted for the run if none answers at --endpoint):
  --endpoint URL              a running local cloud (default http://127.0.0.1:4566)
  --data-dir DIR              the local cloud's data directory when one is booted (default .powertune)
  --cloud                     AWS, with the standard credential chain; needs --api and --function
  --api URL                   with --cloud: the ${STACKS.crud} stack's ${OUTPUTS.crud.apiUrl} output
  --function NAME             with --cloud: the crud function (output ${OUTPUTS.crud.functionName})
  --region REGION             with --cloud: the region (default: from the AWS configuration)
  --seed                      write the ${SAMPLE_ITEM_COUNT} sample items first (locally this happens when they are missing)

output:
  --json                      print {"runs":[{"power","requests","rps","latencyMs":{"avg","p50","p90","p99"},
                              "errors","non2xx"}]} on stdout (the report is still written; --no-report skips it)
  --reports-dir DIR           where reports go (default reports)
  --no-report                 do not write a report folder
  -h, --help                  this help

exit status: 0 the load ran (errors and non-2xx are reported, not fatal), 1 it could not run or the memory
could not be put back, 2 bad usage.
`;

/** Lambda's memory range, MB. */
const MIN_MEMORY_MB = 128;
const MAX_MEMORY_MB = 10240;

export function parsePowers(value: string | undefined): number[] {
  if (value === undefined) return [...DEFAULTS.powers];
  const parts = value.split(",").map((part) => part.trim());
  const powers = parts.map(Number);
  const bad = parts.find((part, i) => {
    const power = powers[i] ?? Number.NaN;
    return part === "" || !Number.isInteger(power) || power < MIN_MEMORY_MB || power > MAX_MEMORY_MB;
  });
  if (bad !== undefined) {
    throw new UsageError(
      `--powers ${value}: "${bad}" is not a memory size: give whole MB from ${MIN_MEMORY_MB} to ${MAX_MEMORY_MB}, comma-separated`,
    );
  }
  if (new Set(powers).size !== powers.length) throw new UsageError(`--powers ${value}: a size is repeated`);
  return powers;
}

export function parsePositive(
  flag: string,
  value: string | undefined,
  options: { integer: boolean; max: number },
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (
    !Number.isFinite(number) ||
    number <= 0 ||
    number > options.max ||
    (options.integer && !Number.isInteger(number))
  ) {
    throw new UsageError(
      `--${flag} ${value}: give ${options.integer ? "a whole number" : "a number"} above 0 and at most ${options.max}`,
    );
  }
  return number;
}

interface ApiTarget {
  cloud: "local" | "aws";
  apiUrl: string;
  functionName: string;
  lambda: LambdaClient;
  /** The tuner's TuningHistory table, when known: a load test refuses to run under a tuning. */
  historyTable?: string;
  dynamoConfig: NonNullable<ConstructorParameters<typeof DynamoDBClient>[0]>;
  close(): Promise<void>;
}

function progressLine(power: number, p: LoadProgress, amount: number | undefined, durationS: number): string {
  const done = amount !== undefined ? `${p.responses}/${amount} responses` : `${p.responses} responses`;
  const clock =
    amount !== undefined ? `${p.elapsedS.toFixed(0)} s` : `${p.elapsedS.toFixed(0)}/${durationS} s`;
  return `${String(power).padStart(5)} MB  ${clock.padStart(9)}  ${done}  ${p.lastSecond} req/s  ${p.errors} errors  ${p.non2xx} non-2xx`;
}

export async function runLoadtest(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("loadtest", argv, {
    powers: { type: "string" },
    connections: { type: "string" },
    duration: { type: "string" },
    amount: { type: "string" },
    rate: { type: "string" },
    request: { type: "string" },
    endpoint: { type: "string" },
    "data-dir": { type: "string" },
    port: { type: "string" },
    cloud: { type: "boolean" },
    api: { type: "string" },
    function: { type: "string" },
    region: { type: "string" },
    seed: { type: "boolean" },
    json: { type: "boolean" },
    "reports-dir": { type: "string" },
    "no-report": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(loadtestHelp);
    return EXIT_OK;
  }
  if (positionals.length > 0)
    throw new UsageError(`powertune loadtest: unexpected argument "${positionals[0]}"`);
  const powers = parsePowers(values.powers);
  const connections =
    parsePositive("connections", values.connections, { integer: true, max: 1000 }) ?? DEFAULTS.connections;
  if (values.duration !== undefined && values.amount !== undefined) {
    throw new UsageError("--duration and --amount exclude each other: give one");
  }
  const amount = parsePositive("amount", values.amount, { integer: true, max: 10_000_000 });
  const durationS =
    parsePositive("duration", values.duration, { integer: false, max: 3600 }) ?? DEFAULTS.durationS;
  const rate = parsePositive("rate", values.rate, { integer: false, max: 1_000_000 });
  if (values.cloud && (!values.api || !values.function)) {
    throw new UsageError(
      `--cloud needs --api URL (output ${OUTPUTS.crud.apiUrl}) and --function NAME (output ${OUTPUTS.crud.functionName})`,
    );
  }
  if (!values.cloud && (values.api || values.function || values.region)) {
    throw new UsageError("--api, --function and --region go with --cloud");
  }
  if (values.cloud && (values.endpoint || values["data-dir"])) {
    throw new UsageError("--endpoint and --data-dir are for the local cloud: leave them out with --cloud");
  }
  if (values.api) {
    try {
      new URL(values.api);
    } catch {
      throw new UsageError(`--api ${values.api}: not a URL (give the ${OUTPUTS.crud.apiUrl} output)`);
    }
  }
  const weighted: WeightedRequest[] = values.request
    ? await readRequestFile(values.request)
    : defaultRequests();
  const reportsDir = values["reports-dir"] ?? "reports";
  if (!values["no-report"]) await ensureReportsDir(reportsDir, "loadtest");

  const log = (line: string) => process.stderr.write(`${line}\n`);
  const target = await openApiTarget({
    cloud: values.cloud === true,
    api: values.api,
    functionName: values.function,
    region: values.region,
    endpoint: values.endpoint,
    dataDir: values["data-dir"] ?? ".powertune",
    port: parsePort("port", values.port, 0),
    log,
  });
  try {
    const config = await readTargetConfig(target.lambda, target.functionName).catch((error: Error) => {
      throw new UsageError(
        `no function ${target.functionName} (${error.message}): give the crud function's name`,
      );
    });
    const functionArn = await functionArnOf(target, config.functionName);
    const table = config.environment?.TABLE_NAME ?? "";
    if (!values.request && !table) {
      throw new UsageError(
        `${target.functionName} has no TABLE_NAME: is it the crud function? Or give --request FILE`,
      );
    }
    await refuseUnderTuning(target, functionArn);
    if (!values.request) await ensureSampleItems(target, values.seed === true, log);
    else if (values.seed) await seedSampleItems(target.apiUrl, SAMPLE_ITEM_COUNT, log);
    const requests = toAutocannonRequests(weighted, target.apiUrl, table);
    const origin = new URL(target.apiUrl).origin;

    const originalMemoryMb = config.memoryMb;
    const startedAt = new Date();
    const runs: LoadRunDetail[] = [];
    const abort = new AbortController();
    let settle = () => {};
    const settled = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const disarm = onInterrupt(async (signal) => {
      log(
        `\n${signal}: stopping the load and putting ${originalMemoryMb} MB back (Ctrl-C again quits at once)…`,
      );
      abort.abort();
      await settled;
    });
    let current = originalMemoryMb;
    let restored = false;
    const interactive = process.stderr.isTTY === true && !values.json;
    try {
      for (const power of powers) {
        if (abort.signal.aborted) break;
        log(`${power} MB: setting the memory of ${config.functionName}…`);
        current = power;
        await updateTarget(target.lambda, functionArn, { memoryMb: power });
        if (abort.signal.aborted) break;
        const warmup = connections * DEFAULTS.warmupPerConnection;
        log(`${power} MB: warming up (${warmup} requests)…`);
        await runLoad({ url: origin, requests, connections, amount: warmup, signal: abort.signal });
        if (abort.signal.aborted) break;
        log(
          `${power} MB: load for ${amount !== undefined ? `${amount} requests` : `${durationS} s`}, ${connections} connections`,
        );
        let lastLine = "";
        const result = await runLoad({
          url: origin,
          requests,
          connections,
          ...(amount !== undefined ? { amount } : { durationS }),
          ...(rate !== undefined && { rate }),
          signal: abort.signal,
          onTick: (progress) => {
            lastLine = progressLine(power, progress, amount, durationS);
            process.stderr.write(interactive ? `\r\x1b[2K${lastLine}` : `${lastLine}\n`);
          },
        });
        if (interactive && lastLine) process.stderr.write("\n");
        if (abort.signal.aborted) break;
        runs.push(loadRunOf(power, result));
      }
    } finally {
      try {
        if (current !== originalMemoryMb) {
          await updateTarget(target.lambda, functionArn, { memoryMb: originalMemoryMb });
        }
        restored = true;
        log(`memory of ${config.functionName} is back at ${originalMemoryMb} MB`);
      } catch (error) {
        log(
          `could not put the memory of ${config.functionName} back to ${originalMemoryMb} MB: ${(error as Error).message}; set it yourself (aws lambda update-function-configuration --function-name ${config.functionName} --memory-size ${originalMemoryMb})`,
        );
      }
      settle();
      disarm();
    }
    if (abort.signal.aborted) return 130;
    if (!restored)
      throw new Error(`the memory of ${config.functionName} was not put back to ${originalMemoryMb} MB`);

    const record: LoadtestRecord = {
      kind: "loadtest",
      functionArn,
      cloud: target.cloud,
      apiUrl: target.apiUrl,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      settings: {
        connections,
        ...(amount !== undefined ? { amount } : { durationS }),
        ...(rate !== undefined && { rate }),
        requests: values.request
          ? `${values.request} (${requests.length} requests per cycle)`
          : DEFAULT_REQUESTS_DESCRIPTION,
      },
      runs,
      originalMemoryMb,
      restored,
      notes: transferNotes({ cloud: target.cloud, connections, powers, cores: cloudAdmissionCores() }),
    };
    const reportDir = values["no-report"] ? undefined : await writeLoadtestReport(reportsDir, record);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ runs: runs.map(jsonShapeOf) })}\n`);
      if (reportDir) log(`report: ${reportDir}`);
    } else {
      process.stdout.write(renderLoadtestTerminal(record, reportDir));
    }
    return EXIT_OK;
  } finally {
    await target.close();
  }
}

async function openApiTarget(options: {
  cloud: boolean;
  api: string | undefined;
  functionName: string | undefined;
  region: string | undefined;
  endpoint: string | undefined;
  dataDir: string;
  port: number;
  log(line: string): void;
}): Promise<ApiTarget> {
  if (options.cloud) {
    const config = options.region ? { region: options.region } : {};
    const lambda = new LambdaClient(config);
    return {
      cloud: "aws",
      apiUrl: options.api ?? "",
      functionName: options.functionName ?? "",
      lambda,
      dynamoConfig: config,
      close: async () => lambda.destroy(),
    };
  }
  const local = await openLocalAppCloud(options);
  const apiUrl = stackOutput(local.outputs, "crud", "apiUrl");
  const functionName = stackOutput(local.outputs, "crud", "functionName");
  if (!apiUrl || !functionName) {
    await local.close();
    throw new UsageError(
      `the local cloud at ${local.endpoint} has no ${STACKS.crud} ${OUTPUTS.crud.apiUrl} or ${OUTPUTS.crud.functionName} output: run \`powertune deploy\` first`,
    );
  }
  const config = { endpoint: local.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const lambda = new LambdaClient(config);
  const historyTable = stackOutput(local.outputs, "tuner", "historyTableName");
  return {
    cloud: "local",
    apiUrl,
    functionName,
    lambda,
    ...(historyTable ? { historyTable } : {}),
    dynamoConfig: config,
    close: async () => {
      lambda.destroy();
      await local.close();
    },
  };
}

async function functionArnOf(target: ApiTarget, name: string): Promise<string> {
  const config = await target.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  return config.FunctionArn?.replace(/:\$LATEST$/, "") ?? name;
}

/** A load test changes memory: under a running tuning it would spoil both, so it waits for none and refuses. */
async function refuseUnderTuning(target: ApiTarget, functionArn: string): Promise<void> {
  if (!target.historyTable) return;
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient(target.dynamoConfig));
  try {
    const lock = await readLock(ddb, target.historyTable, functionArn);
    if (lock && lock.expiresAt > Date.now() / 1000) {
      throw new UsageError(
        `a tuning of ${functionArn} is running (run ${lock.owner}, lock held until ${new Date(lock.expiresAt * 1000).toISOString()}): load-test it when that run is over`,
      );
    }
  } finally {
    ddb.destroy();
  }
}

/** The default requests read the seeded items: seed them when missing locally, or when asked to. */
async function ensureSampleItems(
  target: ApiTarget,
  seed: boolean,
  log: (line: string) => void,
): Promise<void> {
  if (seed) return seedSampleItems(target.apiUrl, SAMPLE_ITEM_COUNT, log);
  const probe = await fetch(new URL(`items/${TUNING_READ_IDS[0]}`, target.apiUrl));
  await probe.body?.cancel();
  if (probe.status !== 404) return;
  if (target.cloud === "aws") {
    throw new UsageError(
      `the API has no item ${TUNING_READ_IDS[0]}, which the default requests read: add --seed to write the ${SAMPLE_ITEM_COUNT} sample items, or give --request FILE`,
    );
  }
  log(`the sample items the default requests read are missing: seeding them`);
  await seedSampleItems(target.apiUrl, SAMPLE_ITEM_COUNT, log);
}
