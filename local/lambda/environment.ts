// One execution environment: a child Node.js process running runtime/bootstrap.mjs, joined to its own
// cgroup before it runs anything, initialised unthrottled, then held to the memory→CPU law while it serves.

import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CgroupLayout, EnvironmentCgroup } from "./cgroup.js";
import { type CpuLawSettings, cpuShareCores } from "./cpu-law.js";
import { type CpuSample, emulatedDurationMs } from "./emulated-duration.js";
import { nodeHeapFlags } from "./heap-flags.js";
import type { CgroupCpuSource } from "./runtime/cpu-accounting.mjs";

const BOOTSTRAP = fileURLToPath(new URL("./runtime/bootstrap.mjs", import.meta.url));

/** Lambda caps the init phase at 10 s. */
export const INIT_TIMEOUT_MS = 10_000;
/** V8's words when the heap is exhausted (its fatal error line: "Reached heap limit Allocation failed - …"). */
const HEAP_EXHAUSTED = /heap out of memory|Allocation failed/i;
/** How long an exit waits for the rest of stderr when the stream stays open. */
const STDERR_GRACE_MS = 250;

export interface EnvironmentSpec {
  id: string;
  functionName: string;
  version: string;
  memoryMb: number;
  timeoutS: number;
  codeDir: string;
  env: Record<string, string>;
  cores: number;
  cgroups: CgroupLayout | undefined;
  cpuLaw: CpuLawSettings;
  /** Receives every chunk of the function's own output (stdout, stderr, console). */
  onOutput: (text: string) => void;
}

export interface FunctionErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export interface InvocationOutcome {
  /** JSON text returned by the handler, or the error payload's JSON on failure; "" after a streaming handler. */
  payload: string;
  /** The handler streamed its response (awslambda.streamifyResponse): what it wrote went to `onChunk`. */
  streamed: boolean;
  /** The content type a streaming handler set (application/octet-stream unless it set one). */
  contentType?: string;
  functionError: FunctionErrorPayload | undefined;
  durationMs: number;
  maxMemoryUsedMb: number;
  status: "timeout" | "error" | undefined;
  /** The environment can no longer be used (crash, timeout, out of memory). */
  environmentLost: boolean;
  /** What the environment measured around the handler; absent when it did not finish (timeout, crash). */
  sample?: CpuSample;
}

export interface InvokeContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: number;
  logGroupName: string;
  logStreamName: string;
  clientContext: unknown;
}

/** What a streaming handler wrote with one `write`, and the content type its stream had then. */
export interface ResponseChunk {
  data: Buffer;
  contentType: string;
}

/** CPU measured from the process's start to the end of init; the service adds the wall time it saw. */
type InitCpu = Omit<CpuSample, "wallMs">;

type ChildMessage =
  | { type: "ready"; initDurationMs: number; initCpu: InitCpu; maxMemoryUsedMb: number }
  | { type: "init-error"; error: FunctionErrorPayload; initDurationMs: number; initCpu: InitCpu }
  | { type: "log"; stream: string; text: string }
  | { type: "chunk"; requestId: string; data: string; contentType: string }
  | {
      type: "result";
      requestId: string;
      ok: boolean;
      streamed: boolean;
      contentType?: string;
      payload?: string;
      error?: FunctionErrorPayload;
      sample: CpuSample;
      maxMemoryUsedMb: number;
    };

export type InitResult =
  | { ok: true; initDurationMs: number; sample?: CpuSample }
  | { ok: false; initDurationMs: number; error: FunctionErrorPayload };

export class ExecutionEnvironment {
  state: "initializing" | "idle" | "busy" | "dead" = "initializing";
  lastUsed = Date.now();
  /** Set when the function's configuration or code changed: the environment retires after its invocation. */
  stale = false;
  readonly shareCores: number;
  private child: ChildProcess | undefined;
  private cgroup: EnvironmentCgroup | undefined;
  private exited: Promise<void> = Promise.resolve();
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private onMessage: ((m: ChildMessage) => void) | undefined;
  private onChunk: ((chunk: ResponseChunk) => void) | undefined;
  private onExit: (() => void) | undefined;
  private stderrTail = "";
  /** V8 said it ran out of heap: sticky, since its native stack trace after the message can outgrow the tail. */
  private heapExhausted = false;

  constructor(readonly spec: EnvironmentSpec) {
    this.shareCores = cpuShareCores(spec.memoryMb, spec.cores);
  }

  /** Duration of a sample under the law (or its wall time, when the settings measure wall time). */
  private durationOf(sample: CpuSample, shareCores: number): number {
    return this.spec.cpuLaw.duration === "accounted" ? emulatedDurationMs(sample, shareCores) : sample.wallMs;
  }

  /** Sets the environment's quota for a share, with the settings' period and burst. */
  private setShare(shareCores: number, burstFraction: number): void {
    this.cgroup?.setCpuShare(shareCores, this.spec.cpuLaw.periodUs, burstFraction);
  }

  get emulated(): boolean {
    return this.cgroup === undefined;
  }

