// The local Lambda service independent of HTTP: one object composing the control plane (registry, aliases,
// code store, state store), the pool of execution environments, and the invoke path with its logs.

import { CpuAdmission } from "./admission.js";
import { Aliases } from "./aliases.js";
import type { CgroupLayout } from "./cgroup.js";
import { CodeStore } from "./code-store.js";
import { type CpuLawSettings, FALLBACK_EMULATION } from "./cpu-law.js";
import { EnvironmentPool, type PoolStats } from "./environment-pool.js";
import { InitSlots } from "./init-slots.js";
import { InvocationLogFiles } from "./invocation-log.js";
import { type InvocationMeasurement, Invoker } from "./invoker.js";
import type { FunctionName } from "./names.js";
import { FunctionRegistry, type ResolvedFunction, type Warn } from "./registry.js";
import type { CgroupCpuSource } from "./runtime/cpu-accounting.mjs";
import type { FunctionStateStore } from "./state-store.js";
import type {
  AliasConfiguration,
  CreateAliasInput,
  CreateFunctionInput,
  FunctionConfiguration,
  FunctionRecord,
  InvokeInput,
  InvokeResult,
  PublishVersionInput,
  UpdateAliasInput,
  UpdateCodeInput,
  UpdateConfigurationInput,
} from "./types.js";

export interface ServiceSettings {
  region: string;
  accountId: string;
  codeRoot: string;
  logDir: string | undefined;
  functionEnvironment: Record<string, string>;
  cores: number;
  /** CPU budget admission control hands out (≤ cores: the rest stays with the services functions call). */
  admissionCores: number;
  accountConcurrency: number;
  idleTimeoutMs: number;
  /** The most idle environments kept. */
  maxIdleEnvironments: number;
  /** Environments initialising at once (the service's own slots when none are shared). */
  initConcurrency: number;
  updateTransitionMs: number;
  cgroups: CgroupLayout | undefined;
  cpuLaw: CpuLawSettings;
  onInvocationMeasured?: ((measurement: InvocationMeasurement) => void) | undefined;
}

export class LambdaService {
  readonly admission: CpuAdmission;
  private readonly registry: FunctionRegistry;
  private readonly aliases: Aliases;
  private readonly pool: EnvironmentPool;
  private readonly logs: InvocationLogFiles;
  private readonly invoker: Invoker;

  /**
   * With a state store, the service starts with the functions it restored and saves every change there. With an
   * admission, its invocations hold CPU budget from that one, shared with other services (one per region and
   * account); it must hand out `settings.admissionCores`. Init slots are shared the same way.
   */
  constructor(
    readonly settings: ServiceSettings,
    state: { store?: FunctionStateStore; warn?: Warn; admission?: CpuAdmission; initSlots?: InitSlots } = {},
  ) {
    this.admission = state.admission ?? new CpuAdmission(settings.admissionCores);
    this.pool = new EnvironmentPool(settings, state.initSlots ?? new InitSlots(settings.initConcurrency));
    this.registry = new FunctionRegistry(
      settings,
      new CodeStore(settings.codeRoot),
      (name, version) => this.pool.retire(name, version),
      state.store,
      state.warn,
    );
    this.aliases = new Aliases(this.registry);
    this.logs = new InvocationLogFiles(settings.logDir);
    this.invoker = new Invoker(
      { cores: settings.cores, emulation: this.emulation },
      { registry: this.registry, pool: this.pool, admission: this.admission, logs: this.logs },
    );
    if (settings.onInvocationMeasured) this.invoker.observe(settings.onInvocationMeasured);
  }

  get functions(): Map<string, FunctionRecord> {
    return this.registry.functions;
  }

  get emulation(): string | undefined {
    return this.settings.cgroups ? undefined : FALLBACK_EMULATION;
  }

  /** Number of live execution environments (for tests and diagnostics). */
  get environmentCount(): number {
    return this.pool.size;
  }

  /** Environments alive, idle and initialising, and how many were created (for tests and diagnostics). */
  environmentStats(): PoolStats {
    return this.pool.stats();
  }

  /** Where the busy environments of a function count their CPU time (benchmarks measure the law with it). */
  busyCpuSources(rawName: string): CgroupCpuSource[] {
    return this.pool.busyCpuSources(this.registry.getRecord(rawName).name);
  }

