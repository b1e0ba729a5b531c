// Where a run's report goes: `<reports-dir>/history/<time>-<kind>-<function>/`, one folder per run.
import { constants } from "node:fs";
import { access, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { UsageError } from "../usage-error.js";

/** What made a run folder: the three measuring commands, and `powertune approve` changing memory. */
export type RunKind = "tune" | "loadtest" | "smoke" | "approve";

export const RUN_KINDS: readonly RunKind[] = ["tune", "loadtest", "smoke", "approve"];

/** The function's name from its ARN (qualifier dropped), or the name itself. */
export function functionNameOf(functionArnOrName: string): string {
  return functionArnOrName.split(":function:")[1]?.split(":")[0] ?? functionArnOrName;
}

/** `2026-11-22T10-04-05Z-tune-my-function`: sortable by time, and safe on every file system. */
export function runFolderName(startedAt: Date, kind: RunKind, functionArnOrName?: string): string {
  const stamp = startedAt
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/:/g, "-");
  if (functionArnOrName === undefined) return `${stamp}-${kind}`;
  return `${stamp}-${kind}-${functionNameOf(functionArnOrName).replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

export function historyDir(reportsDir: string): string {
  return join(reportsDir, "history");
}

/** Makes the run's folder; two runs of the same kind on the same function in one second get `-2`, `-3`. */
export async function makeRunFolder(
  reportsDir: string,
  startedAt: Date,
  kind: RunKind,
  functionArnOrName?: string,
): Promise<string> {
  const base = join(historyDir(reportsDir), runFolderName(startedAt, kind, functionArnOrName));
  await mkdir(historyDir(reportsDir), { recursive: true });
  for (let n = 1; ; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    try {
      await mkdir(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}

/** Before a run, not after it: a reports directory that cannot be made would throw the results away. */
export async function ensureReportsDir(dir: string, command: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new UsageError(
      `powertune ${command}: --reports-dir ${dir} cannot be used (${code ?? message}): give a directory you can write`,
    );
  }
}