  /** Starts the process and runs the init phase (module load), unthrottled and capped at 10 s. */
  async init(): Promise<InitResult> {
    this.watch(this.spawnChild());
    const result = await this.waitForInit();
    if (!result.ok) {
      await this.kill();
      return result;
    }
    this.setShare(this.shareCores, this.spec.cpuLaw.burstFraction);
    this.state = "idle";
    return result;
  }

  private spawnChild(): ChildProcess {
    const { spec } = this;
    const env: Record<string, string> = { ...spec.env };
    if (spec.cgroups) {
      this.cgroup = new EnvironmentCgroup(spec.cgroups, spec.id);
      // Lambda runs init with unthrottled CPU at every memory size; the quota drops after init.
      this.setShare(spec.cores, 0);
      this.cgroup.setMemoryLimitMb(spec.memoryMb);
      env.PT_CGROUP_PROCS = this.cgroup.procsFiles().join(" ");
      const source = this.cgroup.cpuSource();
      if (source) env.PT_CPU_ACCOUNTING = JSON.stringify(source);
    }
    const nodeArgs = [...nodeHeapFlags(spec.memoryMb), BOOTSTRAP];
    const child = spec.cgroups
      ? spawn(
          "/bin/sh",
          [
            "-c",
            // Join the cgroup(s) first, then become node: the function never runs outside its quota.
            'for f in $PT_CGROUP_PROCS; do echo $$ > "$f" || exit 97; done; unset PT_CGROUP_PROCS; exec "$@"',
            "sh",
            process.execPath,
            ...nodeArgs,
          ],
          { cwd: spec.codeDir, env, stdio: ["ignore", "pipe", "pipe", "ipc"] },
        )
      : spawn(process.execPath, nodeArgs, {
          cwd: spec.codeDir,
          env,
          stdio: ["ignore", "pipe", "pipe", "ipc"],
        });
    this.child = child;
    return child;
  }

