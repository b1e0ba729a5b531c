// The API shapes this service takes and returns, named and spelled as in the Lambda REST API.

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

/** A function's whole state; state-store.ts says which parts outlive the process. */
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

/** A request's `Code`: only ZipFile is supported locally; the others are named so they can be refused. */
export interface FunctionCodeInput {
  ZipFile?: string | Uint8Array;
  S3Bucket?: string;
  ImageUri?: string;
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
  Code?: FunctionCodeInput;
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

export interface UpdateCodeInput extends FunctionCodeInput {
  Publish?: boolean;
  RevisionId?: string;
  /** Lambda changes a function's architecture only with its code. */
  Architectures?: string[];
}

export interface PublishVersionInput {
  Description?: string;
  RevisionId?: string;
  CodeSha256?: string;
}

export interface AliasRoutingInput {
  AdditionalVersionWeights?: Record<string, number>;
}

export interface CreateAliasInput {
  Name?: string;
  FunctionVersion?: string;
  Description?: string;
  RoutingConfig?: AliasRoutingInput;
}

export interface UpdateAliasInput {
  FunctionVersion?: string;
  Description?: string;
  RevisionId?: string;
  RoutingConfig?: AliasRoutingInput;
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
  /** The handler's JSON result or error; a streaming handler's bytes when invoked without streaming. */
  payload: string | Buffer;
  /** The handler streamed its response (awslambda.streamifyResponse). */
  streamed: boolean;
  /** A streaming handler's content type. */
  contentType?: string;
  functionError: "Unhandled" | undefined;
  /** The function's error, for InvokeWithResponseStream's InvokeComplete event. */
  error?: { errorType: string; errorMessage: string };
  logResult: string | undefined;
  executedVersion: string;
  emulation: string | undefined;
}
