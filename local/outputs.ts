// Stack outputs in the shape `cdk deploy --outputs-file` writes: stack name → output name → value.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export type StackOutputs = Record<string, Record<string, string>>;

/** The admin route a running local cloud answers with its outputs (see local/cloud.ts). */
export const OUTPUTS_PATH = "/_powertune/outputs";
/** The admin route that synthesizes and deploys the app inside a running local cloud's process. */
export const DEPLOY_PATH = "/_powertune/deploy";

export function outputsFile(dataDir: string): string {
  return join(dataDir, "outputs.json");
}

export async function writeOutputsFile(dataDir: string, outputs: StackOutputs): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  const file = outputsFile(dataDir);
  await writeFile(file, `${JSON.stringify(outputs, null, 2)}\n`);
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
