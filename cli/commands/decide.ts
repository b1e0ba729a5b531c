// `powertune approve|deny <function>`: settle a pending recommendation that a manual-approval run stored.
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { OUTPUTS, outputLabel, STACKS, stackOutput } from "../../contract/index.js";
import { appendHistory, publishAndAlias, updateTarget } from "../../functions/tuner/aws/index.js";
import type { Recommendation } from "../../functions/tuner/core/index.js";
import { fetchLocalOutputs } from "../../local/outputs.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/shared/identity.js";
import { parseCommandArgs } from "../args.js";
import { DEFAULT_LOCAL_ENDPOINT } from "../cloud-target.js";
import { writeApprovalReport } from "../report/approval-report.js";
import { EXIT_OK, UsageError } from "../usage-error.js";

type Decision = "approve" | "deny";

export const decideHelp = (decision: Decision) => `usage: powertune ${decision} <function> [options]

${
  decision === "approve"
    ? 'Applies the pending recommendation of a manual-approval run (approval: "manual") to the function: its\nmemory on $LATEST, or a new version behind autoOptimizeAlias when the run named one.'
    : 'Rejects the pending recommendation of a manual-approval run (approval: "manual"); nothing changes.'
}
The decision is recorded in the TuningHistory table. <function> is a name or an ARN.

options:
  --endpoint URL              a running local cloud (default ${DEFAULT_LOCAL_ENDPOINT})
  --cloud                     use AWS (standard credential chain) instead
  --history-table NAME        with --cloud: the ${STACKS.tuner} stack's ${OUTPUTS.tuner.historyTableName} output
  --region REGION             with --cloud: the region${
    decision === "approve"
      ? `
  --reports-dir DIR           where the approval's memory-summary.md goes, under history/ (default reports)
  --no-report                 do not write it`
      : ""
  }
  -h, --help                  this help
`;

interface PendingItem {
  functionArn: string;
  runId: string;
  recommendation: Recommendation;
  applyTo: string;
}

export async function runDecision(decision: Decision, argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(decision, argv, {
    endpoint: { type: "string" },
    cloud: { type: "boolean" },
    "history-table": { type: "string" },
    region: { type: "string" },
    "reports-dir": { type: "string" },
    "no-report": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(decideHelp(decision));
    return EXIT_OK;
  }
  if (decision === "deny" && (values["reports-dir"] || values["no-report"])) {
    throw new UsageError(
      "powertune deny: --reports-dir and --no-report go with approve (a denial changes no memory)",
    );
  }
  const [target, ...extra] = positionals;
  if (!target || extra.length > 0) throw new UsageError(`powertune ${decision}: name exactly one function`);

  let clientConfig: ConstructorParameters<typeof LambdaClient>[0];
  let table: string | undefined;
  if (values.cloud) {
    table = values["history-table"];
    if (!table)
      throw new UsageError(
        `powertune ${decision}: --cloud needs --history-table (output ${OUTPUTS.tuner.historyTableName})`,
      );
    clientConfig = values.region ? { region: values.region } : {};
  } else {
    const endpoint = values.endpoint ?? DEFAULT_LOCAL_ENDPOINT;
    const outputs = await fetchLocalOutputs(endpoint);
    if (!outputs)
      throw new UsageError(
        `powertune ${decision}: no local cloud answers at ${endpoint}; start one with \`powertune up\``,
      );
    table = values["history-table"] ?? stackOutput(outputs, "tuner", "historyTableName");
    if (!table)
      throw new UsageError(
        `powertune ${decision}: the local cloud has no ${outputLabel("tuner", "historyTableName")} output`,
      );
    clientConfig = { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  }

  const lambda = new LambdaClient(clientConfig);
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig));
  try {
    const config = await lambda
      .send(new GetFunctionConfigurationCommand({ FunctionName: target }))
      .catch((error: Error) => {
        if (error.name === "ResourceNotFoundException" || error.name === "InvalidParameterValueException") {
          throw new UsageError(
            `powertune ${decision}: no function ${target} (${error.message}): give a function name or ARN`,
          );
        }
        throw error;
      });
    const functionArn = config.FunctionArn?.replace(/:\$LATEST$/, "") ?? target;
    const key = { pk: `fn#${functionArn}`, sk: "pending" };
    const { Item } = await ddb.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    const pending = Item as PendingItem | undefined;
    if (!pending)
      throw new UsageError(
        `${functionArn} has no pending recommendation (run a tuning with "approval": "manual")`,
      );
    const power = pending.recommendation.winnerPower;
    if (decision === "approve") {
      if (pending.applyTo === "$LATEST") {
        await updateTarget(lambda, functionArn, { memoryMb: power });
      } else {
        // Same as the optimizer does for autoOptimizeAlias: a version at the winning memory behind the alias.
        const original = config.MemorySize ?? 128;
        await updateTarget(lambda, functionArn, { memoryMb: power });
        await publishAndAlias(
          lambda,
          functionArn,
          pending.applyTo,
          `powertune: ${power} MB (run ${pending.runId}, approved)`,
        );
        await updateTarget(lambda, functionArn, { memoryMb: original });
      }
    }
    await ddb.send(new DeleteCommand({ TableName: table, Key: key }));
    await appendHistory(ddb, table, {
      functionArn,
      runId: pending.runId,
      timestamp: new Date().toISOString(),
      status: decision === "approve" ? "approved" : "denied",
      input: null,
      output: { recommendation: pending.recommendation, applyTo: pending.applyTo },
    });
    const reportsDir = values["reports-dir"] ?? "reports";
    const reportDir =
      decision === "approve" && !values["no-report"]
        ? await writeApprovalReport(reportsDir, {
            functionArn,
            runId: pending.runId,
            recommendation: pending.recommendation,
            applyTo: pending.applyTo,
            at: new Date(),
          })
        : undefined;
    process.stdout.write(
      decision === "approve"
        ? `approved: ${functionArn} (${pending.applyTo}) now has ${power} MB (was ${pending.recommendation.currentPower} MB)\n`
        : `denied: ${functionArn} keeps ${pending.recommendation.currentPower} MB; the ${power} MB recommendation is dropped\n`,
    );
    if (reportDir) process.stdout.write(`memory summary: ${join(reportDir, "memory-summary.md")}\n`);
    return EXIT_OK;
  } finally {
    lambda.destroy();
    ddb.destroy();
  }
}
