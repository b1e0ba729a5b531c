// One local Lambda service (one region of one account): Lambda's REST API (the paths @aws-sdk/client-lambda
// sends) over HTTP, wired to its state store, code store and cgroups.

import { rmSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { type LoopbackServer, listenOnLoopback, sendJson } from "../shared/http.js";
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "../shared/identity.js";
import { CpuAdmission } from "./admission.js";
import {
  type CgroupLayout,
  type CgroupMode,
  detectCgroups,
  removeLiveCgroups,
  removeParentCgroups,
} from "./cgroup.js";
import { defaultCodeRoot, removeUnusedCode } from "./code-store.js";
import { type CpuLawSettings, DEFAULT_CPU_LAW, FALLBACK_EMULATION, isValidCfsPeriodUs } from "./cpu-law.js";
import { InvalidServiceOptionError, LambdaApiError, TooManyRequestsError } from "./errors.js";
import { routeLambdaApi } from "./http-routes.js";
import { InitSlots } from "./init-slots.js";
import type { InvocationMeasurement } from "./invoker.js";
import { provideRuntimeSdk } from "./runtime-sdk.js";
import { LambdaService, type ServiceSettings } from "./service.js";
import { FunctionStateFiles } from "./state-store.js";

export interface LambdaServiceOptions {
  /**
   * Functions (configuration, versions, aliases, concurrency, tags) are kept in `<dataDir>/lambda/<name>.json`
   * and read back at start, code in `<dataDir>/functions/…`, logs in `<dataDir>/logs/<name>.log`.
   * @default a temp dir for code, nothing kept, no log files
   */
  dataDir?: string;
  /** @default LOCAL_REGION */
  region?: string;
  /** @default LOCAL_ACCOUNT_ID */
  accountId?: string;
  /** Extra variables for every execution environment (endpoint, dummy role credentials). @default {} */
  functionEnvironment?: Record<string, string>;
  /** Cores the CPU law and admission control may hand out. @default os.availableParallelism() */
  cpuCores?: number;
  /**
   * CPU budget (cores) that admission control lets busy environments hold at once. Below cpuCores, the rest is
   * left to the processes the functions call (the local cloud's DynamoDB, say). @default cpuCores
   */
  admissionCores?: number;
  /** Account-wide concurrent executions. @default 50 */
  accountConcurrency?: number;
  /** A warm environment idle this long is reaped. @default 300000 (5 min) */
  idleTimeoutMs?: number;
  /** The most idle environments kept at once; beyond it the least recently used are ended. @default 32 */
  maxIdleEnvironments?: number;
  /** Environments initialising at once, across all functions (a burst queues onto them). @default cpuCores */
  initConcurrency?: number;
  /**
   * How environments are held to the memory→CPU law and their Duration measured; the defaults are the
   * mechanism docs/benchmarks.md chose, the rest exist to compare against it. @default DEFAULT_CPU_LAW
   */
  cpuLaw?: Partial<CpuLawSettings>;
  /** Called after every invocation with what it measured (benchmarks, diagnostics). @default none */
  onInvocationMeasured?: (measurement: InvocationMeasurement) => void;
  /** How long LastUpdateStatus stays InProgress after an update. @default 200 */
  updateTransitionMs?: number;
  /** "off" forces the fallback (CPU-time scaling, marked in every REPORT). @default "auto" */
  cgroup?: CgroupMode;
  /** Where to print warnings (the CPU law emulated, a state write after an answer failed). @default console.warn */
  warn?: (message: string) => void;
  /**
   * The CPU budget and cgroup layout of several services (one per region and account, see identities.ts);
   * they then override `cgroup`, `cpuCores`, `admissionCores`, `initConcurrency` and `cpuLaw`, and their owner
   * removes the cgroups.
   * @default the service's own
   */
  shared?: SharedLambdaResources;
}

/** What the services of several identities share, so that together they never oversubscribe the CPU. */
export interface SharedLambdaResources {
  /** The one budget every shared service's invocations hold. */
  readonly admission: CpuAdmission;
  /** The one count of environments initialising at once. */
  readonly initSlots: InitSlots;
  /** How every shared service holds its environments to the law. */
  readonly cpuLaw: CpuLawSettings;
  /** Cores the CPU law hands out. */
  readonly cpuCores: number;
  /** One cgroup layout: every service's environments get their cgroups below the same instance cgroup. */
  readonly cgroups: CgroupLayout | undefined;
  /** "cgroup-v2", "cgroup-v1", or the fallback's name. */
  readonly cpuLawEnforcement: string;
  /** Removes every cgroup of the layout: call it once every service sharing it has closed. */
  release(): Promise<void>;
}

export interface LocalLambdaService {
  handle(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
  listen(port?: number): Promise<{ url: string }>;
  /** Registers a function whose code is already unpacked in a directory (no zip round trip). */
  createFunctionFromDirectory: LambdaService["createFunctionFromDirectory"];
  /** The control plane and invoke path, for in-process callers and diagnostics. */
  readonly service: LambdaService;
  /** "cgroup-v2", "cgroup-v1", or the fallback's name. */
  readonly cpuLawEnforcement: string;
  /** This service's own cgroup directories (its environments' cgroups live below); none in the fallback. */
  readonly cgroupDirs: string[];
}

/**
 * Starts the service with the functions kept in `dataDir`, if any. Throws LambdaStateUnreadableError, naming
 * the file, when one of them cannot be read: a function is never dropped silently.
 */
export function createLambdaService(opts: LambdaServiceOptions = {}): LocalLambdaService {
  const { codeRoot, temporary } = defaultCodeRoot(opts.dataDir);
  const warn = opts.warn ?? console.warn;
  // Read first: a state that cannot be read stops the start before anything else is set up.
  const store = opts.dataDir ? new FunctionStateFiles(join(opts.dataDir, "lambda"), codeRoot) : undefined;
  if (store) removeUnusedCode(codeRoot, store.codeDirs());
  const resources = opts.shared ?? shareLambdaResources({ ...opts, warn });
  const { cgroups, cpuLawEnforcement } = resources;
  provideRuntimeSdk(codeRoot);
  const service = new LambdaService(serviceSettings(opts, codeRoot, resources), {
    ...(store ? { store } : {}),
    warn,
    admission: resources.admission,
    initSlots: resources.initSlots,
  });
  let server: LoopbackServer | undefined;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    routeLambdaApi(service, req, res).catch((error: unknown) => sendLambdaError(res, error));
  };

  return {
    handle,
    service,
    cpuLawEnforcement,
    cgroupDirs: cgroups
      ? [
          ...new Set(
            [cgroups.cpuRoot, cgroups.memoryRoot, cgroups.cpuacctRoot, cgroups.cpusetDir].filter(
              (d) => d !== undefined,
            ),
          ),
        ]
      : [],
    createFunctionFromDirectory: (input) => service.createFunctionFromDirectory(input),
    async listen(port = 0) {
      server = await listenOnLoopback(handle, port);
      return { url: server.url };
    },
    async close() {
      const listening = server;
      server = undefined;
      await listening?.close();
      await service.close();
      if (opts.shared === undefined) await resources.release();
      if (temporary) rmSync(codeRoot, { recursive: true, force: true });
    },
  };
}

/**
 * Detects the cgroup layout once and makes one CPU budget, for one service or for several that must share them
 * (a warning says so when the CPU law can only be emulated).
 */
export function shareLambdaResources(
  opts: Pick<
    LambdaServiceOptions,
    "cgroup" | "cpuCores" | "admissionCores" | "initConcurrency" | "cpuLaw" | "warn"
  > = {},
): SharedLambdaResources {
  const cpuCores = opts.cpuCores ?? availableParallelism();
  const cpuLaw = cpuLawSettings(opts.cpuLaw);
  const initConcurrency = positiveInteger(
    "initConcurrency",
    opts.initConcurrency,
    Math.max(1, Math.floor(cpuCores)),
  );
  const cgroups = detectCgroups(opts.cgroup ?? "auto", { cpus: cpuLaw.cpus });
  if (!cgroups) {
    (opts.warn ?? console.warn)(
      "WARNING: local Lambda cannot create cgroups, so the memory→CPU law is EMULATED by CPU-time scaling " +
        `(every REPORT line carries "Emulation: ${FALLBACK_EMULATION}"). Run as root with a writable ` +
        "cgroup cpu controller for enforced quotas.",
    );
  }
  let released: Promise<void> | undefined;
  return {
    admission: new CpuAdmission(Math.min(opts.admissionCores ?? Number.POSITIVE_INFINITY, cpuCores)),
    initSlots: new InitSlots(initConcurrency),
    cpuLaw,
    cpuCores,
    cgroups,
    cpuLawEnforcement: cgroups ? `cgroup-${cgroups.flavour}` : FALLBACK_EMULATION,
    release() {
      released ??= (async () => {
        if (!cgroups) return;
        await removeLiveCgroups(cgroups);
        removeParentCgroups(cgroups);
      })();
      return released;
    },
  };
}

function cpuLawSettings(overrides: Partial<CpuLawSettings> | undefined): CpuLawSettings {
  const settings: CpuLawSettings = { ...DEFAULT_CPU_LAW, ...overrides };
  if (!isValidCfsPeriodUs(settings.periodUs)) {
    throw new InvalidServiceOptionError(
      "cpuLaw.periodUs",
      "the CFS period must be an integer from 1000 to 1000000 µs",
    );
  }
  if (!(settings.burstFraction >= 0 && settings.burstFraction <= 1)) {
    throw new InvalidServiceOptionError(
      "cpuLaw.burstFraction",
      "the burst is a fraction of the quota, from 0 to 1",
    );
  }
  return settings;
}

function positiveInteger(option: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < 1) {
    throw new InvalidServiceOptionError(option, `expected a positive integer, got ${String(value)}`);
  }
  return chosen;
}

