// Lambda in more than one region and account, kept apart as AWS keeps them: one local Lambda service per
// identity (its functions, code and logs in a folder of its own), chosen per request by the region of the
// SigV4 credential scope and the account the access key id names (local/shared/identity.ts). Every one of
// them holds CPU budget from the same admission and makes its cgroups in the same layout, so together they
// never hand out more CPU than the budget: functions of two accounts measured side by side are measured as if
// each ran alone.
//
// Identities are made on first use (any region named like AWS's, any 12-digit account), and those an earlier
// run left on disk are opened at start, so a state file that cannot be read stops the start as it does for
// the default identity.

import { existsSync, readdirSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import {
  DEFAULT_IDENTITY,
  isAccountId,
  isRegionName,
  type LocalIdentity,
  sameIdentity,
} from "../shared/identity.js";
import { requestIdentity } from "../shared/sigv4.js";
import type { LocalService } from "../shared/types.js";
import { InvalidParameterValueError } from "./errors.js";
import {
  createLambdaService,
  type LambdaServiceOptions,
  type LocalLambdaService,
  type SharedLambdaResources,
  sendLambdaError,
  shareLambdaResources,
} from "./local-service.js";

export interface LambdaIdentitiesOptions
  extends Omit<LambdaServiceOptions, "region" | "accountId" | "functionEnvironment" | "shared"> {
  /**
   * The identity of requests that name no other. Its state stays where a single service keeps it
   * (`<dataDir>/lambda`, `functions`, `logs`); any other identity's is below `<dataDir>/accounts/<account>/<region>/`.
   * @default DEFAULT_IDENTITY (us-east-1, 000000000000)
   */
  defaultIdentity?: LocalIdentity;
  /** Variables for every execution environment of an identity (the endpoint, its account's credentials). @default none */
  functionEnvironment?: (identity: LocalIdentity) => Record<string, string>;
}

export interface LambdaIdentities extends LocalService {
  /** The default identity's service. */
  readonly default: LocalLambdaService;
  /** The CPU budget, cores and cgroup layout every identity shares. */
  readonly resources: SharedLambdaResources;
  /** The service of an identity, made (with its folder) on first use; throws UnknownIdentityError for a malformed one. */
  serviceFor(identity: LocalIdentity): LocalLambdaService;
  /** The service of an identity if it has one already. */
  find(identity: LocalIdentity): LocalLambdaService | undefined;
  /** The identities with a service: the default first, then by account and region. */
  identities(): LocalIdentity[];
  /** The identity a request reaches: its credential scope's region and its access key's account. */
  identityOf(req: IncomingMessage): LocalIdentity;
}

/** A region or account that is not named like AWS's: no service is made for it. */
export class UnknownIdentityError extends InvalidParameterValueError {
  constructor(identity: LocalIdentity) {
    super(
      `The local cloud serves Lambda in any region named like AWS's (us-west-2) and any 12-digit account; this ` +
        `request asks for region ${JSON.stringify(identity.region)}, account ${JSON.stringify(identity.accountId)}. ` +
        "Sign it with a region's name, and credentials of the account (accessKeyIdForAccount, or the local STS's AssumeRole).",
    );
  }
}

const ACCOUNTS_FOLDER = "accounts";

/** Where an identity's state lives: the data directory itself for the default identity, else its own folder. */
export function identityDataDir(
  dataDir: string,
  identity: LocalIdentity,
  defaultIdentity = DEFAULT_IDENTITY,
): string {
  if (sameIdentity(identity, defaultIdentity)) return dataDir;
  return join(dataDir, ACCOUNTS_FOLDER, identity.accountId, identity.region);
}

/** The identities an earlier run kept state for (`<dataDir>/accounts/<account>/<region>/lambda`). */
function identitiesOnDisk(dataDir: string): LocalIdentity[] {
  const root = join(dataDir, ACCOUNTS_FOLDER);
  if (!existsSync(root)) return [];
  const found: LocalIdentity[] = [];
  for (const accountId of readdirSync(root).filter(isAccountId)) {
    for (const region of readdirSync(join(root, accountId)).filter(isRegionName)) {
      if (existsSync(join(root, accountId, region, "lambda"))) found.push({ region, accountId });
    }
  }
  return found;
}

/**
 * Starts the default identity's service and those of the identities kept in `dataDir`. Throws
 * LambdaStateUnreadableError, naming the file, when a kept function cannot be read (after stopping what it
 * started).
 */
export async function createLambdaIdentities(opts: LambdaIdentitiesOptions = {}): Promise<LambdaIdentities> {
  const { defaultIdentity = DEFAULT_IDENTITY, functionEnvironment, dataDir, ...serviceOptions } = opts;
  const resources = shareLambdaResources(opts);
  const services = new Map<string, { identity: LocalIdentity; service: LocalLambdaService }>();
  const keyOf = (identity: LocalIdentity) => `${identity.accountId}/${identity.region}`;
  let closing: Promise<void> | undefined;

  function make(identity: LocalIdentity): LocalLambdaService {
    if (!isRegionName(identity.region) || !isAccountId(identity.accountId))
      throw new UnknownIdentityError(identity);
    if (closing) throw new InvalidParameterValueError("The local Lambda service is shutting down.");
    const service = createLambdaService({
      ...serviceOptions,
      ...(dataDir === undefined ? {} : { dataDir: identityDataDir(dataDir, identity, defaultIdentity) }),
      region: identity.region,
      accountId: identity.accountId,
      functionEnvironment: functionEnvironment?.(identity) ?? {},
      shared: resources,
    });
    services.set(keyOf(identity), { identity, service });
    return service;
  }

  const find = (identity: LocalIdentity) => services.get(keyOf(identity))?.service;
  const serviceFor = (identity: LocalIdentity) => find(identity) ?? make(identity);

  async function close(): Promise<void> {
    const closed = await Promise.allSettled([...services.values()].map(({ service }) => service.close()));
    await resources.release();
    const failed = closed.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
  }

  let defaultService: LocalLambdaService;
  try {
    defaultService = make(defaultIdentity);
    for (const identity of dataDir === undefined ? [] : identitiesOnDisk(dataDir)) {
      if (!sameIdentity(identity, defaultIdentity)) make(identity);
    }
  } catch (error) {
    // A state that cannot be read stops the start: nothing made so far outlives it.
    closing = close();
    await closing;
    throw error;
  }

  return {
    default: defaultService,
    resources,
    serviceFor,
    find,
    identities() {
      const others = [...services.values()]
        .map(({ identity }) => identity)
        .filter((identity) => !sameIdentity(identity, defaultIdentity))
        .sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
      return [defaultIdentity, ...others];
    },
    identityOf: (req) => requestIdentity(req, defaultIdentity),
    handle(req, res) {
      let service: LocalLambdaService;
      try {
        service = serviceFor(requestIdentity(req, defaultIdentity));
      } catch (error) {
        req.resume();
        sendLambdaError(res, error);
        return;
      }
      service.handle(req, res);
    },
    close() {
      closing ??= close();
      return closing;
    },
  };
}
