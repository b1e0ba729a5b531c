// The control plane: the functions this service knows, their $LATEST, published versions, reserved
// concurrency and tags, and how a name and qualifier resolve to the snapshot an invocation runs. Every change
// is committed to the state store before it is acknowledged; one the store cannot write is undone.

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
  StateNotWrittenError,
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
import type { FunctionStateStore } from "./state-store.js";
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

/** Where the registry reports what it cannot raise to a caller (a write after the answer went out). */
export type Warn = (message: string) => void;

export interface ResolvedFunction {
  record: FunctionRecord;
  snapshot: FunctionSnapshot;
  alias: AliasConfiguration | undefined;
}

export class FunctionRegistry implements FunctionLookup {
  readonly functions = new Map<string, FunctionRecord>();

  /** Starts with the functions the store restored; without a store, nothing outlives the registry. */
  constructor(
    private readonly settings: RegistrySettings,
    private readonly code: CodeStore,
    private readonly retireEnvironments: RetireEnvironments,
    private readonly store: FunctionStateStore | undefined = undefined,
    private readonly warn: Warn = console.warn,
  ) {
    for (const record of store?.restored() ?? []) this.functions.set(record.name, record);
  }

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
    this.commit(record);
    return structuredClone(record.latest.config);
  }

  updateFunctionCode(rawName: string, input: UpdateCodeInput): FunctionConfiguration {
    const record = this.getRecord(rawName);
    this.assertNotUpdating(record);
    this.assertRevision(record, input.RevisionId);
    const architectures = validArchitectures(input.Architectures);
    const stored = this.code.storeZip(record.name, input);
    record.latest.codeDir = stored.codeDir;
    record.latest.config.CodeSha256 = stored.sha256;
    record.latest.config.CodeSize = stored.size;
    if (architectures) record.latest.config.Architectures = architectures;
    this.beginUpdate(record);
    // Lambda publishes once the code update completes; locally the snapshot is taken right away.
    const answer = input.Publish ? this.snapshotLatest(record).config : record.latest.config;
    this.commit(record);
    return structuredClone(answer);
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
    const published = this.snapshotLatest(record, input.Description);
    this.commit(record);
    return structuredClone(published.config);
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
    this.forget(record);
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
    this.commit(record);
    return valid;
  }

  deleteFunctionConcurrency(rawName: string): void {
    const record = this.getRecord(rawName);
    record.reservedConcurrency = undefined;
    this.commit(record);
  }

  /** TagResource: sets the given tags, keeping the others. */
  tagResource(rawArn: string, tags: unknown): void {
    const record = this.getRecord(rawArn);
    Object.assign(record.tags, validTags(tags));
    this.commit(record);
  }

  /** UntagResource: removes the tags with these keys (absent ones are fine, as on Lambda). */
  untagResource(rawArn: string, keys: readonly string[]): void {
    const record = this.getRecord(rawArn);
    for (const key of keys) delete record.tags[key];
    this.commit(record);
  }

  /**
   * Writes the function's state before its change is acknowledged. When the write fails, the change is
   * undone (the function goes back to what was last written, or away if it never was) and the caller gets
   * a ServiceException: nothing is answered that a restart would not find.
   */
  commit(record: FunctionRecord): void {
    if (!this.store) return;
    try {
      this.store.save(record);
    } catch (error) {
      this.revert(record);
      throw new StateNotWrittenError(record.name, error);
    }
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
    const record: FunctionRecord = {
      name,
      latest: { config, codeDir: stored.codeDir, generation: 0 },
      versions: new Map(),
      nextVersion: 1,
      aliases: new Map(),
      reservedConcurrency: undefined,
      tags: validTags(input.Tags ?? {}),
      inFlight: 0,
      updateTimer: undefined,
    };
    this.functions.set(name, record);
    const answer = input.Publish ? this.snapshotLatest(record).config : config;
    this.commit(record);
    return structuredClone(answer);
  }

  /** Removes the function: from the store first, so a failed removal leaves it whole. */
  private forget(record: FunctionRecord): void {
    try {
      this.store?.remove(record.name);
    } catch (error) {
      throw new StateNotWrittenError(record.name, error);
    }
    if (record.updateTimer) clearTimeout(record.updateTimer);
    this.functions.delete(record.name);
    this.retireEnvironments(record.name, undefined);
  }

  /** Puts the function back as the store last wrote it; every environment of it retires. */
  private revert(record: FunctionRecord): void {
    if (record.updateTimer) clearTimeout(record.updateTimer);
    record.updateTimer = undefined;
    this.retireEnvironments(record.name, undefined);
    const saved = this.store?.lastSaved(record.name);
    if (!saved) {
      this.functions.delete(record.name);
      return;
    }
    // The record object stays (invocations in flight count on it); a new generation keeps the environments
    // of the undone revision from serving the restored one.
    record.latest = { ...saved.latest, generation: record.latest.generation + 1 };
    record.versions = saved.versions;
    record.nextVersion = saved.nextVersion;
    record.aliases = saved.aliases;
    record.reservedConcurrency = saved.reservedConcurrency;
    record.tags = saved.tags;
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
    this.commit(record);
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
      try {
        this.store?.save(record);
      } catch (error) {
        // The update itself is on disk; a start reads an unfinished one as finished, so only this
        // RevisionId is lost if the process stops now.
        this.warn(`local Lambda: could not record that ${record.name}'s update finished: ${String(error)}`);
      }
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

/** Lambda's architectures: one of x86_64 or arm64. */
function validArchitectures(architectures: readonly string[] | undefined): string[] | undefined {
  if (architectures === undefined) return undefined;
  const [only, ...more] = architectures;
  if (more.length > 0 || (only !== "x86_64" && only !== "arm64")) {
    throw new InvalidParameterValueError(
      `Architectures ${JSON.stringify(architectures)} is invalid: give one of x86_64 or arm64.`,
    );
  }
  return [only];
}

/** Tags as Lambda takes them: a map of string keys to string values. */
function validTags(tags: unknown): Record<string, string> {
  if (typeof tags !== "object" || tags === null || Array.isArray(tags)) {
    throw new InvalidParameterValueError("Tags must be a map of tag keys to values.");
  }
  const entries = Object.entries(tags);
  for (const [key, value] of entries) {
    if (typeof value !== "string") {
      throw new InvalidParameterValueError(`Tag ${key}: its value must be a string.`);
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}
