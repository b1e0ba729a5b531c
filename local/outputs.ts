// Stack outputs in the shape `cdk deploy --outputs-file` writes: stack name → output name → value.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { OUTPUTS_PATH } from "./admin.js";
import { replaceFileSync } from "./shared/durable-file.js";

export type StackOutputs = Record<string, Record<string, string>>;

export function outputsFile(dataDir: string): string {
  return join(dataDir, "outputs.json");
}

/** Replaces outputs.json atomically: a reader never finds half of it, even after a kill -9 mid-deploy. */
export async function writeOutputsFile(dataDir: string, outputs: StackOutputs): Promise<string> {
  const file = outputsFile(dataDir);
  replaceFileSync(file, `${JSON.stringify(outputs, null, 2)}\n`);
  return file;
}

export async function readOutputsFile(dataDir: string): Promise<StackOutputs | undefined> {
  try {
    return JSON.parse(await readFile(outputsFile(dataDir), "utf8")) as StackOutputs;
  } catch {
    return undefined;
  }
}

/** Asks a local cloud for its outputs; undefined when nothing answers there (1 s timeout). */
export async function fetchLocalOutputs(endpoint: string): Promise<StackOutputs | undefined> {
  try {
    const response = await fetch(new URL(OUTPUTS_PATH, endpoint), { signal: AbortSignal.timeout(1000) });
    if (!response.ok) return undefined;
    return (await response.json()) as StackOutputs;
  } catch {
    return undefined;
  }
}
