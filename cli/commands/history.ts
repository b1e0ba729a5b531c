// `powertune history --function NAME`: a function's tuning trend from the TuningHistory table, newest first.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { OUTPUTS, STACKS, stackOutput } from "../../contract/index.js";
import { readHistory } from "../../functions/tuner/aws/index.js";
import { fetchLocalOutputs, readOutputsFile } from "../../local/outputs.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION, lambdaFunctionArn } from "../../local/shared/identity.js";
import { parseCommandArgs } from "../args.js";
import { DEFAULT_LOCAL_ENDPOINT } from "../cloud-target.js";
import { closeOnInterrupt } from "../interrupt.js";
import { formatMs, formatTime, formatUsd } from "../report/format.js";
import { type Column, renderTextTable } from "../report/text-table.js";
import { describeDrift, type HistoryRow, historyRowOf } from "../report/trend.js";
import { EXIT_OK, UsageError } from "../usage-error.js";

export const historyHelp = `usage: powertune history --function NAME [--cloud --history-table NAME] [--json]

Prints a function's tuning runs from the ${STACKS.tuner} stack's TuningHistory table, newest first: the
chosen power, its cost per invocation and its p90, and what became of the recommendation (applied,
pending, kept, approved, denied); then the drift of each across the runs. The same trend is charted in
reports/index.html for the runs this machine reported.

options:
  --function NAME             the function, by name or ARN (required)
  --limit N                   at most N runs (default 20)
  --endpoint URL              a running local cloud (default ${DEFAULT_LOCAL_ENDPOINT}); when none answers there,
                              the table is read from the local cloud's data directory
  --data-dir DIR              that data directory (default .powertune)
  --cloud                     read the table on AWS (standard credential chain) instead
  --history-table NAME        with --cloud: the ${STACKS.tuner} stack's ${OUTPUTS.tuner.historyTableName} output
  --region REGION             with --cloud: the region
  --json                      print {"function","runs":[{"time","runId","status","power","costUsd","p90Ms","outcome"}]}
  -h, --help                  this help
`;

const columns: Column<HistoryRow>[] = [
  { header: "time", align: "left", cell: (r) => formatTime(r.time) },
  { header: "status", align: "left", cell: (r) => r.status },
  { header: "chosen", align: "right", cell: (r) => (r.power === null ? "" : `${r.power} MB`) },
  {
    header: "cost/invocation",
    align: "right",
    cell: (r) => (r.costUsd === null ? "" : formatUsd(r.costUsd)),
  },
  { header: "p90", align: "right", cell: (r) => (r.p90Ms === null ? "" : formatMs(r.p90Ms)) },
  { header: "outcome", align: "left", cell: (r) => r.outcome },
];

export async function runHistory(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("history", argv, {
    function: { type: "string" },
    limit: { type: "string" },
    endpoint: { type: "string" },
    "data-dir": { type: "string" },
    cloud: { type: "boolean" },
    "history-table": { type: "string" },
    region: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(historyHelp);
    return EXIT_OK;
  }
  if (positionals.length > 0)
    throw new UsageError(`powertune history: unexpected argument "${positionals[0]}"`);
  if (!values.function) throw new UsageError("powertune history: --function NAME is required");
  const limit = Number(values.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new UsageError(`--limit ${values.limit}: give a whole number from 1 to 1000`);
  }
  if (values.cloud && !values["history-table"]) {
    throw new UsageError(
      `--cloud needs --history-table (the ${STACKS.tuner} stack's ${OUTPUTS.tuner.historyTableName} output)`,
    );
  }
  if (!values.cloud && values.region) throw new UsageError("--region goes with --cloud");
  const log = (line: string) => process.stderr.write(`${line}\n`);

  let clientConfig: NonNullable<ConstructorParameters<typeof DynamoDBClient>[0]>;
  let table: string | undefined;
  let functionArn: string;
  let close = async () => {};
  if (values.cloud) {
    clientConfig = values.region ? { region: values.region } : {};
    table = values["history-table"];
    functionArn = values.function.startsWith("arn:")
      ? values.function
      : await awsFunctionArn(values.function, clientConfig);
  } else {
    const endpoint = values.endpoint ?? DEFAULT_LOCAL_ENDPOINT;
    let outputs = await fetchLocalOutputs(endpoint);
    let where = endpoint;
    if (!outputs) {
      if (values.endpoint) {
        throw new UsageError(
          `--endpoint ${values.endpoint}: no local cloud answers there (start one with \`powertune up\`)`,
        );
      }
      const dataDir = values["data-dir"] ?? ".powertune";
      outputs = await readOutputsFile(dataDir);
      if (!outputs)
        throw new UsageError(
          `no local cloud at ${endpoint} and nothing deployed in ${dataDir}: run \`npm start\` or \`powertune up\` first`,
        );
      // Its services only, no deploy: the table is on disk and reading it needs nothing else.
      const { startLocalCloud } = await import("../../local/cloud.js");
      const cloud = await startLocalCloud({ port: 0, dataDir, log: () => {} });
      const stopHandling = closeOnInterrupt(() => cloud.close(), log);
      close = async () => {
        stopHandling();
        await cloud.close();
      };
      where = `the data directory ${dataDir}`;
      clientConfig = { endpoint: cloud.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    } else {
      clientConfig = { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    }
    table = stackOutput(outputs, "tuner", "historyTableName");
    if (!table) {
      await close();
      throw new UsageError(
        `${where} has no ${STACKS.tuner} ${OUTPUTS.tuner.historyTableName} output: deploy the app first`,
      );
    }
    functionArn = values.function.startsWith("arn:") ? values.function : lambdaFunctionArn(values.function);
  }

  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig));
  try {
    const rows = (await readHistory(ddb, table ?? "", functionArn, limit)).map(historyRowOf);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ function: functionArn, runs: rows })}\n`);
      return EXIT_OK;
    }
    if (rows.length === 0) {
      process.stdout.write(`no tuning runs of ${functionArn} in ${table}\n`);
      return EXIT_OK;
    }
    const drift = [
      describeDrift(rows, "MB", (r) => r.power),
      describeDrift(
        rows,
        "USD per invocation",
        (r) => r.costUsd,
        (v) => v.toPrecision(3),
      ),
      describeDrift(
        rows,
        "ms p90",
        (r) => r.p90Ms,
        (v) => v.toFixed(1),
      ),
    ].filter((line): line is string => line !== undefined);
    process.stdout.write(
      [
        `${functionArn}: ${rows.length} run${rows.length === 1 ? "" : "s"} in ${table}, newest first`,
        "",
        renderTextTable(columns, rows),
        "",
        ...(drift.length > 0
          ? ["drift across the succeeded runs, oldest first:", ...drift.map((line) => `  ${line}`)]
          : []),
        "",
      ].join("\n"),
    );
    return EXIT_OK;
  } finally {
    ddb.destroy();
    await close();
  }
}

async function awsFunctionArn(
  name: string,
  config: NonNullable<ConstructorParameters<typeof LambdaClient>[0]>,
): Promise<string> {
  const lambda = new LambdaClient(config);
  try {
    const found = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    return found.FunctionArn?.replace(/:\$LATEST$/, "") ?? name;
  } catch (error) {
    throw new UsageError(
      `--function ${name}: ${(error as Error).message} (give the function's ARN to skip this lookup)`,
    );
  } finally {
    lambda.destroy();
  }
}