  // ---------- names and qualifiers ----------

  functionArn(name: string, qualifier?: string): string {
    return this.registry.functionArn(name, qualifier);
  }

  /** Accepts a name, a partial ARN (`123:function:name`) or a full ARN, each optionally qualified. */
  parseFunctionName(raw: string, qualifier?: string): FunctionName {
    return this.registry.parseFunctionName(raw, qualifier);
  }

  getRecord(rawName: string): FunctionRecord {
    return this.registry.getRecord(rawName);
  }

  /** Resolves a qualifier like Lambda: $LATEST, a version number or an alias name. */
  resolve(rawName: string, rawQualifier?: string): ResolvedFunction {
    return this.registry.resolve(rawName, rawQualifier);
  }

  // ---------- control plane ----------

  createFunction(input: CreateFunctionInput): FunctionConfiguration {
    return this.registry.createFunction(input);
  }

  /** Registers a function whose code is already unpacked in `codeDir` (used as is, not copied). */
  createFunctionFromDirectory(
    input: Omit<CreateFunctionInput, "Code"> & { codeDir: string },
  ): FunctionConfiguration {
    return this.registry.createFunctionFromDirectory(input);
  }

  updateFunctionConfiguration(rawName: string, input: UpdateConfigurationInput): FunctionConfiguration {
    return this.registry.updateFunctionConfiguration(rawName, input);
  }

  updateFunctionCode(rawName: string, input: UpdateCodeInput): FunctionConfiguration {
    return this.registry.updateFunctionCode(rawName, input);
  }

  publishVersion(rawName: string, input: PublishVersionInput): FunctionConfiguration {
    return this.registry.publishVersion(rawName, input);
  }

  listVersions(rawName: string): FunctionConfiguration[] {
    return this.registry.listVersions(rawName);
  }

  deleteFunction(rawName: string, rawQualifier?: string): void {
    this.registry.deleteFunction(rawName, rawQualifier);
  }

  createAlias(rawName: string, input: CreateAliasInput): AliasConfiguration {
    return this.aliases.create(rawName, input);
  }

  getAlias(rawName: string, aliasName: string): AliasConfiguration {
    return this.aliases.get(rawName, aliasName);
  }

  updateAlias(rawName: string, aliasName: string, input: UpdateAliasInput): AliasConfiguration {
    return this.aliases.update(rawName, aliasName, input);
  }

  deleteAlias(rawName: string, aliasName: string): void {
    this.aliases.delete(rawName, aliasName);
  }

  listAliases(rawName: string, functionVersion?: string): AliasConfiguration[] {
    return this.aliases.list(rawName, functionVersion);
  }

  putFunctionConcurrency(rawName: string, reserved: unknown): number {
    return this.registry.putFunctionConcurrency(rawName, reserved);
  }

  deleteFunctionConcurrency(rawName: string): void {
    this.registry.deleteFunctionConcurrency(rawName);
  }

  tagResource(rawArn: string, tags: unknown): void {
    this.registry.tagResource(rawArn, tags);
  }

  untagResource(rawArn: string, keys: readonly string[]): void {
    this.registry.untagResource(rawArn, keys);
  }

  // ---------- data plane ----------

  invoke(input: InvokeInput): Promise<InvokeResult> {
    return this.invoker.invoke(input);
  }

  /** Calls `listener` after every invocation that ran, with what it measured; returns how to stop. */
  observeInvocations(listener: (measurement: InvocationMeasurement) => void): () => void {
    return this.invoker.observe(listener);
  }

  /** Finished invocations of one function, by the qualifier they were invoked with ($LATEST when none). */
  invocationCounts(rawName: string): Record<string, number> {
    return this.invoker.invocationCounts(this.registry.getRecord(rawName).name);
  }

  /**
   * Refuses new and queued invocations, waits for those under way (their environments end, so they
   * return Lambda's "Runtime exited" error), then closes the log files. The cgroups are removed by whoever
   * made the layout (local-service.ts), which other services may share.
   */
  async close(): Promise<void> {
    this.invoker.close();
    this.registry.close();
    await this.pool.close(() => this.invoker.settled());
    await this.logs.close();
  }
}
