// The Lambda control plane and invoke path, independent of HTTP: functions, versions, aliases,
// concurrency, admission control and the pool of execution environments.

import { createHash, randomUUID } from "node:crypto";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  type WriteStream,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { unzipSync } from "fflate";
import { CpuAdmission } from "./admission.js";
import { type CgroupLayout, removeLiveCgroups, removeParentCgroups } from "./cgroup.js";
import { cpuShareCores, isValidMemorySize, MAX_MEMORY_MB, MIN_MEMORY_MB } from "./cpu-law.js";
import { ExecutionEnvironment, type InvocationOutcome } from "./environment.js";
import {
  InvalidParameterValueError,
  LambdaApiError,
  ResourceConflictError,
  ResourceNotFoundError,
  TooManyRequestsError,
} from "./errors.js";
import { formatJsonReport, formatReportLine, type ReportMetrics, tailLog } from "./report-line.js";
import type { AliasConfiguration, FunctionConfiguration, FunctionRecord, FunctionSnapshot } from "./types.js";

/** Tag that exempts a function from CPU admission (orchestrators that wait on the invocations they make). */
export const CPU_ADMISSION_TAG = "powertune:cpu-admission";

export const FALLBACK_EMULATION = "fallback-cpu-scaling";

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
  updateTransitionMs: number;
  cgroups: CgroupLayout | undefined;
}

export interface CreateFunctionInput {
  FunctionName?: string;
  Runtime?: string;
  Role?: string;
  Handler?: string;
  Description?: string;
  Timeout?: number;
  MemorySize?: number;
  Publish?: boolean;
  Environment?: { Variables?: Record<string, string> };
  Architectures?: string[];
  Tags?: Record<string, string>;
  LoggingConfig?: { LogFormat?: string; LogGroup?: string };
  Code?: { ZipFile?: string | Uint8Array; S3Bucket?: string; ImageUri?: string };
}

export interface UpdateConfigurationInput {
  Description?: string;
  Timeout?: number;
  MemorySize?: number;
  Handler?: string;
  Runtime?: string;
  Role?: string;
  Environment?: { Variables?: Record<string, string> };
  LoggingConfig?: { LogFormat?: string; LogGroup?: string };
  RevisionId?: string;
}

export interface InvokeInput {
  functionName: string;
  qualifier: string | undefined;
  invocationType: "RequestResponse" | "Event" | "DryRun";
  logType: "None" | "Tail";
  payload: Buffer;
  clientContext: unknown;
}

export interface InvokeResult {
  statusCode: number;
  payload: string;
  functionError: "Unhandled" | undefined;
  logResult: string | undefined;
  executedVersion: string;
  emulation: string | undefined;
}

interface PooledEnvironment {
  env: ExecutionEnvironment;
  key: string;
  functionName: string;
  output: string[];
}

const NODE_MODULES = findNodeModules();

// Lambda's runtime puts its bundled AWS SDK on NODE_PATH; locally the project's node_modules plays that part.
function findNodeModules(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "node_modules", "@aws-sdk"))) return join(dir, "node_modules");
    const parent = dirname(dir);
    if (parent === dir) return "";
    dir = parent;
  }
}

function now(): string {
  // Lambda's LastModified format: 2024-01-01T00:00:00.000+0000
  return new Date().toISOString().replace("Z", "+0000");
}

export class LambdaService {
  readonly functions = new Map<string, FunctionRecord>();
  readonly admission: CpuAdmission;
  private readonly pool = new Set<PooledEnvironment>();
  private readonly logStreams = new Map<string, WriteStream>();
  private readonly retiring = new Set<Promise<unknown>>(); // kills of retired idle environments
  private readonly running = new Set<Promise<unknown>>();
  private readonly reaper: NodeJS.Timeout;
  private closed = false;

  constructor(readonly settings: ServiceSettings) {
    this.admission = new CpuAdmission(settings.admissionCores);
    this.reaper = setInterval(() => void this.reapIdle(), Math.min(1000, settings.idleTimeoutMs));
    this.reaper.unref();
  }

  get emulation(): string | undefined {
    return this.settings.cgroups ? undefined : FALLBACK_EMULATION;
  }

  // ---------- names and qualifiers ----------

  functionArn(name: string, qualifier?: string): string {
    const base = `arn:aws:lambda:${this.settings.region}:${this.settings.accountId}:function:${name}`;
    return qualifier ? `${base}:${qualifier}` : base;
  }

