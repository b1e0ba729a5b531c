import { outputLabel, SAMPLE_ITEM_COUNT, stackOutput } from "../../contract/index.js";
import { invocationsPerPower, type TuningOutput } from "../../functions/tuner/core/index.js";
import { fetchInvocationCounts } from "../../local/admin.js";
import { parseCommandArgs } from "../args.js";
import { localSfnClient } from "../cloud-target.js";
import { expireInterruptedRuns, seedSampleItems, weeklyTuningInput } from "../demo-steps.js";
import { closeOnInterrupt } from "../interrupt.js";
import { checkTuningInput } from "../read-input.js";
import { renderTerminalSummary } from "../report/tuning-report.js";
import { writeExecutionReport } from "../report/write-report.js";
import { runExecution } from "../run-execution.js";
import { EXIT_OK, UsageError } from "../usage-error.js";

export const demoHelp = `usage: powertune demo [--data-dir .powertune] [--reports-dir reports] [--items 25]

What \`npm start\` runs, start to end on the local cloud: boot it, synthesize and deploy the app, seed the
items table through the REST API, tune the crud function with the weekly schedule rule's own input, print
the results table, the chart URL and the report folder, then stop the local cloud.

options:
  --data-dir DIR      the local cloud's data directory (default .powertune)
  --reports-dir DIR   where the report goes (default reports)
  --items N           sample items to seed (default 25)
  -h, --help          this help
`;

export async function runDemo(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("demo", argv, {
    "data-dir": { type: "string" },
    "reports-dir": { type: "string" },
    items: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(demoHelp);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new UsageError(`powertune demo: unexpected argument "${positionals[0]}"`);
  const items = Number(values.items ?? SAMPLE_ITEM_COUNT);
  if (!Number.isInteger(items) || items < 1 || items > 1000) {
    throw new UsageError(`--items must be a whole number from 1 to 1000, got "${values.items}"`);
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const { bootLocalCloudWithApp } = await import("../../local/cloud.js");
  log("booting the local cloud and deploying the app…");
  const cloud = await bootLocalCloudWithApp({ port: 0, dataDir: values["data-dir"] ?? ".powertune", log });
  const sfn = localSfnClient(cloud.endpoint);
  const stopHandling = closeOnInterrupt(() => cloud.close(), log);
  try {
    const apiUrl = stackOutput(cloud.outputs, "crud", "apiUrl");
    const stateMachineArn = stackOutput(cloud.outputs, "tuner", "stateMachineArn");
    if (!apiUrl || !stateMachineArn) {
      throw new Error(
        `the deployed app lacks the ${outputLabel("crud", "apiUrl")} or ${outputLabel("tuner", "stateMachineArn")} output`,
      );
    }
    await expireInterruptedRuns(cloud, log);
    await seedSampleItems(apiUrl, items, log);
    const input = { includeOutputResults: true, ...weeklyTuningInput(cloud) };
    const checked = checkTuningInput("the weekly rule's input", input);
    log(
      `tuning ${checked.lambdaARN}: ${checked.powerValues.join(", ")} MB × ${checked.num} invocations, strategy ${checked.strategy}`,
    );
    const result = await runExecution({
      sfn,
      stateMachineArn,
      input,
      powers: checked.powerValues,
      num: invocationsPerPower(checked),
      countInvocations: () => fetchInvocationCounts(cloud.endpoint, checked.lambdaARN),
      progressStream: process.stderr,
    });
    const output = result.output as TuningOutput;
    const reportDir = await writeExecutionReport(
      values["reports-dir"] ?? "reports",
      checked.lambdaARN,
      result,
      output,
    );
    process.stdout.write(renderTerminalSummary(output, reportDir));
    return EXIT_OK;
  } finally {
    stopHandling();
    sfn.destroy();
    await cloud.close();
  }
}
