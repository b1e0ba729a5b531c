// The control plane on disk: one versioned JSON document per function under `<dataDir>/lambda/`, replaced
// atomically (write, flush, rename) on every change before the API answers, and read back at start. So a
// change the service acknowledged survives a kill -9, and a half-written document is never read.
//
// Kept: $LATEST and every published version (configuration and where the code is), the next version number,
// aliases, reserved concurrency and tags. Not kept, because it does not outlive the process: execution
// environments, in-flight counters and the timer that ends an update (an update acknowledged before the
// stop comes back finished: LastUpdateStatus Successful).

import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { z } from "zod";
import { removeFileSync, removeTemporaryFiles, replaceFileSync } from "../shared/durable-file.js";
import type { AliasConfiguration, FunctionConfiguration, FunctionRecord, FunctionSnapshot } from "./types.js";

/** The document's format; a document of another format is refused, never guessed at. */
export const STATE_FORMAT = 1;

/** What the registry needs of a place that keeps its functions. */
export interface FunctionStateStore {
  /** The functions as the previous run left them, read when the store was opened. */
  restored(): FunctionRecord[];
  /** Writes the function's whole state durably; throws if it could not. */
  save(record: FunctionRecord): void;
  /** Forgets the function durably; throws if it could not. */
  remove(name: string): void;
  /** The function as it was last written, rebuilt (to undo a change whose write failed); undefined if never. */
  lastSaved(name: string): FunctionRecord | undefined;
}

/** A state document that cannot be read: the service refuses to start rather than drop the function. */
export class LambdaStateUnreadableError extends Error {
  override readonly name = "LambdaStateUnreadableError";

  constructor(
    readonly file: string,
    reason: string,
    options: ErrorOptions = {},
  ) {
    super(
      `${file}: ${reason}. The local Lambda service does not start without it: repair the file, or move it ` +
        "out of the way to start without that function (a deploy then creates it again from its template).",
      options,
    );
  }
}

const configurationSchema = z.object({
  FunctionName: z.string(),
  FunctionArn: z.string(),
  Runtime: z.string(),
  Role: z.string(),
  Handler: z.string(),
  CodeSize: z.number(),
  Description: z.string(),
  Timeout: z.number(),
  MemorySize: z.number(),
  LastModified: z.string(),
  CodeSha256: z.string(),
  Version: z.string(),
  Environment: z.object({ Variables: z.record(z.string(), z.string()) }).optional(),
  TracingConfig: z.object({ Mode: z.string() }),
  RevisionId: z.string(),
  State: z.enum(["Pending", "Active", "Inactive", "Failed"]),
  LastUpdateStatus: z.enum(["Successful", "Failed", "InProgress"]),
  PackageType: z.literal("Zip"),
  Architectures: z.array(z.string()),
  EphemeralStorage: z.object({ Size: z.number() }),
  LoggingConfig: z.object({ LogFormat: z.enum(["Text", "JSON"]), LogGroup: z.string() }),
}) satisfies z.ZodType<FunctionConfiguration>;

const aliasSchema = z.object({
  AliasArn: z.string(),
  Name: z.string(),
  FunctionVersion: z.string(),
  Description: z.string(),
  RevisionId: z.string(),
  RoutingConfig: z.object({ AdditionalVersionWeights: z.record(z.string(), z.number()) }).optional(),
}) satisfies z.ZodType<AliasConfiguration>;

/** A snapshot's code directory is relative to the code root when it lives there, so a data dir can move. */
const snapshotSchema = z.object({ config: configurationSchema, codeDir: z.string() });

const documentSchema = z.object({
  format: z.literal(STATE_FORMAT),
  name: z.string(),
  latest: snapshotSchema,
  versions: z.array(snapshotSchema),
  nextVersion: z.number().int().positive(),
  aliases: z.array(aliasSchema),
  reservedConcurrency: z.number().int().nonnegative().nullable(),
  tags: z.record(z.string(), z.string()),
});

export type FunctionStateDocument = z.infer<typeof documentSchema>;

/** The document for a function: everything of its record that outlives the process. */
export function toDocument(record: FunctionRecord, codeRoot: string): FunctionStateDocument {
  const snapshot = (s: FunctionSnapshot) => ({
    config: structuredClone(s.config),
    codeDir: storedCodeDir(s.codeDir, codeRoot),
  });
  return {
    format: STATE_FORMAT,
    name: record.name,
    latest: snapshot(record.latest),
    versions: [...record.versions.values()].map(snapshot),
    nextVersion: record.nextVersion,
    aliases: [...record.aliases.values()].map((a) => structuredClone(a)),
    reservedConcurrency: record.reservedConcurrency ?? null,
    tags: { ...record.tags },
  };
}