  /** Forwards the child's output and messages, and records how it exits. */
  private watch(child: ChildProcess): void {
    const { spec } = this;
    child.stdout?.setEncoding("utf8").on("data", (text: string) => spec.onOutput(text));
    child.stderr?.setEncoding("utf8").on("data", (text: string) => {
      const joined = this.stderrTail + text;
      if (HEAP_EXHAUSTED.test(joined)) this.heapExhausted = true;
      this.stderrTail = joined.slice(-2048);
      spec.onOutput(text);
    });
    // 'exit' can come before the last of stderr has been read (Node says the streams may still be open), and
    // that last part is where V8 names an out-of-memory; so the exit is handled once stderr has ended, or
    // after a short wait if something the handler started still holds it open.
    const stderrEnded = new Promise<void>((resolve) => {
      if (!child.stderr) resolve();
      child.stderr?.once("close", resolve);
    });
    child.on("message", (m: ChildMessage) => {
      if (m.type === "log") spec.onOutput(m.text);
      else if (m.type === "chunk")
        this.onChunk?.({ data: Buffer.from(m.data, "base64"), contentType: m.contentType });
      else this.onMessage?.(m);
    });
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.exitInfo = { code, signal };
        this.state = "dead";
        let timer: NodeJS.Timeout | undefined;
        const waited = new Promise<void>((done) => {
          timer = setTimeout(done, STDERR_GRACE_MS);
        });
        void Promise.race([stderrEnded, waited]).then(() => {
          clearTimeout(timer);
          this.onExit?.();
          resolve();
        });
      });
    });
    child.once("error", () => {
      this.state = "dead";
      this.onExit?.();
    });
  }

  /** Resolves when the bootstrap reports its handler loaded, failed to load, exited, or ran out of time. */
  private async waitForInit(): Promise<InitResult> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const result = await new Promise<InitResult>((resolve) => {
      timer = setTimeout(() => {
        resolve({
          ok: false,
          initDurationMs: INIT_TIMEOUT_MS,
          error: {
            errorType: "Runtime.InitTimeout",
            errorMessage: "Init phase timed out after 10.00 seconds",
          },
        });
      }, INIT_TIMEOUT_MS);
      this.onMessage = (m) => {
        // Init runs with every core: its Duration is its own CPU and waiting, not the time it queued for a CPU.
        if (m.type === "ready") {
          const sample = { wallMs: performance.now() - started, ...m.initCpu };
          resolve({ ok: true, initDurationMs: this.durationOf(sample, this.spec.cores), sample });
        } else if (m.type === "init-error") {
          resolve({ ok: false, initDurationMs: m.initDurationMs, error: m.error });
        }
      };
      this.onExit = () =>
        resolve({
          ok: false,
          initDurationMs: performance.now() - started,
          error: {
            errorType: "Runtime.ExitError",
            errorMessage: `Runtime exited with error: ${this.exitText()}`,
          },
        });
    });
    clearTimeout(timer);
    this.onMessage = undefined;
    this.onExit = undefined;
    return result;
  }

  private exitText(): string {
    const info = this.exitInfo;
    if (!info) return "unknown";
    if (info.signal)
      return `signal: ${info.signal === "SIGKILL" ? "killed" : info.signal.replace(/^SIG/, "").toLowerCase()}`;
    return `exit status ${info.code}`;
  }

  private outOfMemory(): boolean {
    if (this.heapExhausted) return true;
    const dir = this.cgroup?.memoryDir;
    if (!dir) return false;
    // Nothing here sends SIGKILL to a running invocation except the kernel's OOM killer (timeouts are
    // handled before the kill), but the cgroup's own counters say so more precisely when they can.
    if (this.exitInfo?.signal === "SIGKILL") return true;
    const read = (file: string) => {
      try {
        return readFileSync(join(dir, file), "utf8");
      } catch {
        return "";
      }
    };
    if (this.cgroup?.layout.flavour === "v1") {
      return (
        Number(read("memory.failcnt") || 0) > 0 ||
        Number(read("memory.memsw.failcnt") || 0) > 0 ||
        /oom_kill [1-9]/.test(read("memory.oom_control"))
      );
    }
    return /oom_kill [1-9]/.test(read("memory.events"));
  }

  /**
   * Runs one invocation; the caller has marked the environment busy. A streaming handler's writes reach
   * `onChunk` as they happen, in order, before the outcome.
   */
  async invoke(
    requestId: string,
    event: unknown,
    context: InvokeContext,
    onChunk?: (chunk: ResponseChunk) => void,
  ): Promise<InvocationOutcome> {
    const child = this.child;
    const timeoutMs = this.spec.timeoutS * 1000;
    if (!child || this.state === "dead") throw new Error("environment is not running");
    // Rewriting the quota refills it: each invocation starts with a full quota, as it would on Lambda after
    // the gap between two requests, rather than with what the previous back-to-back invocation left over.
    this.setShare(this.shareCores, this.spec.cpuLaw.burstFraction);
    const started = performance.now();
    this.onChunk = onChunk;
    const outcome = await new Promise<InvocationOutcome>((resolve) => {
      const timer = setTimeout(() => {
        const error = {
          errorType: "Sandbox.Timedout",
          errorMessage: `RequestId: ${requestId} Error: Task timed out after ${this.spec.timeoutS.toFixed(2)} seconds`,
        };
        resolve({
          payload: JSON.stringify(error),
          functionError: error,
          durationMs: performance.now() - started,
          // Read before the environment is ended: the peak it reached while the handler ran.
          maxMemoryUsedMb: peakRssMb(child.pid),
          status: "timeout",
          environmentLost: true,
          streamed: false,
        });
      }, timeoutMs);
      this.onMessage = (m) => {
        if (m.type !== "result" || m.requestId !== requestId) return;
        clearTimeout(timer);
        resolve({
          payload: m.streamed && m.ok ? "" : m.ok ? (m.payload ?? "null") : JSON.stringify(m.error),
          streamed: m.streamed,
          ...(m.contentType ? { contentType: m.contentType } : {}),
          functionError: m.ok ? undefined : m.error,
          durationMs: this.durationOf(m.sample, this.shareCores),
          maxMemoryUsedMb: m.maxMemoryUsedMb,
          status: undefined,
          environmentLost: false,
          sample: m.sample,
        });
      };
      this.onExit = () => {
        clearTimeout(timer);
        const oom = this.outOfMemory();
        const error = {
          errorType: oom ? "Runtime.OutOfMemory" : "Runtime.ExitError",
          errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${this.exitText()}`,
        };
        resolve({
          payload: JSON.stringify(error),
          functionError: error,
          durationMs: performance.now() - started,
          maxMemoryUsedMb: oom ? this.spec.memoryMb : 0,
          status: "error",
          environmentLost: true,
          streamed: false,
        });
      };
      child.send({
        type: "invoke",
        requestId,
        event,
        context: { ...context, remainingMs: timeoutMs },
      });
    });
    this.onMessage = undefined;
    this.onExit = undefined;
    this.onChunk = undefined;
    if (outcome.environmentLost) {
      await this.kill();
    } else if (this.spec.cpuLaw.paceReplies) {
      // The quota makes wall time follow the law only on average; the reply waits out the difference, so a
      // caller never sees an invocation end sooner than its Duration says (in the fallback: the whole of it).
      const earlyMs = outcome.durationMs - (performance.now() - started);
      if (earlyMs > 0) await new Promise((resolve) => setTimeout(resolve, earlyMs));
    }
    return outcome;
  }

  /** Where the environment's cgroup counts its CPU time; undefined without cgroup accounting. */
  cpuSource(): CgroupCpuSource | undefined {
    return this.cgroup?.cpuSource();
  }

  /** Stops the process and removes its cgroup(s). */
  async kill(): Promise<void> {
    const child = this.child;
    if (child && this.exitInfo === undefined && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await this.exited;
    }
    this.state = "dead";
    const cgroup = this.cgroup;
    this.cgroup = undefined;
    await cgroup?.remove();
  }
}

/** Peak resident memory of a process (VmHWM), in MB; 0 once it is gone. Max Memory Used is peak RSS. */
export function peakRssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}
