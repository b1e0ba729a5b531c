// The control plane: the functions this service knows, their $LATEST, published versions and reserved
// concurrency, and how a name and qualifier resolve to the snapshot an invocation runs.

import { randomUUID } from "node:crypto";
import type { LocalIdentity } from "../shared/identity.js";
import { aliasesUsingVersion, type FunctionLookup, pickAliasVersion } from "./aliases.js";
import { type CodeStore, codeInDirectory, type StoredCode } from "./code-store.js";
import { assertConcurrencyAvailable, validateReservedConcurrency } from "./concurrency.js";
import {
  InvalidParameterValueError,
  LambdaApiError,
  ResourceConflictError,
  ResourceNotFoundError,
} from "./errors.js";
import {
  applyConfigurationUpdate,
  lastModifiedNow,
  newConfiguration,
  publishFingerprint,
  validateConfiguration,
} from "./function-config.js";
import {
  assertNewFunctionName,
  type FunctionName,
  functionArn,
  isVersionNumber,
  parseFunctionName,
} from "./names.js";
import type {
  AliasConfiguration,
  CreateFunctionInput,
  FunctionConfiguration,
  FunctionRecord,
  FunctionSnapshot,
  PublishVersionInput,
  UpdateCodeInput,
  UpdateConfigurationInput,
} from "./types.js";

export interface RegistrySettings extends LocalIdentity {
  accountConcurrency: number;
  /** How long LastUpdateStatus stays InProgress after an update. */
  updateTransitionMs: number;
}

/** Called when a function's environments (all, or one version's) must serve no further invocation. */
export type RetireEnvironments = (functionName: string, version: string | undefined) => void;

export interface ResolvedFunction {
  record: FunctionRecord;
  snapshot: FunctionSnapshot;
  alias: AliasConfiguration | undefined;
}

export class FunctionRegistry implements FunctionLookup {
  readonly functions = new Map<string, FunctionRecord>();

  constructor(
    private readonly settings: RegistrySettings,
    private readonly code: CodeStore,
    private readonly retireEnvironments: RetireEnvironments,
  ) {}

  functionArn(name: string, qualifier?: string): string {
    return functionArn(this.settings, name, qualifier);
  }

  parseFunctionName(raw: string, qualifier?: string): FunctionName {
    return parseFunctionName(this.settings, raw, qualifier);
  }

  getRecord(rawName: string): FunctionRecord {
    const { name } = this.parseFunctionName(rawName);
    const record = this.functions.get(name);
    if (!record) throw new ResourceNotFoundError(`Function not found: ${this.functionArn(name)}`);
    return record;
  }

  /** Resolves a qualifier like Lambda: $LATEST, a version number or an alias name. */
  resolve(rawName: string, rawQualifier?: string): ResolvedFunction {
    const { name, qualifier } = this.parseFunctionName(rawName, rawQualifier);
    const record = this.functions.get(name);
    if (!record) throw this.notFound(name, qualifier);
    if (!qualifier || qualifier === "$LATEST") return { record, snapshot: record.latest, alias: undefined };
    if (isVersionNumber(qualifier)) {
      const snapshot = record.versions.get(qualifier);
      if (!snapshot) throw this.notFound(name, qualifier);
      return { record, snapshot, alias: undefined };
    }
    const alias = record.aliases.get(qualifier);
    if (!alias) throw this.notFound(name, qualifier);
    const version = pickAliasVersion(alias);
    const snapshot = version === "$LATEST" ? record.latest : record.versions.get(version);
    if (!snapshot) throw this.notFound(name, version);
    return { record, snapshot, alias };
  }

  createFunction(input: CreateFunctionInput): FunctionConfiguration {
    const name = this.assertCreatable(input.FunctionName, input);
    return this.register(name, input, this.code.storeZip(name, input.Code));
  }

  /** Registers a function whose code is already unpacked in `codeDir` (used as is, not copied). */
  createFunctionFromDirectory(
    input: Omit<CreateFunctionInput, "Code"> & { codeDir: string },
  ): FunctionConfiguration {
    const name = this.assertCreatable(input.FunctionName ?? "", input);
    return this.register(name, input, codeInDirectory(input.codeDir));
  }

  updateFunctionConfiguration(rawName: string, input: UpdateConfigurationInput): FunctionConfiguration {
    const record = this.getRecord(rawName);
    validateConfiguration(input);
    this.assertNotUpdating(record);
    this.assertRevision(record, input.RevisionId);
    applyConfigurationUpdate(record.latest.config, input);
    this.beginUpdate(record);
    return structuredClone(record.latest.config);
  }

  updateFunctionCode(rawName: string, input: UpdateCodeInput): FunctionConfiguration {
    const record = this.getRecord(rawName);
    this.assertNotUpdating(record);
    this.assertRevision(record, input.RevisionId);
    const stored = this.code.storeZip(record.name, input);
    record.latest.codeDir = stored.codeDir;
    record.latest.config.CodeSha256 = stored.sha256;
    record.latest.config.CodeSize = stored.size;
    this.beginUpdate(record);
    // Lambda publishes once the code update completes; locally the snapshot is taken right away.
    if (input.Publish) return structuredClone(this.snapshotLatest(record).config);
    return structuredClone(record.latest.config);
  }

