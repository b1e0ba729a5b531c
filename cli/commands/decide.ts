// `powertune approve|deny <function>`: settle a pending recommendation that a manual-approval run stored.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { OUTPUTS, outputLabel, STACKS, stackOutput } from "../../contract/index.js";
import { fetchLocalOutputs } from "../../local/outputs.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/shared/identity.js";
import { parseCommandArgs } from "../args.js";
import { DEFAULT_LOCAL_ENDPOINT } from "../cloud-target.js";
import {
  applyPending,
  type Decision,
  pendingToSettle,
  readPending,
  recordDecision,
  resolveFunction,
  runFigures,
} from "../pending-recommendation.js";
import { approver, writeApprovalReport } from "../report/approval-report.js";
import { type ApprovalRequestRef, parseApprovalRequest } from "../report/approval-request.js";
import { type DecisionOutcome, renderDecisionMarkdown } from "../report/decision-comment.js";
import { EXIT_OK, UsageError } from "../usage-error.js";
import { ensureWritableFile } from "../writable-file.js";

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
  --region REGION             with --cloud: the region
  --request FILE              the approval request \`powertune tune --approval-request\` wrote (e.g. the
                              approval issue's body): refuse unless the pending recommendation is that
                              run's, so an old request cannot settle a newer recommendation
  --markdown FILE             write the outcome to FILE as Markdown (e.g. a comment for the approval issue),
                              also when the command refuses or fails
  --decided-by WHO            who decided, for the record (default: the user and host running this)${
    decision === "approve"
      ? `
  --reports-dir DIR           where the approval's memory-summary.md goes, under history/ (default reports)
  --no-report                 do not write it`
      : ""
  }
  -h, --help                  this help

exit status: 0 done, 1 an error part-way, 2 refused (bad usage, no pending recommendation, another run's
request): nothing changed.
`;

/** `--request FILE`: the run it names; a file without a request is a usage error naming it. */
async function readRequest(path: string): Promise<ApprovalRequestRef> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--request ${path}: ${code === "ENOENT" ? "no such file" : String(error)}`);
  }
  const request = parseApprovalRequest(text);
  if (!request) {
    throw new UsageError(
      `--request ${path}: no approval request in it (its first line, an HTML comment naming the run, is written by \`powertune tune --approval-request\`)`,
    );
  }
  return request;
}

export async function runDecision(decision: Decision, argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(decision, argv, {
    endpoint: { type: "string" },
    cloud: { type: "boolean" },
    "history-table": { type: "string" },
    region: { type: "string" },
    request: { type: "string" },
    markdown: { type: "string" },
    "decided-by": { type: "string" },
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
  if (values["decided-by"]?.trim() === "") throw new UsageError("--decided-by needs a name");
  const markdown = values.markdown;
  if (markdown !== undefined) await ensureWritableFile("markdown", markdown);

  try {
    const outcome = await settle(decision, target, values);
    if (markdown !== undefined) await writeFile(markdown, renderDecisionMarkdown(outcome));
    return EXIT_OK;
  } catch (error) {
    if (markdown !== undefined) {
      const message = error instanceof Error ? error.message : String(error);
      const kind = error instanceof UsageError ? "refused" : "failed";
      await writeFile(markdown, renderDecisionMarkdown({ kind, decision, message }));
    }
    throw error;
  }
}

interface DecisionOptions {
  endpoint?: string | undefined;
  cloud?: boolean | undefined;
  "history-table"?: string | undefined;
  region?: string | undefined;
  request?: string | undefined;
  "decided-by"?: string | undefined;
  "reports-dir"?: string | undefined;
  "no-report"?: boolean | undefined;
}

async function settle(decision: Decision, target: string, values: DecisionOptions): Promise<DecisionOutcome> {
  const request = values.request === undefined ? undefined : await readRequest(values.request);
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
    const { functionArn, memoryMb } = await resolveFunction(lambda, target);
    const pending = pendingToSettle(functionArn, await readPending(ddb, table, functionArn), request);
    const decidedBy = values["decided-by"] ?? approver();
    const r = pending.recommendation;
    if (decision === "deny") {
      await recordDecision(ddb, table, pending, decision, decidedBy);
      process.stdout.write(
        `denied: ${functionArn} keeps ${r.currentPower} MB; the ${r.winnerPower} MB recommendation is dropped\n`,
      );
      return {
        kind: "denied",
        functionArn,
        runId: pending.runId,
        keptMb: r.currentPower,
        droppedMb: r.winnerPower,
        decidedBy,
      };
    }
    // Read before anything changes: the evidence is optional, the memory change is not.
    const stats = await runFigures(ddb, table, functionArn, pending.runId).catch((error: Error) => {
      process.stderr.write(`the run's figures could not be read from ${table} (${error.message})\n`);
      return undefined;
    });
    await applyPending(lambda, pending, memoryMb);
    await recordDecision(ddb, table, pending, decision, decidedBy);
    const reportDir = values["no-report"]
      ? undefined
      : await writeApprovalReport(values["reports-dir"] ?? "reports", {
          functionArn,
          runId: pending.runId,
          recommendation: r,
          applyTo: pending.applyTo,
          at: new Date(),
          approvedBy: decidedBy,
          ...(stats ? { stats } : {}),
        });
    const memorySummary = reportDir ? join(reportDir, "memory-summary.md") : undefined;
    process.stdout.write(
      `approved: ${functionArn} (${pending.applyTo}) now has ${r.winnerPower} MB (was ${r.currentPower} MB)\n`,
    );
    if (memorySummary) process.stdout.write(`memory summary: ${memorySummary}\n`);
    return {
      kind: "approved",
      functionArn,
      runId: pending.runId,
      beforeMb: r.currentPower,
      afterMb: r.winnerPower,
      appliedTo: `${functionArn}:${pending.applyTo}`,
      decidedBy,
      ...(memorySummary ? { memorySummary } : {}),
    };
  } finally {
    lambda.destroy();
    ddb.destroy();
  }
}
