// The execution environments alive at one time. An invocation leases a warm environment of its snapshot, or
// waits for the first that becomes free: one released by another invocation, or one newly initialised for
// it. Like Lambda, the pool grows an environment per concurrent request; unlike Lambda, which initialises
// hundreds at once, it initialises at most `initConcurrency` at a time (the machine's cores), and starts an
// init only while more invocations wait than inits are under way. So a burst of 50 requests to a cold
// function creates a few environments and queues the rest onto them as they warm, instead of 50 inits that
// the machine would run one after another. A stale environment retires, idle ones are reaped after
// idleTimeoutMs or when more than maxIdleEnvironments are idle, and close() ends them all.

import { randomUUID } from "node:crypto";
import type { CgroupLayout } from "./cgroup.js";
import type { CpuLawSettings } from "./cpu-law.js";
import { ExecutionEnvironment, type InitResult } from "./environment.js";
import { environmentVariables } from "./environment-variables.js";
import type { InitSlots } from "./init-slots.js";
import type { CgroupCpuSource } from "./runtime/cpu-accounting.mjs";
import type { FunctionRecord, FunctionSnapshot } from "./types.js";

export interface PoolSettings {
  region: string;
  /** Added to every environment's variables (endpoint, dummy role credentials). */
  functionEnvironment: Record<string, string>;
  cores: number;
  idleTimeoutMs: number;
  /** The most idle environments kept; beyond it the least recently used are ended. */
  maxIdleEnvironments: number;
  cgroups: CgroupLayout | undefined;
  cpuLaw: CpuLawSettings;
}

export interface PooledEnvironment {
  env: ExecutionEnvironment;
  /** The snapshot it serves: function, version and revision of $LATEST. */
  key: string;
  functionName: string;
  /** The function's output not yet written to an invocation's log. */
  output: string[];
  /** The init of an environment that warmed while no one waited: reported by the first invocation it serves. */
  unreportedInit: InitResult | undefined;
}

/** An environment leased for one invocation, with its init when this invocation is its first. */
export interface Lease {
  pooled: PooledEnvironment;
  init: InitResult | undefined;
}

/** Counters for diagnostics and tests. */
export interface PoolStats {
  /** Environments alive now. */
  live: number;
  idle: number;
  initializing: number;
  /** Environments created since the service started. */
  created: number;
  /** The most environments that were initialising at one time. */
  peakInitializing: number;
}

/** Raised to invocations still waiting for an environment when the pool closes. */
export class PoolClosedError extends Error {
  override readonly name = "PoolClosedError";
}

interface Waiter {
  key: string;
  record: FunctionRecord;
  snapshot: FunctionSnapshot;
  resolve: (lease: Lease) => void;
  reject: (error: Error) => void;
}

/** An environment serves one snapshot only: a version, or $LATEST as it was at one revision. */
function snapshotKey(record: FunctionRecord, snapshot: FunctionSnapshot): string {
  return `${record.name}:${snapshot.config.Version}:${snapshot.generation}`;
}

export class EnvironmentPool {
  private readonly pool = new Set<PooledEnvironment>();
  /** Invocations waiting for an environment, first come first served across snapshots. */
  private readonly waiters: Waiter[] = [];
  /** Inits under way, by snapshot key. */
  private readonly initializingByKey = new Map<string, number>();
  private initializing = 0;
  private created = 0;
  private peakInitializing = 0;
  private readonly retiring = new Set<Promise<unknown>>(); // kills of retired idle environments
  private readonly reaper: NodeJS.Timeout;
  private readonly stopWatchingSlots: () => void;
  private closed = false;

  /** `initSlots` may be shared with other pools (one per region and account): together they keep its limit. */
  constructor(
    private readonly settings: PoolSettings,
    private readonly initSlots: InitSlots,
  ) {
    this.reaper = setInterval(() => this.reapIdle(), Math.min(1000, settings.idleTimeoutMs));
    this.reaper.unref();
    this.stopWatchingSlots = initSlots.onRelease(() => this.startInits());
  }

  /** Number of live execution environments. */
  get size(): number {
    return this.pool.size;
  }

