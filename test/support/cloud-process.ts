// A local cloud in a process of its own, so a test can kill it with SIGKILL by its pid and start another on
// the same data directory: `powertune up` itself, or the deployed app from an assembly synthesized once.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

const BIN = join(import.meta.dirname, "../../cli/bin.mjs");
const APP_CLOUD = join(import.meta.dirname, "app-cloud-main.ts");

export interface CloudProcess {
  child: ChildProcess;
  endpoint: string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** SIGKILL by pid: no shutdown code runs. */
  kill9(): Promise<void>;
  /** SIGTERM, as Ctrl-C would; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** The exit code, once the process has ended: for a test that stops it with a signal of its own choosing. */
  exited: Promise<number | null>;
}

const live = new Set<ChildProcess>();

/** Kills (SIGKILL) every cloud process a test left running; for afterAll. */
export function killLeftoverClouds(): void {
  for (const child of live) if (child.pid !== undefined) process.kill(child.pid, "SIGKILL");
}

/** `powertune up --no-deploy` on `dataDir`, on a free port. */
export function startUp(dataDir: string): Promise<CloudProcess> {
  return startCloudProcess([BIN, "up", "--port", "0", "--no-deploy", "--data-dir", dataDir]);
}

/** The app of `cdkOutDir` deployed without a new synth, interrupted runs expired: what `up` does, faster. */
export function startAppCloud(dataDir: string, cdkOutDir: string): Promise<CloudProcess> {
  return startCloudProcess(["--import", "tsx", APP_CLOUD, dataDir, cdkOutDir]);
}

async function startCloudProcess(args: string[]): Promise<CloudProcess> {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      live.delete(child);
      resolve(code);
    }),
  );
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^endpoint: (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout);
      if (match && stdout.includes("running")) resolve(match[1] as string);
    });
    void exited.then((code) =>
      reject(new Error(`the local cloud exited with ${code} before it was ready:\n${stderr.slice(-3000)}`)),
    );
  });
  return {
    child,
    endpoint,
    stderr: () => stderr,
    exited,
    async kill9() {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
      await exited;
    },
    async stop() {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGTERM");
      return exited;
    },
  };
}