  /** Accepts a name, a partial ARN (`123:function:name`) or a full ARN, each optionally qualified. */
  parseFunctionName(raw: string, qualifier?: string): { name: string; qualifier: string | undefined } {
    let name = raw;
    let fromArn: string | undefined;
    const arn = /^(?:arn:aws[\w-]*:lambda:([\w-]+):)?(?:(\d{12}):)?function:([\w-]+)(?::([\w$-]+))?$/.exec(
      raw,
    );
    if (arn?.[3]) {
      const [, region, account] = arn;
      // Like Lambda: a function is found only in the region and account the service is.
      if ((region && region !== this.settings.region) || (account && account !== this.settings.accountId)) {
        throw new ResourceNotFoundError(
          `Function not found: ${raw} (functions here are in region ${this.settings.region}, account ${this.settings.accountId})`,
        );
      }
      name = arn[3];
      fromArn = arn[4];
    } else {
      const plain = /^([\w-]+)(?::([\w$-]+))?$/.exec(raw);
      if (!plain?.[1]) {
        throw new InvalidParameterValueError(
          `FunctionName ${raw} is not a function name or ARN: use letters, digits, - and _, or an ARN.`,
        );
      }
      name = plain[1];
      fromArn = plain[2];
    }
    if (fromArn && qualifier && fromArn !== qualifier) {
      throw new InvalidParameterValueError(
        `The derived qualifier from the function name (${fromArn}) does not match the Qualifier (${qualifier}).`,
      );
    }
    return { name, qualifier: qualifier ?? fromArn };
  }

  getRecord(rawName: string): FunctionRecord {
    const { name } = this.parseFunctionName(rawName);
    const record = this.functions.get(name);
    if (!record) throw new ResourceNotFoundError(`Function not found: ${this.functionArn(name)}`);
    return record;
  }

  /** Resolves a qualifier like Lambda: $LATEST, a version number or an alias name. */
  resolve(
    rawName: string,
    rawQualifier?: string,
  ): { record: FunctionRecord; snapshot: FunctionSnapshot; alias: AliasConfiguration | undefined } {
    const { name, qualifier } = this.parseFunctionName(rawName, rawQualifier);
    const record = this.functions.get(name);
    if (!record) throw new ResourceNotFoundError(`Function not found: ${this.functionArn(name, qualifier)}`);
    if (!qualifier || qualifier === "$LATEST") return { record, snapshot: record.latest, alias: undefined };
    if (/^\d+$/.test(qualifier)) {
      const snapshot = record.versions.get(qualifier);
      if (!snapshot)
        throw new ResourceNotFoundError(`Function not found: ${this.functionArn(name, qualifier)}`);
      return { record, snapshot, alias: undefined };
    }
    const alias = record.aliases.get(qualifier);
    if (!alias) throw new ResourceNotFoundError(`Function not found: ${this.functionArn(name, qualifier)}`);
    const version = this.pickAliasVersion(alias);
    const snapshot = version === "$LATEST" ? record.latest : record.versions.get(version);
    if (!snapshot) throw new ResourceNotFoundError(`Function not found: ${this.functionArn(name, version)}`);
    return { record, snapshot, alias };
  }

  private pickAliasVersion(alias: AliasConfiguration): string {
    const weights = alias.RoutingConfig?.AdditionalVersionWeights ?? {};
    let roll = Math.random();
    for (const [version, weight] of Object.entries(weights)) {
      if (roll < weight) return version;
      roll -= weight;
    }
    return alias.FunctionVersion;
  }

  // ---------- control plane ----------

