// The invoke path: concurrency limits, CPU admission, a warm environment or a cold start, the invocation
// itself, and its log and result.

import { randomUUID } from "node:crypto";
import { CPU_ADMISSION_TAG, type CpuAdmission } from "./admission.js";
import { cpuShareCores } from "./cpu-law.js";
import type { CpuSample } from "./emulated-duration.js";
import type { InitResult, InvocationOutcome, InvokeContext } from "./environment.js";
import {
  type EnvironmentPool,
  type Lease,
  PoolClosedError,
  type PooledEnvironment,
} from "./environment-pool.js";
import { LambdaApiError } from "./errors.js";
import { encodeLogResult, formatInvocationLog, type InvocationLogFiles } from "./invocation-log.js";
import type { FunctionRegistry } from "./registry.js";
import type { ReportMetrics } from "./report-line.js";
import type {
  FunctionConfiguration,
  FunctionRecord,
  FunctionSnapshot,
  InvokeInput,
  InvokeResult,
} from "./types.js";

/** What one invocation measured, for benchmarks and diagnostics (`onInvocationMeasured`). */
export interface InvocationMeasurement {
  functionName: string;
  version: string;
  memoryMb: number;
  requestId: string;
  /** The Duration the REPORT line carries. */
  durationMs: number;
  /** The environment's measurements around the handler; absent when it did not finish. */
  sample: CpuSample | undefined;
  /** The init's measurements, on a cold start. */
  initSample: CpuSample | undefined;
  initDurationMs: number | undefined;
}

export interface InvokerSettings {
  /** Cores the CPU law hands out. */
  cores: number;
  /** The fallback's name when the CPU law is emulated, else undefined. */
  emulation: string | undefined;
}

export type InvocationListener = (measurement: InvocationMeasurement) => void;

export interface InvokerParts {
  registry: FunctionRegistry;
  pool: EnvironmentPool;
  admission: CpuAdmission;
  logs: InvocationLogFiles;
}

export class Invoker {
  /** Finished invocations per `<function>:<qualifier as invoked>`, for progress displays. */
  private readonly completed = new Map<string, number>();
  private readonly running = new Set<Promise<unknown>>();
  private readonly listeners = new Set<InvocationListener>();
  private closed = false;

  constructor(
    private readonly settings: InvokerSettings,
    private readonly parts: InvokerParts,
  ) {}

  async invoke(input: InvokeInput): Promise<InvokeResult> {
    if (this.closed) throw shuttingDown();
    const { registry } = this.parts;
    const { record, snapshot } = registry.resolve(input.functionName, input.qualifier);
    const event = parseEvent(input.payload);
    const executedVersion = snapshot.config.Version;
    if (input.invocationType === "DryRun") return this.emptyResult(204, executedVersion);
    registry.assertConcurrencyAvailable(record);
    record.inFlight += 1;
    const invokedAs = registry.parseFunctionName(input.functionName, input.qualifier).qualifier ?? "$LATEST";
    const run = this.run(record, snapshot, event, input).finally(() => {
      const key = `${record.name}:${invokedAs}`;
      this.completed.set(key, (this.completed.get(key) ?? 0) + 1);
      record.inFlight -= 1;
    });
    this.track(run);
    if (input.invocationType === "Event") return this.emptyResult(202, executedVersion);
    const result = await run;
    if (input.logType !== "Tail") result.logResult = undefined;
    return result;
  }

