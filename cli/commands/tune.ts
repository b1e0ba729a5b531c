import { appendFile, writeFile } from "node:fs/promises";
import { OUTPUTS, STACKS } from "../../contract/index.js";
import { invocationsPerPower, type TuningOutput, unqualifiedArn } from "../../functions/tuner/core/index.js";
import { fetchInvocationCounts } from "../../local/admin.js";
import { parseCommandArgs, parsePort } from "../args.js";
import { openCloudTarget } from "../cloud-target.js";
import { readOutputsFile, requireOutput } from "../outputs-file.js";
import { checkTuningInput, readInputJson } from "../read-input.js";
import { renderApprovalRequest } from "../report/approval-request.js";
import { ensureReportsDir } from "../report/run-folder.js";
import { renderTuneFailureMarkdown, renderTuneMarkdown } from "../report/step-summary.js";
import { renderTerminalSummary } from "../report/tuning-report.js";
import { writeExecutionReport } from "../report/write-report.js";
import { runExecution } from "../run-execution.js";
import { EXIT_OK, ExecutionFailedError, UsageError } from "../usage-error.js";
import { ensureWritableFile, removeStaleFile } from "../writable-file.js";

export const tuneHelp = `usage: powertune tune --input FILE|- [options]

Starts a power-tuning execution, shows its progress, prints a table of the results and writes a report
to <reports-dir>/history/<time>-tune-<function>/ (result.json, summary.md, report.html, and
memory-summary.md when the run applied its winner), then rewrites <reports-dir>/index.html.

The input is the state machine's JSON input (lambdaARN, num, powerValues, strategy, ...; see docs/tuner.md).
It is checked before anything starts. includeOutputResults defaults to true here, for the table.

where it runs (default: the local cloud; one is booted for the run if none answers at --endpoint):
  --endpoint URL              a running local cloud (default http://127.0.0.1:4566)
  --data-dir DIR              the local cloud's data directory when one is booted (default .powertune)
  --cloud                     run on AWS with the standard credential chain instead
  --state-machine-arn ARN     with --cloud: the ${STACKS.tuner} state machine (output ${OUTPUTS.tuner.stateMachineArn})
  --outputs-file FILE         with --cloud, instead of --state-machine-arn: read that output from the JSON
                              \`cdk deploy --outputs-file\` wrote
  --region REGION             with --cloud: the region (default: from the AWS configuration)

output:
  --json                      print only the state machine's output, as JSON, on stdout
  --reports-dir DIR           where reports go (default reports)
  --no-report                 do not write a report folder
  --markdown FILE             append the run's summary (or why it failed) to FILE as Markdown, e.g. a CI
                              job's summary: --markdown "$GITHUB_STEP_SUMMARY"
  --approval-request FILE     when the run leaves its recommendation pending ("approval": "manual"), write
                              the request a reviewer answers (before → after, figures, chart, run id) to
                              FILE, for \`powertune approve|deny --request FILE\`; FILE is removed first, so it
                              exists afterwards only if this run left one pending
  -h, --help                  this help

exit status: 0 success, 1 the execution failed (its cause is printed), 2 bad usage or bad input.
`;

