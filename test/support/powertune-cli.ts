// The powertune command as a child process, for tests that drive it like a user.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";

export const POWERTUNE_BIN = join(import.meta.dirname, "../../cli/bin.mjs");

export interface CliRun {
  child: ChildProcess;
  /** Everything written so far. */
  output: { stdout: string; stderr: string };
  exited: Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
}

export function startPowertune(args: string[], cwd?: string): CliRun {
  const child = spawn(process.execPath, [POWERTUNE_BIN, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    ...(cwd ? { cwd } : {}),
  });
  const output = { stdout: "", stderr: "" };
  child.stdout?.on("data", (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (status, signal) => resolve({ status, signal })),
  );
  return { child, output, exited };
}

export async function powertune(args: string[], cwd?: string) {
  const run = startPowertune(args, cwd);
  const { status } = await run.exited;
  return { status, ...run.output };
}

/** The command run to its end and waited for: for the quick checks (help, usage errors) that need no cloud. */
export function powertuneSync(args: string[], cwd?: string) {
  const result = spawnSync(process.execPath, [POWERTUNE_BIN, ...args], {
    encoding: "utf8",
    timeout: 60_000,
    ...(cwd ? { cwd } : {}),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Resolves once `pattern` shows on stderr; rejects if the process exits first. */
export function waitForStderr(run: CliRun, pattern: RegExp, timeoutMs = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} on stderr:\n${run.output.stderr}`)),
      timeoutMs,
    );
    const check = () => {
      if (pattern.test(run.output.stderr)) {
        clearTimeout(timer);
        resolve();
      }
    };
    run.child.stderr?.on("data", check);
    void run.exited.then(() => {
      clearTimeout(timer);
      if (pattern.test(run.output.stderr)) resolve();
      else reject(new Error(`exited before ${pattern} showed:\n${run.output.stderr}`));
    });
    check();
  });
}