  /** Calls `listener` after every invocation that ran, with what it measured; returns how to stop. */
  observe(listener: InvocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Finished invocations of one function, by the qualifier they were invoked with ($LATEST when none). */
  invocationCounts(functionName: string): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const [key, count] of this.completed) {
      if (key.startsWith(`${functionName}:`)) counts[key.slice(functionName.length + 1)] = count;
    }
    return counts;
  }

  /** Refuses new invocations, and those still waiting for CPU budget. */
  close(): void {
    this.closed = true;
  }

  /** Settles when every invocation under way has. */
  settled(): Promise<unknown> {
    return Promise.allSettled([...this.running]);
  }

  // close() waits for every invocation under way, so none writes a log or makes a cgroup after it.
  private track(run: Promise<unknown>): void {
    const settled = run.catch(() => undefined);
    this.running.add(settled);
    void settled.finally(() => this.running.delete(settled));
  }

  private async run(
    record: FunctionRecord,
    snapshot: FunctionSnapshot,
    event: unknown,
    input: InvokeInput,
  ): Promise<InvokeResult> {
    const { pool, logs } = this.parts;
    const config = snapshot.config;
    const exempt = record.tags[CPU_ADMISSION_TAG] === "exempt";
    const share = exempt ? 0 : cpuShareCores(config.MemorySize, this.settings.cores);
    // The environment first, then the CPU budget: waiting for an environment to warm holds no budget, and
    // inits (unthrottled, their Duration their own CPU and waiting) are paced by the pool, not by admission.
    const { pooled, init } = await this.lease(record, snapshot);
    const requestId = randomUUID();
    let releaseBudget: () => void = () => {};
    let returned = false;
    try {
      const failedInit = init && !init.ok ? init : undefined;
      if (!failedInit) releaseBudget = await this.admit(share);
      const initOutput = pooled.output.splice(0);
      const outcome = failedInit
        ? initFailure(failedInit)
        : await pooled.env.invoke(requestId, event, this.context(record, config, pooled, input));
      const functionOutput = pooled.output.splice(0);
      returned = true;
      await pool.release(pooled, outcome.environmentLost);
      const metrics = this.reportMetrics(requestId, config, outcome, init);
      const measurement: InvocationMeasurement = {
        functionName: record.name,
        version: config.Version,
        memoryMb: config.MemorySize,
        requestId,
        durationMs: metrics.durationMs,
        sample: outcome.sample,
        initSample: init?.ok ? init.sample : undefined,
        initDurationMs: metrics.initDurationMs,
      };
      for (const listener of this.listeners) listener(measurement);
      const log = formatInvocationLog({
        logFormat: config.LoggingConfig.LogFormat,
        version: config.Version,
        timeoutS: config.Timeout,
        initOutput,
        functionOutput,
        metrics,
      });
      logs.append(record.name, log);
      return {
        statusCode: 200,
        payload: outcome.payload,
        functionError: outcome.functionError ? "Unhandled" : undefined,
        logResult: encodeLogResult(log),
        executedVersion: config.Version,
        emulation: this.settings.emulation,
      };
    } finally {
      // An invocation refused at close, or one whose environment failed under it, gives the environment up.
      if (!returned) await pool.release(pooled, true);
      releaseBudget();
    }
  }

  /** A warm or newly initialised environment; refused once close() began. */
  private async lease(record: FunctionRecord, snapshot: FunctionSnapshot): Promise<Lease> {
    try {
      return await this.parts.pool.lease(record, snapshot);
    } catch (error) {
      if (error instanceof PoolClosedError) throw shuttingDown();
      throw error;
    }
  }

  /** Waits for CPU budget; an invocation still queued when close() began is refused, so it starts nothing. */
  private async admit(cores: number): Promise<() => void> {
    const release = await this.parts.admission.acquire(cores);
    if (!this.closed) return release;
    release();
    throw shuttingDown();
  }

  private context(
    record: FunctionRecord,
    config: FunctionConfiguration,
    pooled: PooledEnvironment,
    input: InvokeInput,
  ): InvokeContext {
    return {
      functionName: record.name,
      functionVersion: config.Version,
      invokedFunctionArn: this.parts.registry.functionArn(record.name, input.qualifier),
      memoryLimitInMB: config.MemorySize,
      logGroupName: config.LoggingConfig.LogGroup,
      logStreamName: pooled.env.spec.id,
      clientContext: input.clientContext,
    };
  }

  private reportMetrics(
    requestId: string,
    config: FunctionConfiguration,
    outcome: InvocationOutcome,
    init: InitResult | undefined,
  ): ReportMetrics {
    const metrics: ReportMetrics = {
      requestId,
      durationMs: outcome.durationMs,
      memorySizeMb: config.MemorySize,
      maxMemoryUsedMb: outcome.maxMemoryUsedMb,
    };
    if (init !== undefined) metrics.initDurationMs = init.initDurationMs;
    if (outcome.status) metrics.status = outcome.status;
    if (this.settings.emulation) metrics.emulation = this.settings.emulation;
    return metrics;
  }

  /** The answer to an invocation that returns before it runs (DryRun) or without waiting for it (Event). */
  private emptyResult(statusCode: 202 | 204, executedVersion: string): InvokeResult {
    return {
      statusCode,
      payload: "",
      functionError: undefined,
      logResult: undefined,
      executedVersion,
      emulation: this.settings.emulation,
    };
  }
}

function parseEvent(payload: Buffer): unknown {
  if (payload.length === 0) return null;
  try {
    return JSON.parse(payload.toString("utf8"));
  } catch (error) {
    throw new LambdaApiError(
      "InvalidRequestContentException",
      "Could not parse request body into json: send the Payload as JSON text.",
      { statusCode: 400, cause: error },
    );
  }
}

/** A failed init ends the invocation as Lambda reports it: the init error as an Unhandled payload. */
function initFailure(init: Extract<InitResult, { ok: false }>): InvocationOutcome {
  return {
    payload: JSON.stringify(init.error),
    functionError: { ...init.error },
    durationMs: 0,
    maxMemoryUsedMb: 0,
    status: "error",
    environmentLost: true,
  };
}

function shuttingDown(): LambdaApiError {
  return new LambdaApiError("ServiceException", "The local Lambda service is shutting down.", {
    statusCode: 500,
  });
}
