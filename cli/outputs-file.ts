// Reading a deployment's outputs: a `cdk deploy --outputs-file` JSON, or a running local cloud's (the same
// shape). Every output is looked up through the contract, so no command spells an output's name.
import { readFile } from "node:fs/promises";
import {
  type AppStack,
  type DeployedOutputs,
  type OutputOf,
  outputLabel,
  stackOutput,
} from "../contract/index.js";
import { fetchLocalOutputs } from "../local/outputs.js";
import { UsageError } from "./usage-error.js";

/** Outputs, and how messages name where they came from. */
export interface OutputsSource {
  outputs: DeployedOutputs;
  /** "--outputs-file outputs.json", "the local cloud at http://127.0.0.1:4566". */
  where: string;
}

/** Checks the parsed JSON has the file's shape: stack id → output name → string value. */
export function parseOutputsJson(text: string, where: string): DeployedOutputs {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new UsageError(`${where}: not valid JSON (${(error as Error).message})`);
  }
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);
  if (!isObject(parsed) || !Object.values(parsed).every(isObject)) {
    throw new UsageError(
      `${where}: not a stack outputs file (expected {"<stack>": {"<output>": "<value>"}}, as \`cdk deploy --outputs-file\` writes)`,
    );
  }
  return parsed as DeployedOutputs;
}

/** `--outputs-file FILE`: a missing file or a file of another shape is a usage error naming it. */
export async function readOutputsFile(path: string): Promise<OutputsSource> {
  const where = `--outputs-file ${path}`;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${where}: ${code === "ENOENT" ? "no such file (write it with `cdk deploy --outputs-file`)" : String(error)}`,
    );
  }
  return { outputs: parseOutputsJson(text, where), where };
}

/** The outputs of the local cloud answering at `endpoint`; a usage error when none answers. */
export async function readLocalOutputs(endpoint: string): Promise<OutputsSource> {
  const outputs = await fetchLocalOutputs(endpoint);
  if (!outputs) {
    throw new UsageError(
      `no local cloud answers at ${endpoint}: start one with \`powertune up\`, or give --outputs-file`,
    );
  }
  return { outputs, where: `the local cloud at ${endpoint}` };
}

/** One output the command cannot do without; its absence is a usage error naming the output and the source. */
export function requireOutput<S extends AppStack>(
  source: OutputsSource,
  stack: S,
  output: OutputOf<S>,
): string {
  const value = stackOutput(source.outputs, stack, output);
  if (value === undefined || value === "") {
    throw new UsageError(`${source.where} has no ${outputLabel(stack, output)} output: deploy the app first`);
  }
  return value;
}
