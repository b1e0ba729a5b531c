import { OUTPUTS, STACKS } from "../../contract/index.js";
import { invocationsPerPower, type TuningOutput } from "../../functions/tuner/core/index.js";
import { fetchInvocationCounts } from "../../local/admin.js";
import { parseCommandArgs, parsePort } from "../args.js";
import { openCloudTarget } from "../cloud-target.js";
import { checkTuningInput, readInputJson } from "../read-input.js";
import { ensureReportsDir } from "../report/run-folder.js";
import { renderTerminalSummary } from "../report/tuning-report.js";
import { writeExecutionReport } from "../report/write-report.js";
import { runExecution } from "../run-execution.js";
import { EXIT_OK, UsageError } from "../usage-error.js";

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
  --region REGION             with --cloud: the region (default: from the AWS configuration)

output:
  --json                      print only the state machine's output, as JSON, on stdout
  --reports-dir DIR           where reports go (default reports)
  --no-report                 do not write a report folder
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
    region: { type: "string" },
    json: { type: "boolean" },
    "reports-dir": { type: "string" },
    "no-report": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(tuneHelp);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new UsageError(`powertune tune: unexpected argument "${positionals[0]}"`);
  if (values.input === undefined) throw new UsageError("powertune tune: --input FILE|- is required");
  if (values.cloud && !values["state-machine-arn"]) {
    throw new UsageError(
      `powertune tune: --cloud needs --state-machine-arn (the ${STACKS.tuner} stack's ${OUTPUTS.tuner.stateMachineArn} output)`,
    );
  }
  if (!values.cloud && (values["state-machine-arn"] || values.region)) {
    throw new UsageError("powertune tune: --state-machine-arn and --region go with --cloud");
  }

  const raw = await readInputJson(values.input);
  const input = { includeOutputResults: true, ...raw };
  const checked = checkTuningInput(values.input, input);

  const reportsDir = values["reports-dir"] ?? "reports";
  if (!values.json && !values["no-report"]) await ensureReportsDir(reportsDir, "tune");

  const progressStream = values.json ? undefined : process.stderr;
  const target = await openCloudTarget({
    cloud: values.cloud === true,
    stateMachineArn: values["state-machine-arn"],
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
        ? { countInvocations: () => fetchInvocationCounts(target.endpoint ?? "", checked.lambdaARN) }
        : {}),
      progressStream,
    });
    const output = result.output as TuningOutput;
    if (values.json) {
      process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
      return EXIT_OK;
    }
    const reportDir = values["no-report"]
      ? undefined
      : await writeExecutionReport(reportsDir, checked.lambdaARN, result, output);
    process.stdout.write(renderTerminalSummary(output, reportDir));
    return EXIT_OK;
  } finally {
    await target.close();
  }
}