function serviceSettings(
  opts: LambdaServiceOptions,
  codeRoot: string,
  resources: SharedLambdaResources,
): ServiceSettings {
  return {
    region: opts.region ?? LOCAL_REGION,
    accountId: opts.accountId ?? LOCAL_ACCOUNT_ID,
    codeRoot,
    logDir: opts.dataDir ? join(opts.dataDir, "logs") : undefined,
    functionEnvironment: opts.functionEnvironment ?? {},
    cores: resources.cpuCores,
    admissionCores: resources.admission.cores,
    accountConcurrency: opts.accountConcurrency ?? 50,
    idleTimeoutMs: opts.idleTimeoutMs ?? 300_000,
    maxIdleEnvironments: positiveInteger("maxIdleEnvironments", opts.maxIdleEnvironments, 32),
    initConcurrency: resources.initSlots.limit,
    updateTransitionMs: opts.updateTransitionMs ?? 200,
    cgroups: resources.cgroups,
    cpuLaw: resources.cpuLaw,
    onInvocationMeasured: opts.onInvocationMeasured,
  };
}

/** Lambda's error answer: the code in `x-amzn-errortype`, whose fault in `Type`, the message twice. */
export function sendLambdaError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const apiError =
    error instanceof LambdaApiError
      ? error
      : new LambdaApiError(
          "ServiceException",
          `Internal error: ${(error as Error)?.message ?? String(error)}`,
          { statusCode: 500, errorType: "Service", cause: error },
        );
  const body: Record<string, unknown> = {
    Type: apiError.errorType,
    Message: apiError.message,
    message: apiError.message,
  };
  if (error instanceof TooManyRequestsError) body.Reason = error.reason;
  sendJson(res, apiError.statusCode, body, { "x-amzn-errortype": apiError.code });
}