  publishVersion(rawName: string, input: PublishVersionInput): FunctionConfiguration {
    const record = this.getRecord(rawName);
    this.assertNotUpdating(record);
    this.assertRevision(record, input.RevisionId);
    const latest = record.latest.config;
    if (input.CodeSha256 !== undefined && input.CodeSha256 !== latest.CodeSha256) {
      throw new InvalidParameterValueError(
        `CodeSha256 ${input.CodeSha256} does not match the function's code (${latest.CodeSha256}).`,
      );
    }
    // Lambda publishes nothing new when neither code nor configuration changed since the last version.
    const last = [...record.versions.values()].at(-1);
    const candidate = publishFingerprint({ ...latest, Description: input.Description ?? latest.Description });
    if (last && publishFingerprint(last.config) === candidate) return structuredClone(last.config);
    return structuredClone(this.snapshotLatest(record, input.Description).config);
  }

  listVersions(rawName: string): FunctionConfiguration[] {
    const record = this.getRecord(rawName);
    return [record.latest, ...record.versions.values()].map((s) => structuredClone(s.config));
  }

  /** Deletes the whole function without a qualifier, else the one version it names. */
  deleteFunction(rawName: string, rawQualifier?: string): void {
    const { name, qualifier } = this.parseFunctionName(rawName, rawQualifier);
    const record = this.functions.get(name);
    if (!record) throw this.notFound(name, qualifier);
    if (qualifier !== undefined) {
      this.deleteVersion(record, qualifier);
      return;
    }
    if (record.updateTimer) clearTimeout(record.updateTimer);
    this.functions.delete(name);
    this.retireEnvironments(name, undefined);
  }

  putFunctionConcurrency(rawName: string, reserved: unknown): number {
    const record = this.getRecord(rawName);
    const valid = validateReservedConcurrency(
      this.functions.values(),
      record,
      reserved,
      this.settings.accountConcurrency,
    );
    record.reservedConcurrency = valid;
    return valid;
  }

  deleteFunctionConcurrency(rawName: string): void {
    this.getRecord(rawName).reservedConcurrency = undefined;
  }

  /** Throws Lambda's 429 when the function or the account has no concurrency left for one more. */
  assertConcurrencyAvailable(record: FunctionRecord): void {
    assertConcurrencyAvailable(this.functions.values(), record, this.settings.accountConcurrency);
  }

  /** Stops the pending InProgress → Successful transitions, so no timer outlives the service. */
  close(): void {
    for (const record of this.functions.values()) if (record.updateTimer) clearTimeout(record.updateTimer);
  }

  private assertCreatable(name: string | undefined, input: Omit<CreateFunctionInput, "Code">): string {
    const valid = assertNewFunctionName(name);
    if (!input.Handler) throw new InvalidParameterValueError("Handler is required: e.g. index.handler.");
    validateConfiguration(input);
    if (this.functions.has(valid)) throw new ResourceConflictError(`Function already exist: ${valid}`);
    return valid;
  }

  private register(
    name: string,
    input: Omit<CreateFunctionInput, "Code">,
    stored: StoredCode,
  ): FunctionConfiguration {
    const config = newConfiguration(this.settings, name, input, stored);
    this.functions.set(name, {
      name,
      latest: { config, codeDir: stored.codeDir, generation: 0 },
      versions: new Map(),
      nextVersion: 1,
      aliases: new Map(),
      reservedConcurrency: undefined,
      tags: { ...(input.Tags ?? {}) },
      inFlight: 0,
      updateTimer: undefined,
    });
    if (input.Publish) return this.publishVersion(name, {});
    return structuredClone(config);
  }

  private deleteVersion(record: FunctionRecord, qualifier: string): void {
    if (qualifier === "$LATEST") {
      throw new InvalidParameterValueError(
        "$LATEST version cannot be deleted without deleting the function: omit the Qualifier to delete the function.",
      );
    }
    if (!isVersionNumber(qualifier)) {
      throw new InvalidParameterValueError(
        `Qualifier ${qualifier} is not a version: DeleteFunction deletes versions; use DeleteAlias for aliases.`,
      );
    }
    if (!record.versions.has(qualifier)) throw this.notFound(record.name, qualifier);
    const users = aliasesUsingVersion(record, qualifier);
    if (users.length > 0) {
      throw new ResourceConflictError(
        `Unable to delete version because the following aliases reference it: [${users.map((a) => a.Name).join(", ")}]`,
      );
    }
    record.versions.delete(qualifier);
    this.retireEnvironments(record.name, qualifier);
  }

  private notFound(name: string, qualifier: string | undefined): ResourceNotFoundError {
    return new ResourceNotFoundError(`Function not found: ${this.functionArn(name, qualifier)}`);
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
    config.LastModified = lastModifiedNow();
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

  /** Publishes $LATEST as the next version: a frozen copy of its configuration, sharing its code. */
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
}
