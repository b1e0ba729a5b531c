// The API shapes this service returns, named and spelled as in the Lambda REST API.

export interface FunctionConfiguration {
  FunctionName: string;
  FunctionArn: string;
  Runtime: string;
  Role: string;
  Handler: string;
  CodeSize: number;
  Description: string;
  Timeout: number;
  MemorySize: number;
  LastModified: string;
  CodeSha256: string;
  Version: string;
  Environment?: { Variables: Record<string, string> };
  TracingConfig: { Mode: string };
  RevisionId: string;
  State: "Pending" | "Active" | "Inactive" | "Failed";
  LastUpdateStatus: "Successful" | "Failed" | "InProgress";
  PackageType: "Zip";
  Architectures: string[];
  EphemeralStorage: { Size: number };
  LoggingConfig: { LogFormat: "Text" | "JSON"; LogGroup: string };
}

export interface AliasConfiguration {
  AliasArn: string;
  Name: string;
  FunctionVersion: string;
  Description: string;
  RevisionId: string;
  RoutingConfig?: { AdditionalVersionWeights: Record<string, number> };
}

/** A function's $LATEST or one published version, with where its code lives on disk. */
export interface FunctionSnapshot {
  config: FunctionConfiguration;
  codeDir: string;
  /** Bumped on every change of $LATEST, so warm environments of an older revision retire. */
  generation: number;
}

export interface FunctionRecord {
  name: string;
  latest: FunctionSnapshot;
  versions: Map<string, FunctionSnapshot>;
  nextVersion: number;
  aliases: Map<string, AliasConfiguration>;
  reservedConcurrency: number | undefined;
  tags: Record<string, string>;
  /** Invocations in flight (queued or running), all qualifiers together. */
  inFlight: number;
  updateTimer: NodeJS.Timeout | undefined;
}