  private storeZip(name: string, zip: Uint8Array): { codeDir: string; sha256: string; size: number } {
    const sha256 = createHash("sha256").update(zip).digest("base64");
    const codeDir = join(this.settings.codeRoot, name, randomUUID());
    let files: Record<string, Uint8Array>;
    try {
      files = unzipSync(zip);
    } catch (error) {
      throw new InvalidParameterValueError(
        `Code.ZipFile could not be unzipped (${(error as Error).message}): send a valid .zip archive.`,
      );
    }
    const root = resolve(codeDir);
    for (const [path, data] of Object.entries(files)) {
      const target = resolve(root, path);
      if (!target.startsWith(root + sep)) {
        throw new InvalidParameterValueError(`Code.ZipFile entry ${path} points outside the archive.`);
      }
      if (path.endsWith("/")) {
        mkdirSync(target, { recursive: true });
        continue;
      }
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, data);
    }
    mkdirSync(root, { recursive: true });
    return { codeDir: root, sha256, size: zip.byteLength };
  }

  private decodeZip(code: CreateFunctionInput["Code"]): Uint8Array {
    if (code?.S3Bucket || code?.ImageUri) {
      throw new InvalidParameterValueError(
        "Code.S3Bucket and Code.ImageUri are not supported by the local Lambda service: send Code.ZipFile.",
      );
    }
    const zip = code?.ZipFile;
    if (zip === undefined)
      throw new InvalidParameterValueError("Code.ZipFile is required: send the zipped code.");
    return typeof zip === "string" ? Buffer.from(zip, "base64") : zip;
  }

  private validateConfig(input: UpdateConfigurationInput): void {
    if (input.MemorySize !== undefined && !isValidMemorySize(input.MemorySize)) {
      throw new InvalidParameterValueError(
        `MemorySize ${input.MemorySize} is out of range: use a whole number of MB from ${MIN_MEMORY_MB} to ${MAX_MEMORY_MB}.`,
      );
    }
    if (
      input.Timeout !== undefined &&
      !(Number.isInteger(input.Timeout) && input.Timeout >= 1 && input.Timeout <= 900)
    ) {
      throw new InvalidParameterValueError(
        `Timeout ${input.Timeout} is out of range: use a whole number of seconds from 1 to 900.`,
      );
    }
    if (input.Runtime !== undefined && !input.Runtime.startsWith("nodejs")) {
      throw new InvalidParameterValueError(
        `Runtime ${input.Runtime} is not supported locally: use a nodejs runtime (e.g. nodejs20.x).`,
      );
    }
    const format = input.LoggingConfig?.LogFormat;
    if (format !== undefined && format !== "Text" && format !== "JSON") {
      throw new InvalidParameterValueError(`LoggingConfig.LogFormat ${format} is invalid: use Text or JSON.`);
    }
  }

  createFunction(input: CreateFunctionInput): FunctionConfiguration {
    const name = input.FunctionName;
    if (!name || !/^[\w-]{1,64}$/.test(name)) {
      throw new InvalidParameterValueError(
        `FunctionName ${name ?? "(missing)"} is invalid: use 1–64 letters, digits, - or _.`,
      );
    }
    if (!input.Handler) throw new InvalidParameterValueError("Handler is required: e.g. index.handler.");
    this.validateConfig({ ...input, LoggingConfig: input.LoggingConfig });
    if (this.functions.has(name)) throw new ResourceConflictError(`Function already exist: ${name}`);
    const zip = this.decodeZip(input.Code);
    const stored = this.storeZip(name, zip);
    return this.registerFunction(name, input, stored);
  }

  /** Registers a function whose code is already unpacked in `codeDir` (used as is, not copied). */
  createFunctionFromDirectory(
    input: Omit<CreateFunctionInput, "Code"> & { codeDir: string },
  ): FunctionConfiguration {
    const name = input.FunctionName ?? "";
    if (!/^[\w-]{1,64}$/.test(name)) {
      throw new InvalidParameterValueError(
        `FunctionName ${name} is invalid: use 1–64 letters, digits, - or _.`,
      );
    }
    if (!input.Handler) throw new InvalidParameterValueError("Handler is required: e.g. index.handler.");
    this.validateConfig(input);
    if (this.functions.has(name)) throw new ResourceConflictError(`Function already exist: ${name}`);
    const sha256 = createHash("sha256").update(resolve(input.codeDir)).digest("base64");
    return this.registerFunction(name, input, { codeDir: resolve(input.codeDir), sha256, size: 0 });
  }

  private registerFunction(
    name: string,
    input: Omit<CreateFunctionInput, "Code">,
    stored: { codeDir: string; sha256: string; size: number },
  ): FunctionConfiguration {
    const config: FunctionConfiguration = {
      FunctionName: name,
      FunctionArn: this.functionArn(name),
      Runtime: input.Runtime ?? "nodejs20.x",
      Role: input.Role ?? `arn:aws:iam::${this.settings.accountId}:role/${name}-role`,
      Handler: input.Handler ?? "index.handler",
      CodeSize: stored.size,
      Description: input.Description ?? "",
      Timeout: input.Timeout ?? 3,
      MemorySize: input.MemorySize ?? 128,
      LastModified: now(),
      CodeSha256: stored.sha256,
      Version: "$LATEST",
      TracingConfig: { Mode: "PassThrough" },
      RevisionId: randomUUID(),
      State: "Active",
      LastUpdateStatus: "Successful",
      PackageType: "Zip",
      Architectures: input.Architectures ?? ["x86_64"],
      EphemeralStorage: { Size: 512 },
      LoggingConfig: {
        LogFormat: input.LoggingConfig?.LogFormat === "JSON" ? "JSON" : "Text",
        LogGroup: input.LoggingConfig?.LogGroup ?? `/aws/lambda/${name}`,
      },
    };
    if (input.Environment?.Variables) config.Environment = { Variables: { ...input.Environment.Variables } };
    const record: FunctionRecord = {
      name,
      latest: { config, codeDir: stored.codeDir, generation: 0 },
      versions: new Map(),
      nextVersion: 1,
      aliases: new Map(),
      reservedConcurrency: undefined,
      tags: { ...(input.Tags ?? {}) },
      inFlight: 0,
      updateTimer: undefined,
    };
    this.functions.set(name, record);
    if (input.Publish) return this.publishVersion(name, {});
    return structuredClone(config);
  }

  private assertNotUpdating(record: FunctionRecord): void {
    if (record.latest.config.LastUpdateStatus === "InProgress") {
      throw new ResourceConflictError(
        `The operation cannot be performed at this time. An update is in progress for resource: ${this.functionArn(record.name)}`,
      );
    }
  }

  private assertRevision(record: FunctionRecord, revisionId: string | undefined): void {
    if (revisionId !== undefined && revisionId !== record.latest.config.RevisionId) {
      throw new LambdaApiError(
        "PreconditionFailedException",
        "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
        { statusCode: 412 },
      );
    }
  }

  /** Lambda applies a change asynchronously: LastUpdateStatus stays InProgress for a moment. */
  private beginUpdate(record: FunctionRecord): void {
    const config = record.latest.config;
    config.LastUpdateStatus = "InProgress";
    config.LastModified = now();
    config.RevisionId = randomUUID();
    record.latest.generation += 1;
    this.retireEnvironments(record.name, "$LATEST");
    record.updateTimer = setTimeout(() => {
      record.updateTimer = undefined;
      config.LastUpdateStatus = "Successful";
      config.RevisionId = randomUUID();
    }, this.settings.updateTransitionMs);
    record.updateTimer.unref();
  }

  updateFunctionConfiguration(rawName: string, input: UpdateConfigurationInput): FunctionConfiguration {
    const record = this.getRecord(rawName);
    this.validateConfig(input);
    this.assertNotUpdating(record);
    this.assertRevision(record, input.RevisionId);
    const config = record.latest.config;
    if (input.MemorySize !== undefined) config.MemorySize = input.MemorySize;
    if (input.Timeout !== undefined) config.Timeout = input.Timeout;
    if (input.Description !== undefined) config.Description = input.Description;
    if (input.Handler !== undefined) config.Handler = input.Handler;
    if (input.Runtime !== undefined) config.Runtime = input.Runtime;
    if (input.Role !== undefined) config.Role = input.Role;
    if (input.Environment !== undefined)
      config.Environment = { Variables: { ...(input.Environment.Variables ?? {}) } };
    if (input.LoggingConfig?.LogFormat !== undefined) {
      config.LoggingConfig.LogFormat = input.LoggingConfig.LogFormat as "Text" | "JSON";
    }
    if (input.LoggingConfig?.LogGroup !== undefined)
      config.LoggingConfig.LogGroup = input.LoggingConfig.LogGroup;
    this.beginUpdate(record);
    return structuredClone(config);
  }

  updateFunctionCode(
    rawName: string,
    input: {
      ZipFile?: string | Uint8Array;
      S3Bucket?: string;
      ImageUri?: string;
      Publish?: boolean;
      RevisionId?: string;
    },
  ): FunctionConfiguration {
    const record = this.getRecord(rawName);
    this.assertNotUpdating(record);
    this.assertRevision(record, input.RevisionId);
    const stored = this.storeZip(record.name, this.decodeZip(input));
    record.latest.codeDir = stored.codeDir;
    record.latest.config.CodeSha256 = stored.sha256;
    record.latest.config.CodeSize = stored.size;
    this.beginUpdate(record);
    if (input.Publish) {
      // Lambda publishes once the code update completes; locally the snapshot is taken right away.
      const snapshot = this.snapshotLatest(record);
      return structuredClone(snapshot.config);
    }
    return structuredClone(record.latest.config);
  }

  private fingerprint(snapshot: FunctionSnapshot): string {
    const { Version, FunctionArn, RevisionId, LastModified, LastUpdateStatus, State, ...rest } =
      snapshot.config;
    return JSON.stringify(rest);
  }

  private snapshotLatest(record: FunctionRecord, description?: string): FunctionSnapshot {
    const version = String(record.nextVersion++);
    const config: FunctionConfiguration = {
      ...structuredClone(record.latest.config),
      Version: version,
      FunctionArn: this.functionArn(record.name, version),
      RevisionId: randomUUID(),
      LastUpdateStatus: "Successful",
      State: "Active",
    };
    if (description !== undefined) config.Description = description;
    const snapshot = { config, codeDir: record.latest.codeDir, generation: 0 };
    record.versions.set(version, snapshot);
    return snapshot;
  }

  publishVersion(rawName: string, input: { Description?: string; RevisionId?: string; CodeSha256?: string }) {
    const record = this.getRecord(rawName);
    this.assertNotUpdating(record);
    this.assertRevision(record, input.RevisionId);
    if (input.CodeSha256 !== undefined && input.CodeSha256 !== record.latest.config.CodeSha256) {
      throw new InvalidParameterValueError(
        `CodeSha256 ${input.CodeSha256} does not match the function's code (${record.latest.config.CodeSha256}).`,
      );
    }
    // Lambda publishes nothing new when neither code nor configuration changed since the last version.
    const versions = [...record.versions.values()];
    const last = versions[versions.length - 1];
    const latestFingerprint = this.fingerprint({
      ...record.latest,
      config: { ...record.latest.config, Description: input.Description ?? record.latest.config.Description },
    });
    if (last && this.fingerprint(last) === latestFingerprint) return structuredClone(last.config);
    return structuredClone(this.snapshotLatest(record, input.Description).config);
  }

  listVersions(rawName: string): FunctionConfiguration[] {
    const record = this.getRecord(rawName);
    return [record.latest, ...record.versions.values()].map((s) => structuredClone(s.config));
  }

  deleteFunction(rawName: string, rawQualifier?: string): void {
    const { name, qualifier } = this.parseFunctionName(rawName, rawQualifier);
    const record = this.functions.get(name);
    if (!record) throw new ResourceNotFoundError(`Function not found: ${this.functionArn(name, qualifier)}`);
    if (qualifier === undefined) {
      if (record.updateTimer) clearTimeout(record.updateTimer);
      this.functions.delete(name);
      this.retireEnvironments(name, undefined);
      return;
    }
    if (qualifier === "$LATEST") {
      throw new InvalidParameterValueError(
        "$LATEST version cannot be deleted without deleting the function: omit the Qualifier to delete the function.",
      );
    }
    if (!/^\d+$/.test(qualifier)) {
      throw new InvalidParameterValueError(
        `Qualifier ${qualifier} is not a version: DeleteFunction deletes versions; use DeleteAlias for aliases.`,
      );
    }
    if (!record.versions.has(qualifier)) {
      throw new ResourceNotFoundError(`Function not found: ${this.functionArn(name, qualifier)}`);
    }
    const users = [...record.aliases.values()].filter(
      (a) =>
        a.FunctionVersion === qualifier ||
        a.RoutingConfig?.AdditionalVersionWeights?.[qualifier] !== undefined,
    );
    if (users.length > 0) {
      throw new ResourceConflictError(
        `Unable to delete version because the following aliases reference it: [${users.map((a) => a.Name).join(", ")}]`,
      );
    }
    record.versions.delete(qualifier);
    this.retireEnvironments(name, qualifier);
  }

  private validateAliasTarget(record: FunctionRecord, version: string | undefined): string {
    if (!version)
      throw new InvalidParameterValueError("FunctionVersion is required: a version number or $LATEST.");
    if (version !== "$LATEST" && !record.versions.has(version)) {
      throw new ResourceNotFoundError(`Function not found: ${this.functionArn(record.name, version)}`);
    }
    return version;
  }

  private validateRouting(
    record: FunctionRecord,
    routing: { AdditionalVersionWeights?: Record<string, number> } | undefined,
  ) {
    const weights = routing?.AdditionalVersionWeights;
    if (!weights) return undefined;
    for (const [version, weight] of Object.entries(weights)) {
      this.validateAliasTarget(record, version);
      if (!(weight >= 0 && weight <= 1)) {
        throw new InvalidParameterValueError(
          `RoutingConfig weight ${weight} for version ${version}: use 0.0 to 1.0.`,
        );
      }
    }
    return { AdditionalVersionWeights: { ...weights } };
  }

  createAlias(
    rawName: string,
    input: {
      Name?: string;
      FunctionVersion?: string;
      Description?: string;
      RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
    },
  ): AliasConfiguration {
    const record = this.getRecord(rawName);
    const aliasName = input.Name ?? "";
    if (!/^(?!^\d+$)[a-zA-Z0-9-_]{1,128}$/.test(aliasName)) {
      throw new InvalidParameterValueError(
        `Alias name ${aliasName || "(missing)"} is invalid: use 1–128 letters, digits, - or _, not only digits.`,
      );
    }
    const version = this.validateAliasTarget(record, input.FunctionVersion);
    if (record.aliases.has(aliasName)) {
      throw new ResourceConflictError(`Alias already exists: ${this.functionArn(record.name, aliasName)}`);
    }
    const alias: AliasConfiguration = {
      AliasArn: this.functionArn(record.name, aliasName),
      Name: aliasName,
      FunctionVersion: version,
      Description: input.Description ?? "",
      RevisionId: randomUUID(),
    };
    const routing = this.validateRouting(record, input.RoutingConfig);
    if (routing) alias.RoutingConfig = routing;
    record.aliases.set(aliasName, alias);
    return structuredClone(alias);
  }

  getAlias(rawName: string, aliasName: string): AliasConfiguration {
    const record = this.getRecord(rawName);
    const alias = record.aliases.get(aliasName);
    if (!alias)
      throw new ResourceNotFoundError(`Alias not found: ${this.functionArn(record.name, aliasName)}`);
    return structuredClone(alias);
  }

  updateAlias(
    rawName: string,
    aliasName: string,
    input: {
      FunctionVersion?: string;
      Description?: string;
      RevisionId?: string;
      RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
    },
  ): AliasConfiguration {
    const record = this.getRecord(rawName);
    const alias = record.aliases.get(aliasName);
    if (!alias)
      throw new ResourceNotFoundError(`Alias not found: ${this.functionArn(record.name, aliasName)}`);
    if (input.RevisionId !== undefined && input.RevisionId !== alias.RevisionId) {
      throw new LambdaApiError(
        "PreconditionFailedException",
        "The Revision Id provided does not match the latest Revision Id. Call GetAlias to retrieve it.",
        { statusCode: 412 },
      );
    }
    if (input.FunctionVersion !== undefined)
      alias.FunctionVersion = this.validateAliasTarget(record, input.FunctionVersion);
    if (input.Description !== undefined) alias.Description = input.Description;
    if (input.RoutingConfig !== undefined) {
      const routing = this.validateRouting(record, input.RoutingConfig);
      if (routing) alias.RoutingConfig = routing;
      else delete alias.RoutingConfig;
    }
    alias.RevisionId = randomUUID();
    return structuredClone(alias);
  }

  deleteAlias(rawName: string, aliasName: string): void {
    const record = this.getRecord(rawName);
    if (!record.aliases.delete(aliasName)) {
      throw new ResourceNotFoundError(`Alias not found: ${this.functionArn(record.name, aliasName)}`);
    }
  }

  listAliases(rawName: string, functionVersion?: string): AliasConfiguration[] {
    const record = this.getRecord(rawName);
    return [...record.aliases.values()]
      .filter((a) => functionVersion === undefined || a.FunctionVersion === functionVersion)
      .map((a) => structuredClone(a));
  }

  putFunctionConcurrency(rawName: string, reserved: unknown): number {
    const record = this.getRecord(rawName);
    if (typeof reserved !== "number" || !Number.isInteger(reserved) || reserved < 0) {
      throw new InvalidParameterValueError(
        `ReservedConcurrentExecutions ${String(reserved)} is invalid: use a whole number ≥ 0.`,
      );
    }
    let othersReserved = 0;
    for (const other of this.functions.values()) {
      if (other !== record) othersReserved += other.reservedConcurrency ?? 0;
    }
    if (othersReserved + reserved > this.settings.accountConcurrency) {
      throw new InvalidParameterValueError(
        `ReservedConcurrentExecutions ${reserved} exceeds the account's unreserved concurrency (${this.settings.accountConcurrency - othersReserved}): lower it or raise accountConcurrency.`,
      );
    }
    record.reservedConcurrency = reserved;
    return reserved;
  }

  deleteFunctionConcurrency(rawName: string): void {
    this.getRecord(rawName).reservedConcurrency = undefined;
  }

  // ---------- data plane ----------

  private checkConcurrency(record: FunctionRecord): void {
    if (record.reservedConcurrency !== undefined) {
      if (record.inFlight >= record.reservedConcurrency) {
        throw new TooManyRequestsError("Rate Exceeded.", "ReservedFunctionConcurrentInvocationLimitExceeded");
      }
      return;
    }
    let reserved = 0;
    let unreservedInFlight = 0;
    for (const fn of this.functions.values()) {
      if (fn.reservedConcurrency !== undefined) reserved += fn.reservedConcurrency;
      else unreservedInFlight += fn.inFlight;
    }
    if (unreservedInFlight >= this.settings.accountConcurrency - reserved) {
      throw new TooManyRequestsError("Rate Exceeded.", "ConcurrentInvocationLimitExceeded");
    }
  }

  /** Finished invocations per `<function>:<qualifier as invoked>`, for progress displays. */
  private readonly completedInvocations = new Map<string, number>();

  /** Finished invocations of one function, by the qualifier they were invoked with ($LATEST when none). */
  invocationCounts(rawName: string): Record<string, number> {
    const { name } = this.getRecord(rawName);
    const counts: Record<string, number> = {};
    for (const [key, count] of this.completedInvocations) {
      if (key.startsWith(`${name}:`)) counts[key.slice(name.length + 1)] = count;
    }
    return counts;
  }

  async invoke(input: InvokeInput): Promise<InvokeResult> {
    if (this.closed) throw shuttingDown();
    const { record, snapshot } = this.resolve(input.functionName, input.qualifier);
    let event: unknown = null;
    if (input.payload.length > 0) {
      try {
        event = JSON.parse(input.payload.toString("utf8"));
      } catch {
        throw new LambdaApiError(
          "InvalidRequestContentException",
          "Could not parse request body into json: send the Payload as JSON text.",
          { statusCode: 400 },
        );
      }
    }
    const executedVersion = snapshot.config.Version;
    if (input.invocationType === "DryRun") {
      return {
        statusCode: 204,
        payload: "",
        functionError: undefined,
        logResult: undefined,
        executedVersion,
        emulation: this.emulation,
      };
    }
    this.checkConcurrency(record);
    record.inFlight += 1;
    const invokedAs = this.parseFunctionName(input.functionName, input.qualifier).qualifier ?? "$LATEST";
    const countKey = `${record.name}:${invokedAs}`;
    const run = this.run(record, snapshot, event, input).finally(() => {
      this.completedInvocations.set(countKey, (this.completedInvocations.get(countKey) ?? 0) + 1);
      record.inFlight -= 1;
    });
    // close() waits for every invocation under way, so none writes a log or makes a cgroup after it.
    const settled = run.catch(() => undefined);
    this.running.add(settled);
    void settled.finally(() => this.running.delete(settled));
    if (input.invocationType === "Event") {
      return {
        statusCode: 202,
        payload: "",
        functionError: undefined,
        logResult: undefined,
        executedVersion,
        emulation: this.emulation,
      };
    }
    const result = await run;
    if (input.logType !== "Tail") result.logResult = undefined;
    return result;
  }

  private async run(
    record: FunctionRecord,
    snapshot: FunctionSnapshot,
    event: unknown,
    input: InvokeInput,
  ): Promise<InvokeResult> {
    const config = snapshot.config;
    const version = config.Version;
    const exempt = record.tags[CPU_ADMISSION_TAG] === "exempt";
    const share = exempt ? 0 : cpuShareCores(config.MemorySize, this.settings.cores);
    let release = await this.admit(share);
    const requestId = randomUUID();
    try {
      const key = `${record.name}:${version}:${snapshot.generation}`;
      let pooled = this.takeIdle(key);
      let initDurationMs: number | undefined;
      let initFailure: InvocationOutcome | undefined;
      if (!pooled) {
        // Init runs unthrottled, so it holds every core of the budget: many cold starts at once (a parallel
        // tune) then take turns instead of starving the throttled handlers already running.
        release();
        release = () => {};
        const releaseInit = await this.admit(exempt ? 0 : this.settings.admissionCores);
        const fresh = this.newEnvironment(record, snapshot, key);
        pooled = fresh;
        this.pool.add(fresh);
        let init: Awaited<ReturnType<typeof fresh.env.init>>;
        try {
          init = await fresh.env.init();
          // Reserved for this invocation while it waits for its handler's share below.
          if (init.ok) fresh.env.state = "busy";
        } finally {
          releaseInit();
        }
        release = await this.admit(share);
        initDurationMs = init.initDurationMs;
        if (!init.ok) {
          this.pool.delete(pooled);
          const error = { ...init.error, errorMessage: init.error.errorMessage };
          initFailure = {
            payload: JSON.stringify(error),
            functionError: error,
            durationMs: 0,
            maxMemoryUsedMb: 0,
            status: "error",
            environmentLost: true,
          };
        }
      }
      const initOutput = pooled.output.splice(0);
      const outcome =
        initFailure ??
        (await pooled.env.invoke(requestId, event, {
          functionName: record.name,
          functionVersion: version,
          invokedFunctionArn: this.functionArn(record.name, input.qualifier),
          memoryLimitInMB: config.MemorySize,
          logGroupName: config.LoggingConfig.LogGroup,
          logStreamName: pooled.env.spec.id,
          clientContext: input.clientContext,
        }));
      const functionOutput = pooled.output.splice(0);
      pooled.env.lastUsed = Date.now();
      if (outcome.environmentLost || pooled.env.stale || this.closed) {
        this.pool.delete(pooled);
        await pooled.env.kill();
      } else {
        pooled.env.state = "idle";
      }
      const metrics: ReportMetrics = {
        requestId,
        durationMs: outcome.durationMs,
        memorySizeMb: config.MemorySize,
        maxMemoryUsedMb: outcome.maxMemoryUsedMb,
      };
      if (initDurationMs !== undefined) metrics.initDurationMs = initDurationMs;
      if (outcome.status) metrics.status = outcome.status;
      if (this.emulation) metrics.emulation = this.emulation;
      const json = config.LoggingConfig.LogFormat === "JSON";
      const lines: string[] = [];
      lines.push(...initOutput);
      lines.push(
        json
          ? `${JSON.stringify({ time: new Date().toISOString(), type: "platform.start", record: { requestId, version } })}\n`
          : `START RequestId: ${requestId} Version: ${version}\n`,
      );
      lines.push(...functionOutput);
      if (outcome.status === "timeout") {
        lines.push(
          `${new Date().toISOString()} ${requestId} Task timed out after ${config.Timeout.toFixed(2)} seconds\n`,
        );
      }
      if (!json) lines.push(`END RequestId: ${requestId}\n`);
      lines.push(`${json ? formatJsonReport(metrics, new Date()) : formatReportLine(metrics)}\n`);
      const log = lines.join("");
      this.appendLog(record.name, log);
      return {
        statusCode: 200,
        payload: outcome.payload,
        functionError: outcome.functionError ? "Unhandled" : undefined,
        logResult: Buffer.from(tailLog(log)).toString("base64"),
        executedVersion: version,
        emulation: this.emulation,
      };
    } finally {
      release();
    }
  }

  /** Waits for CPU budget; an invocation still queued when close() began is refused, so it starts nothing. */
  private async admit(cores: number): Promise<() => void> {
    const release = await this.admission.acquire(cores);
    if (!this.closed) return release;
    release();
    throw shuttingDown();
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

  private newEnvironment(record: FunctionRecord, snapshot: FunctionSnapshot, key: string): PooledEnvironment {
    const config = snapshot.config;
    const id = `${record.name}-${config.Version === "$LATEST" ? "latest" : config.Version}-${randomUUID().slice(0, 8)}`;
    const output: string[] = [];
    const s = this.settings;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      LANG: "en_US.UTF-8",
      TZ: ":UTC",
      NODE_PATH: NODE_MODULES,
      LAMBDA_TASK_ROOT: snapshot.codeDir,
      LAMBDA_RUNTIME_DIR: dirname(fileURLToPath(import.meta.url)),
      _HANDLER: config.Handler,
      AWS_REGION: s.region,
      AWS_DEFAULT_REGION: s.region,
      AWS_EXECUTION_ENV: `AWS_Lambda_${config.Runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: record.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.MemorySize),
      AWS_LAMBDA_FUNCTION_VERSION: config.Version,
      AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
      AWS_LAMBDA_LOG_GROUP_NAME: config.LoggingConfig.LogGroup,
      AWS_LAMBDA_LOG_STREAM_NAME: id,
      AWS_LAMBDA_LOG_FORMAT: config.LoggingConfig.LogFormat,
      ...s.functionEnvironment,
      ...(config.Environment?.Variables ?? {}),
    };
    const pooled: PooledEnvironment = {
      key,
      functionName: record.name,
      output,
      env: new ExecutionEnvironment({
        id,
        functionName: record.name,
        version: config.Version,
        memoryMb: config.MemorySize,
        timeoutS: config.Timeout,
        codeDir: snapshot.codeDir,
        env,
        cores: s.cores,
        cgroups: s.cgroups,
        onOutput: (text) => output.push(text),
      }),
    };
    pooled.env.state = "initializing";
    return pooled;
  }

  private appendLog(functionName: string, text: string): void {
    const dir = this.settings.logDir;
    if (!dir) return;
    let stream = this.logStreams.get(functionName);
    if (!stream) {
      mkdirSync(dir, { recursive: true });
      stream = createWriteStream(join(dir, `${functionName}.log`), { flags: "a" });
      this.logStreams.set(functionName, stream);
    }
    stream.write(text);
  }

  /** Retires environments of a function (all, or one version); busy ones finish their invocation first. */
  private retireEnvironments(functionName: string, version: string | undefined): void {
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

  private async reapIdle(): Promise<void> {
    const cutoff = Date.now() - this.settings.idleTimeoutMs;
    const doomed = [...this.pool].filter((p) => p.env.state === "idle" && p.env.lastUsed < cutoff);
    for (const pooled of doomed) this.pool.delete(pooled);
    await Promise.all(doomed.map((p) => p.env.kill()));
  }

  /** Number of live execution environments (for tests and diagnostics). */
  get environmentCount(): number {
    return this.pool.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.reaper);
    for (const record of this.functions.values()) if (record.updateTimer) clearTimeout(record.updateTimer);
    await Promise.all([...this.pool].map((p) => p.env.kill()));
    await Promise.allSettled([...this.running, ...this.retiring]);
    await Promise.all([...this.pool].map((p) => p.env.kill()));
    this.pool.clear();
    await Promise.all(
      [...this.logStreams.values()].map((s) => new Promise<void>((resolve) => s.end(() => resolve()))),
    );
    if (this.settings.cgroups) {
      await removeLiveCgroups(this.settings.cgroups);
      removeParentCgroups(this.settings.cgroups);
    }
  }
}

function shuttingDown(): LambdaApiError {
  return new LambdaApiError("ServiceException", "The local Lambda service is shutting down.", {
    statusCode: 500,
  });
}

export function defaultCodeRoot(dataDir: string | undefined): { codeRoot: string; temporary: boolean } {
  if (dataDir) return { codeRoot: join(dataDir, "functions"), temporary: false };
  return { codeRoot: mkdtempSync(join(tmpdir(), "powertune-lambda-")), temporary: true };
}
