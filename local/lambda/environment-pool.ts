// The execution environments alive at one time: a warm one is reused by the next invocation of the same
// snapshot, a stale one retires, an idle one is reaped after idleTimeoutMs, and close() ends them all.

import { randomUUID } from "node:crypto";
import type { CgroupLayout } from "./cgroup.js";
import { ExecutionEnvironment } from "./environment.js";
import { environmentVariables } from "./environment-variables.js";
import type { FunctionRecord, FunctionSnapshot } from "./types.js";

export interface PoolSettings {
  region: string;
  /** Added to every environment's variables (endpoint, dummy role credentials). */
  functionEnvironment: Record<string, string>;
  cores: number;
  idleTimeoutMs: number;
  cgroups: CgroupLayout | undefined;
}

export interface PooledEnvironment {
  env: ExecutionEnvironment;
  /** The snapshot it serves: function, version and revision of $LATEST. */
  key: string;
  functionName: string;
  /** The function's output not yet written to an invocation's log. */
  output: string[];
}

/** An environment serves one snapshot only: a version, or $LATEST as it was at one revision. */
function snapshotKey(record: FunctionRecord, snapshot: FunctionSnapshot): string {
  return `${record.name}:${snapshot.config.Version}:${snapshot.generation}`;
}

export class EnvironmentPool {
  private readonly pool = new Set<PooledEnvironment>();
  private readonly retiring = new Set<Promise<unknown>>(); // kills of retired idle environments
  private readonly reaper: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly settings: PoolSettings) {
    this.reaper = setInterval(() => void this.reapIdle(), Math.min(1000, settings.idleTimeoutMs));
    this.reaper.unref();
  }

  /** Number of live execution environments. */
  get size(): number {
    return this.pool.size;
  }

  /** A warm environment of the snapshot, marked busy for the caller, if one is idle. */
  takeIdle(record: FunctionRecord, snapshot: FunctionSnapshot): PooledEnvironment | undefined {
    const key = snapshotKey(record, snapshot);
    for (const pooled of this.pool) {
      if (pooled.key === key && pooled.env.state === "idle" && !pooled.env.stale) {
        pooled.env.state = "busy";
        return pooled;
      }
    }
    return undefined;
  }

  /** A new environment of the snapshot, in the pool but not yet started (the caller runs its init). */
  create(record: FunctionRecord, snapshot: FunctionSnapshot): PooledEnvironment {
    const config = snapshot.config;
    const id = `${record.name}-${config.Version === "$LATEST" ? "latest" : config.Version}-${randomUUID().slice(0, 8)}`;
    const output: string[] = [];
    const { region, functionEnvironment, cores, cgroups } = this.settings;
    const env = new ExecutionEnvironment({
      id,
      functionName: record.name,
      version: config.Version,
      memoryMb: config.MemorySize,
      timeoutS: config.Timeout,
      codeDir: snapshot.codeDir,
      env: environmentVariables(
        { functionName: record.name, environmentId: id, region },
        snapshot,
        functionEnvironment,
      ),
      cores,
      cgroups,
      onOutput: (text) => output.push(text),
    });
    env.state = "initializing";
    const pooled: PooledEnvironment = {
      key: snapshotKey(record, snapshot),
      functionName: record.name,
      output,
      env,
    };
    this.pool.add(pooled);
    return pooled;
  }

  /** After an invocation: the environment waits for the next one, or ends if it is lost, stale or closing. */
  async release(pooled: PooledEnvironment, environmentLost: boolean): Promise<void> {
    pooled.env.lastUsed = Date.now();
    if (environmentLost || pooled.env.stale || this.closed) {
      this.pool.delete(pooled);
      await pooled.env.kill();
    } else {
      pooled.env.state = "idle";
    }
  }

  /** Retires environments of a function (all, or one version); busy ones finish their invocation first. */
  retire(functionName: string, version: string | undefined): void {
    for (const pooled of this.pool) {
      if (pooled.functionName !== functionName) continue;
      if (version !== undefined && pooled.env.spec.version !== version) continue;
      pooled.env.stale = true;
      if (pooled.env.state === "idle") {
        this.pool.delete(pooled);
        // close() waits for kills still under way, so no process or cgroup outlives the service.
        const killing = pooled.env.kill().catch(() => {}); // removal failures are swept at close()
        this.retiring.add(killing);
        void killing.finally(() => this.retiring.delete(killing));
      }
    }
  }

  /**
   * Ends every environment. The invocations under way (`settled` waits for them) see theirs end; any
   * environment one of them made meanwhile is ended after they settle.
   */
  async close(settled: () => Promise<unknown>): Promise<void> {
    this.closed = true;
    clearInterval(this.reaper);
    await this.killAll();
    await Promise.allSettled([settled(), ...this.retiring]);
    await this.killAll();
    this.pool.clear();
  }

  private async killAll(): Promise<void> {
    await Promise.all([...this.pool].map((p) => p.env.kill()));
  }

  private async reapIdle(): Promise<void> {
    const cutoff = Date.now() - this.settings.idleTimeoutMs;
    const doomed = [...this.pool].filter((p) => p.env.state === "idle" && p.env.lastUsed < cutoff);
    for (const pooled of doomed) this.pool.delete(pooled);
    await Promise.all(doomed.map((p) => p.env.kill()));
  }
}