/** The record a document describes, as a fresh start has it: no environments, nothing in flight. */
export function fromDocument(document: FunctionStateDocument, codeRoot: string): FunctionRecord {
  const snapshot = (s: FunctionStateDocument["latest"]): FunctionSnapshot => ({
    config: structuredClone(s.config),
    codeDir: resolve(codeRoot, s.codeDir),
    generation: 0,
  });
  const latest = snapshot(document.latest);
  // The update was acknowledged; only the moment it completed was lost with the process. Its RevisionId
  // stays the one the update answered with, so a client holding it can go on.
  if (latest.config.LastUpdateStatus === "InProgress") latest.config.LastUpdateStatus = "Successful";
  return {
    name: document.name,
    latest,
    versions: new Map(document.versions.map((v) => [v.config.Version, snapshot(v)])),
    nextVersion: document.nextVersion,
    aliases: new Map(document.aliases.map((a) => [a.Name, structuredClone(a)])),
    reservedConcurrency: document.reservedConcurrency ?? undefined,
    tags: { ...document.tags },
    inFlight: 0,
    updateTimer: undefined,
  };
}

function storedCodeDir(codeDir: string, codeRoot: string): string {
  const inside = relative(codeRoot, codeDir);
  return inside !== "" && !inside.startsWith(`..${sep}`) && !isAbsolute(inside) ? inside : codeDir;
}

/** Reads and checks one document; any problem is a LambdaStateUnreadableError naming the file. */
export function readDocument(file: string, expectedName: string, codeRoot: string): FunctionStateDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new LambdaStateUnreadableError(file, `not readable JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (format !== STATE_FORMAT) {
    throw new LambdaStateUnreadableError(
      file,
      `format ${JSON.stringify(format)} is not the one this version reads (${STATE_FORMAT})`,
    );
  }
  const parsed = documentSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(document)"}: ${i.message}`);
    throw new LambdaStateUnreadableError(file, `not a function's state (${issues.join("; ")})`);
  }
  const document = parsed.data;
  if (document.name !== expectedName) {
    throw new LambdaStateUnreadableError(file, `it holds function ${document.name}, not ${expectedName}`);
  }
  for (const s of [document.latest, ...document.versions]) {
    const codeDir = resolve(codeRoot, s.codeDir);
    if (!existsSync(codeDir)) {
      throw new LambdaStateUnreadableError(
        file,
        `the code of ${expectedName}:${s.config.Version} is missing (${codeDir})`,
      );
    }
  }
  return document;
}

/** The state of each function in `<dir>/<function name>.json`. */
export class FunctionStateFiles implements FunctionStateStore {
  private readonly written = new Map<string, FunctionStateDocument>();

  /** Reads every document in `dir` (created if missing); throws LambdaStateUnreadableError on a bad one. */
  constructor(
    readonly dir: string,
    private readonly codeRoot: string,
  ) {
    mkdirSync(dir, { recursive: true });
    removeTemporaryFiles(dir);
    for (const entry of readdirSync(dir).sort()) {
      if (!entry.endsWith(".json")) continue;
      const name = entry.slice(0, -".json".length);
      this.written.set(name, readDocument(join(dir, entry), name, codeRoot));
    }
  }

  restored(): FunctionRecord[] {
    return [...this.written.values()].map((d) => fromDocument(d, this.codeRoot));
  }

  /** Every code directory a stored snapshot uses. */
  codeDirs(): Set<string> {
    const dirs = new Set<string>();
    for (const d of this.written.values()) {
      for (const s of [d.latest, ...d.versions]) dirs.add(resolve(this.codeRoot, s.codeDir));
    }
    return dirs;
  }

  save(record: FunctionRecord): void {
    const document = toDocument(record, this.codeRoot);
    replaceFileSync(this.fileOf(record.name), `${JSON.stringify(document, null, 2)}\n`);
    this.written.set(record.name, document);
  }

  remove(name: string): void {
    removeFileSync(this.fileOf(name));
    this.written.delete(name);
  }

  lastSaved(name: string): FunctionRecord | undefined {
    const document = this.written.get(name);
    return document && fromDocument(document, this.codeRoot);
  }

  fileOf(name: string): string {
    // Function names are letters, digits, - and _ only (names.ts), so a name is a safe file name.
    return join(this.dir, `${name}.json`);
  }
}