  stats(): PoolStats {
    return {
      live: this.pool.size,
      idle: [...this.pool].filter((p) => p.env.state === "idle").length,
      initializing: this.initializing,
      created: this.created,
      peakInitializing: this.peakInitializing,
    };
  }

  /** Where the busy environments of a function count their CPU time (to measure the law from outside). */
  busyCpuSources(functionName: string): CgroupCpuSource[] {
    return [...this.pool]
      .filter((p) => p.functionName === functionName && p.env.state === "busy")
      .flatMap((p) => p.env.cpuSource() ?? []);
  }

  /**
   * An environment of the snapshot for one invocation, marked busy: a warm one if one is idle, else the
   * first that becomes free or finishes its init. Rejects with PoolClosedError if the pool closes first.
   */
  lease(record: FunctionRecord, snapshot: FunctionSnapshot): Promise<Lease> {
    if (this.closed) return Promise.reject(new PoolClosedError("the environment pool is closed"));
    const key = snapshotKey(record, snapshot);
    const idle = this.takeIdle(key);
    if (idle) return Promise.resolve(this.leaseOf(idle));
    return new Promise<Lease>((resolve, reject) => {
      this.waiters.push({ key, record, snapshot, resolve, reject });
      this.startInits();
    });
  }

  /** After an invocation: the environment serves the next waiter, waits idle, or ends (lost, stale, closing). */
  async release(pooled: PooledEnvironment, environmentLost: boolean): Promise<void> {
    pooled.env.lastUsed = Date.now();
    if (environmentLost || pooled.env.stale || this.closed) {
      this.pool.delete(pooled);
      await pooled.env.kill();
      this.startInits(); // a waiter it would have served may need an environment of its own now
      return;
    }
    if (!this.handToWaiter(pooled)) {
      pooled.env.state = "idle";
      this.boundIdle();
    }
  }

  /** Retires environments of a function (all, or one version); busy ones finish their invocation first. */
  retire(functionName: string, version: string | undefined): void {
    for (const pooled of this.pool) {
      if (pooled.functionName !== functionName) continue;
      if (version !== undefined && pooled.env.spec.version !== version) continue;
      pooled.env.stale = true;
      if (pooled.env.state === "idle") this.endInBackground(pooled);
    }
  }

  /**
   * Ends every environment. Invocations waiting for one are refused; those under way (`settled` waits for
   * them) see theirs end; any environment one of them made meanwhile is ended after they settle.
   */
  async close(settled: () => Promise<unknown>): Promise<void> {
    this.closed = true;
    clearInterval(this.reaper);
    this.stopWatchingSlots();
    for (const waiter of this.waiters.splice(0)) {
      waiter.reject(new PoolClosedError("the environment pool is closed"));
    }
    await this.killAll();
    await Promise.allSettled([settled(), ...this.retiring]);
    await this.killAll();
    this.pool.clear();
  }

  private takeIdle(key: string): PooledEnvironment | undefined {
    for (const pooled of this.pool) {
      if (pooled.key === key && pooled.env.state === "idle" && !pooled.env.stale) {
        pooled.env.state = "busy";
        return pooled;
      }
    }
    return undefined;
  }

  private leaseOf(pooled: PooledEnvironment): Lease {
    const init = pooled.unreportedInit;
    pooled.unreportedInit = undefined;
    return { pooled, init };
  }

  /** Gives a free environment to the first invocation waiting for its snapshot; false if none waits. */
  private handToWaiter(pooled: PooledEnvironment, init?: InitResult): boolean {
    const index = this.waiters.findIndex((w) => w.key === pooled.key);
    const waiter = index >= 0 ? this.waiters[index] : undefined;
    if (!waiter) return false;
    this.waiters.splice(index, 1);
    pooled.env.state = "busy";
    if (init) pooled.unreportedInit = init;
    waiter.resolve(this.leaseOf(pooled));
    return true;
  }

  /**
   * Starts inits while slots are free, for the snapshots whose waiting invocations outnumber their inits under
   * way (each init will serve one of them), oldest waiter first.
   */
  private startInits(): void {
    while (!this.closed) {
      const covered = new Map<string, number>();
      const uncovered = this.waiters.find((w) => {
        const used = covered.get(w.key) ?? 0;
        covered.set(w.key, used + 1);
        return used >= (this.initializingByKey.get(w.key) ?? 0);
      });
      if (!uncovered || !this.initSlots.tryTake()) return;
      void this.initFor(uncovered);
    }
  }

