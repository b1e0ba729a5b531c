// `powertune input`: the crud function's weekly tuning input for a deployed app, with an approval mode, so a
// CI job (or a person) tunes exactly what the schedule rule tunes.
import { type CrudTuningInput, crudTuningInput, OUTPUTS, STACKS } from "../../contract/index.js";
import { parseCommandArgs } from "../args.js";
import { DEFAULT_LOCAL_ENDPOINT } from "../cloud-target.js";
import { type OutputsSource, readLocalOutputs, readOutputsFile, requireOutput } from "../outputs-file.js";
import { EXIT_OK, UsageError } from "../usage-error.js";

export const inputHelp = `usage: powertune input [--outputs-file FILE | --endpoint URL] [--approval auto|manual]

Prints the tuning input of the crud function, as JSON on stdout: the weekly schedule rule's own input
(lambdaARN, the read-heavy payload over the items table, the default power values, num 50, strategy
balanced), for the deployment the outputs describe. Give it to \`powertune tune --input\`.

where the deployment is (default: the running local cloud):
  --outputs-file FILE         the JSON \`cdk deploy --outputs-file\` wrote (the ${STACKS.crud} stack's
                              ${OUTPUTS.crud.functionArn} and ${OUTPUTS.crud.tableName} outputs)
  --endpoint URL              a running local cloud (default ${DEFAULT_LOCAL_ENDPOINT})

what the run may do (default: report only, like the weekly rule):
  --approval auto             apply the winner at the end of the run (autoOptimize: true)
  --approval manual           store it as a pending recommendation ("approval": "manual"), for
                              \`powertune approve\` or \`powertune deny\`
  -h, --help                  this help

exit status: 0 printed, 2 bad usage or outputs missing.
`;

export type ApprovalMode = "auto" | "manual";
const APPROVAL_MODES: readonly ApprovalMode[] = ["auto", "manual"];

/** `--approval VALUE`, or undefined when not given; anything else is a usage error naming the flag. */
export function parseApprovalMode(value: string | undefined): ApprovalMode | undefined {
  if (value === undefined) return undefined;
  if ((APPROVAL_MODES as readonly string[]).includes(value)) return value as ApprovalMode;
  throw new UsageError(`--approval must be auto or manual, got "${value}"`);
}

/** The weekly input for the deployment in `source`, with what the approval mode adds. */
export function tuningInputFor(source: OutputsSource, approval: ApprovalMode | undefined): CrudTuningInput {
  const target = {
    functionArn: requireOutput(source, "crud", "functionArn"),
    tableName: requireOutput(source, "crud", "tableName"),
  };
  // A manual approval needs no autoOptimize: the recommendation is applied once approved.
  const decision = approval === "auto" ? { autoOptimize: true } : approval === "manual" ? { approval } : {};
  return crudTuningInput(target, undefined, decision);
}

export async function runInput(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("input", argv, {
    "outputs-file": { type: "string" },
    endpoint: { type: "string" },
    approval: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(inputHelp);
    return EXIT_OK;
  }
  if (positionals.length > 0)
    throw new UsageError(`powertune input: unexpected argument "${positionals[0]}"`);
  if (values["outputs-file"] !== undefined && values.endpoint !== undefined) {
    throw new UsageError(
      "--outputs-file and --endpoint exclude each other: give the deployment's outputs, or the local cloud",
    );
  }
  const approval = parseApprovalMode(values.approval);
  const source =
    values["outputs-file"] !== undefined
      ? await readOutputsFile(values["outputs-file"])
      : await readLocalOutputs(values.endpoint ?? DEFAULT_LOCAL_ENDPOINT);
  process.stdout.write(`${JSON.stringify(tuningInputFor(source, approval), null, 2)}\n`);
  return EXIT_OK;
}
