// A function's aliases: named pointers at a version, optionally splitting traffic with weights, as
// Create/Get/Update/Delete/ListAliases manage them.

import { randomUUID } from "node:crypto";
import {
  InvalidParameterValueError,
  LambdaApiError,
  ResourceConflictError,
  ResourceNotFoundError,
} from "./errors.js";
import { assertAliasName } from "./names.js";
import type {
  AliasConfiguration,
  AliasRoutingInput,
  CreateAliasInput,
  FunctionRecord,
  UpdateAliasInput,
} from "./types.js";

/** What the alias operations need of the registry: finding a function, naming its ARNs, saving a change. */
export interface FunctionLookup {
  getRecord(rawName: string): FunctionRecord;
  functionArn(name: string, qualifier?: string): string;
  /** Saves the function's changed state before the change is acknowledged (undoing it if it cannot). */
  commit(record: FunctionRecord): void;
}

/** The version one invocation through the alias runs: an additional version with its weight's odds. */
export function pickAliasVersion(alias: AliasConfiguration, roll = Math.random()): string {
  const weights = alias.RoutingConfig?.AdditionalVersionWeights ?? {};
  let rest = roll;
  for (const [version, weight] of Object.entries(weights)) {
    if (rest < weight) return version;
    rest -= weight;
  }
  return alias.FunctionVersion;
}

/** Aliases that route to the version, as their target or with a weight. */
export function aliasesUsingVersion(record: FunctionRecord, version: string): AliasConfiguration[] {
  return [...record.aliases.values()].filter(
    (a) =>
      a.FunctionVersion === version || a.RoutingConfig?.AdditionalVersionWeights?.[version] !== undefined,
  );
}

export class Aliases {
  constructor(private readonly functions: FunctionLookup) {}

  create(rawName: string, input: CreateAliasInput): AliasConfiguration {
    const record = this.functions.getRecord(rawName);
    const aliasName = assertAliasName(input.Name ?? "");
    const version = this.validateTarget(record, input.FunctionVersion);
    if (record.aliases.has(aliasName)) {
      throw new ResourceConflictError(
        `Alias already exists: ${this.functions.functionArn(record.name, aliasName)}`,
      );
    }
    const alias: AliasConfiguration = {
      AliasArn: this.functions.functionArn(record.name, aliasName),
      Name: aliasName,
      FunctionVersion: version,
      Description: input.Description ?? "",
      RevisionId: randomUUID(),
    };
    const routing = this.validateRouting(record, input.RoutingConfig);
    if (routing) alias.RoutingConfig = routing;
    record.aliases.set(aliasName, alias);
    this.functions.commit(record);
    return structuredClone(alias);
  }

  get(rawName: string, aliasName: string): AliasConfiguration {
    const record = this.functions.getRecord(rawName);
    return structuredClone(this.find(record, aliasName));
  }

  update(rawName: string, aliasName: string, input: UpdateAliasInput): AliasConfiguration {
    const record = this.functions.getRecord(rawName);
    const alias = this.find(record, aliasName);
    if (input.RevisionId !== undefined && input.RevisionId !== alias.RevisionId) {
      throw new LambdaApiError(
        "PreconditionFailedException",
        "The Revision Id provided does not match the latest Revision Id. Call GetAlias to retrieve it.",
        { statusCode: 412 },
      );
    }
    if (input.FunctionVersion !== undefined) {
      alias.FunctionVersion = this.validateTarget(record, input.FunctionVersion);
    }
    if (input.Description !== undefined) alias.Description = input.Description;
    if (input.RoutingConfig !== undefined) {
      const routing = this.validateRouting(record, input.RoutingConfig);
      if (routing) alias.RoutingConfig = routing;
      else delete alias.RoutingConfig;
    }
    alias.RevisionId = randomUUID();
    this.functions.commit(record);
    return structuredClone(alias);
  }

  delete(rawName: string, aliasName: string): void {
    const record = this.functions.getRecord(rawName);
    if (!record.aliases.delete(aliasName)) throw this.notFound(record, aliasName);
    this.functions.commit(record);
  }

  list(rawName: string, functionVersion?: string): AliasConfiguration[] {
    const record = this.functions.getRecord(rawName);
    return [...record.aliases.values()]
      .filter((a) => functionVersion === undefined || a.FunctionVersion === functionVersion)
      .map((a) => structuredClone(a));
  }

  private find(record: FunctionRecord, aliasName: string): AliasConfiguration {
    const alias = record.aliases.get(aliasName);
    if (!alias) throw this.notFound(record, aliasName);
    return alias;
  }

  private notFound(record: FunctionRecord, aliasName: string): ResourceNotFoundError {
    return new ResourceNotFoundError(
      `Alias not found: ${this.functions.functionArn(record.name, aliasName)}`,
    );
  }

  private validateTarget(record: FunctionRecord, version: string | undefined): string {
    if (!version)
      throw new InvalidParameterValueError("FunctionVersion is required: a version number or $LATEST.");
    if (version !== "$LATEST" && !record.versions.has(version)) {
      throw new ResourceNotFoundError(
        `Function not found: ${this.functions.functionArn(record.name, version)}`,
      );
    }
    return version;
  }

  private validateRouting(
    record: FunctionRecord,
    routing: AliasRoutingInput | undefined,
  ): { AdditionalVersionWeights: Record<string, number> } | undefined {
    const weights = routing?.AdditionalVersionWeights;
    if (!weights) return undefined;
    for (const [version, weight] of Object.entries(weights)) {
      this.validateTarget(record, version);
      if (!(weight >= 0 && weight <= 1)) {
        throw new InvalidParameterValueError(
          `RoutingConfig weight ${weight} for version ${version}: use 0.0 to 1.0.`,
        );
      }
    }
    return { AdditionalVersionWeights: { ...weights } };
  }
}