  private async initFor(waiter: Waiter): Promise<void> {
    const { key } = waiter;
    this.initializing += 1;
    this.peakInitializing = Math.max(this.peakInitializing, this.initializing);
    this.initializingByKey.set(key, (this.initializingByKey.get(key) ?? 0) + 1);
    let pooled: PooledEnvironment | undefined;
    let init: InitResult;
    try {
      pooled = this.create(waiter.record, waiter.snapshot);
      init = await pooled.env.init();
    } catch (error) {
      init = {
        ok: false,
        initDurationMs: 0,
        error: { errorType: "Runtime.Unknown", errorMessage: (error as Error).message },
      };
    }
    this.initializing -= 1;
    const left = (this.initializingByKey.get(key) ?? 1) - 1;
    if (left > 0) this.initializingByKey.set(key, left);
    else this.initializingByKey.delete(key);
    if (pooled && init.ok && !this.closed) {
      if (!this.handToWaiter(pooled, init)) {
        // Warm envs served every waiter meanwhile: this one idles and reports its init when first used.
        pooled.unreportedInit = init;
        pooled.env.state = "idle";
        if (pooled.env.stale) this.endInBackground(pooled);
        else this.boundIdle();
      }
    } else {
      if (pooled) {
        this.pool.delete(pooled);
        await pooled.env.kill();
      }
      // Lambda reports a failed init to the invocation that met it: the first one waiting, if any.
      const index = this.waiters.findIndex((w) => w.key === key);
      const failed = index >= 0 ? this.waiters.splice(index, 1)[0] : undefined;
      if (failed && !this.closed) {
        if (pooled) failed.resolve({ pooled, init });
        else
          failed.reject(
            new Error(`the environment could not be created: ${init.ok ? "" : init.error.errorMessage}`),
          );
      }
    }
    // Last, once this init's environment has found its waiter: every pool sharing the slots may start one now.
    this.initSlots.release();
  }

  /** A new environment of the snapshot, in the pool but not yet started (initFor runs its init). */
  private create(record: FunctionRecord, snapshot: FunctionSnapshot): PooledEnvironment {
    const config = snapshot.config;
    const id = `${record.name}-${config.Version === "$LATEST" ? "latest" : config.Version}-${randomUUID().slice(0, 8)}`;
    const output: string[] = [];
    const { region, functionEnvironment, cores, cgroups, cpuLaw } = this.settings;
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
      cpuLaw,
      onOutput: (text) => output.push(text),
    });
    env.state = "initializing";
    const pooled: PooledEnvironment = {
      key: snapshotKey(record, snapshot),
      functionName: record.name,
      output,
      env,
      unreportedInit: undefined,
    };
    this.pool.add(pooled);
    this.created += 1;
    return pooled;
  }

  /** Ends an idle environment; close() waits for kills still under way, so none outlives the service. */
  private endInBackground(pooled: PooledEnvironment): void {
    this.pool.delete(pooled);
    const killing = pooled.env.kill().catch(() => {}); // removal failures are swept at close()
    this.retiring.add(killing);
    void killing.finally(() => this.retiring.delete(killing));
  }

  private async killAll(): Promise<void> {
    await Promise.all([...this.pool].map((p) => p.env.kill()));
  }

  /** Ends the least recently used idle environments beyond maxIdleEnvironments. */
  private boundIdle(): void {
    const idle = [...this.pool].filter((p) => p.env.state === "idle");
    const excess = idle.length - this.settings.maxIdleEnvironments;
    if (excess <= 0) return;
    const doomed = idle.sort((a, b) => a.env.lastUsed - b.env.lastUsed).slice(0, excess);
    for (const pooled of doomed) this.endInBackground(pooled);
  }

  /** Ends the environments idle longer than idleTimeoutMs, then any beyond the bound. */
  private reapIdle(): void {
    const cutoff = Date.now() - this.settings.idleTimeoutMs;
    for (const pooled of this.pool) {
      if (pooled.env.state === "idle" && pooled.env.lastUsed < cutoff) this.endInBackground(pooled);
    }
    this.boundIdle();
  }
}