export async function runTune(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("tune", argv, {
    input: { type: "string", short: "i" },
    endpoint: { type: "string" },
    "data-dir": { type: "string" },
    port: { type: "string" },
    cloud: { type: "boolean" },
    "state-machine-arn": { type: "string" },
    "outputs-file": { type: "string" },
    region: { type: "string" },
    json: { type: "boolean" },
    "reports-dir": { type: "string" },
    "no-report": { type: "boolean" },
    markdown: { type: "string" },
    "approval-request": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(tuneHelp);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new UsageError(`powertune tune: unexpected argument "${positionals[0]}"`);
  if (values.input === undefined) throw new UsageError("powertune tune: --input FILE|- is required");
  if (values["state-machine-arn"] && values["outputs-file"]) {
    throw new UsageError(
      "powertune tune: --state-machine-arn and --outputs-file exclude each other: give the ARN, or the file holding it",
    );
  }
  if (values.cloud && !values["state-machine-arn"] && !values["outputs-file"]) {
    throw new UsageError(
      `powertune tune: --cloud needs --state-machine-arn (the ${STACKS.tuner} stack's ${OUTPUTS.tuner.stateMachineArn} output) or --outputs-file`,
    );
  }
  if (!values.cloud && (values["state-machine-arn"] || values["outputs-file"] || values.region)) {
    throw new UsageError(
      "powertune tune: --state-machine-arn, --outputs-file and --region go with --cloud (the local cloud's own outputs are used)",
    );
  }

  const raw = await readInputJson(values.input);
  const input = { includeOutputResults: true, ...raw };
  const checked = checkTuningInput(values.input, input);

  const stateMachineArn = values["outputs-file"]
    ? requireOutput(await readOutputsFile(values["outputs-file"]), "tuner", "stateMachineArn")
    : values["state-machine-arn"];

  const reportsDir = values["reports-dir"] ?? "reports";
  if (!values.json && !values["no-report"]) await ensureReportsDir(reportsDir, "tune");
  const markdown = values.markdown;
  if (markdown !== undefined) await ensureWritableFile("markdown", markdown);
  const requestFile = values["approval-request"];
  if (requestFile !== undefined) await removeStaleFile("approval-request", requestFile);

  const progressStream = values.json ? undefined : process.stderr;
  const target = await openCloudTarget({
    cloud: values.cloud === true,
    stateMachineArn,
    region: values.region,
    endpoint: values.endpoint,
    dataDir: values["data-dir"] ?? ".powertune",
    port: parsePort("port", values.port, 0),
    log: (line) => progressStream?.write(`${line}\n`),
  });
  try {
    const result = await runExecution({
      sfn: target.sfn,
      stateMachineArn: target.stateMachineArn,
      input,
      powers: checked.powerValues,
      num: invocationsPerPower(checked),
      ...(target.endpoint
        ? {
            // The run invokes its RAM<power> aliases of the function, whatever version or alias it tunes.
            countInvocations: () =>
              fetchInvocationCounts(target.endpoint ?? "", unqualifiedArn(checked.lambdaARN)),
          }
        : {}),
      progressStream,
    }).catch(async (error: unknown) => {
      if (markdown !== undefined) {
        const message = error instanceof Error ? error.message : String(error);
        const executionArn = error instanceof ExecutionFailedError ? error.executionArn : undefined;
        await appendFile(
          markdown,
          renderTuneFailureMarkdown({ functionArn: checked.lambdaARN, executionArn, message }),
        );
      }
      throw error;
    });
    const output = result.output as TuningOutput;
    const { executionArn, startedAt, finishedAt } = result;
    const meta = { functionArn: checked.lambdaARN, executionArn, startedAt, finishedAt };
    const reportDir =
      values.json || values["no-report"]
        ? undefined
        : await writeExecutionReport(reportsDir, checked.lambdaARN, result, output);
    if (markdown !== undefined) await appendFile(markdown, renderTuneMarkdown(output, meta, reportDir));
    const request =
      requestFile === undefined
        ? undefined
        : renderApprovalRequest(output, {
            ...meta,
            ...(checked.autoOptimizeAlias ? { applyTo: checked.autoOptimizeAlias } : {}),
          });
    if (requestFile !== undefined && request !== undefined) await writeFile(requestFile, request);
    const notes = request !== undefined ? `approval request: ${requestFile}\n` : "";
    if (values.json) {
      process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
      process.stderr.write(notes);
      return EXIT_OK;
    }
    process.stdout.write(`${renderTerminalSummary(output, reportDir)}${notes}`);
    return EXIT_OK;
  } finally {
    await target.close();
  }
}
