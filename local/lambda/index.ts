// The local Lambda service: Lambda's REST API (the paths @aws-sdk/client-lambda sends) over HTTP on loopback.

import { rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "../shared/identity.js";
import { type CgroupMode, detectCgroups } from "./cgroup.js";
import { defaultCodeRoot } from "./code-store.js";
import { FALLBACK_EMULATION } from "./cpu-law.js";
import {
  LambdaApiError,
  RequestTooLargeError,
  TooManyRequestsError,
  UnsupportedOperationError,
} from "./errors.js";
import { provideRuntimeSdk } from "./runtime-sdk.js";
import { LambdaService } from "./service.js";
import type { CreateFunctionInput } from "./types.js";

export { CPU_ADMISSION_TAG } from "./admission.js";
export { FALLBACK_EMULATION } from "./cpu-law.js";
export { billedDurationMs, formatJsonReport, formatReportLine } from "./report-line.js";
export { LambdaService } from "./service.js";

export interface LambdaServiceOptions {
  /** Code goes to `<dataDir>/functions/…`, per-function logs to `<dataDir>/logs/<name>.log`. @default a temp dir, no log files */
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
  /** How long LastUpdateStatus stays InProgress after an update. @default 200 */
  updateTransitionMs?: number;
  /** "off" forces the fallback (CPU-time scaling, marked in every REPORT). @default "auto" */
  cgroup?: CgroupMode;
  /** Where to print the startup warning when the CPU law is emulated. @default console.warn */
  warn?: (message: string) => void;
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

const MAX_BODY_BYTES = 70 * 1024 * 1024; // a 50 MB zip, base64-encoded, with room for the JSON around it
const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;

export function createLambdaService(opts: LambdaServiceOptions = {}): LocalLambdaService {
  const cgroups = detectCgroups(opts.cgroup ?? "auto");
  const { codeRoot, temporary } = defaultCodeRoot(opts.dataDir);
  provideRuntimeSdk(codeRoot);
  const service = new LambdaService({
    region: opts.region ?? LOCAL_REGION,
    accountId: opts.accountId ?? LOCAL_ACCOUNT_ID,
    codeRoot,
    logDir: opts.dataDir ? join(opts.dataDir, "logs") : undefined,
    functionEnvironment: opts.functionEnvironment ?? {},
    cores: opts.cpuCores ?? availableParallelism(),
    admissionCores: Math.min(
      opts.admissionCores ?? Number.POSITIVE_INFINITY,
      opts.cpuCores ?? availableParallelism(),
    ),
    accountConcurrency: opts.accountConcurrency ?? 50,
    idleTimeoutMs: opts.idleTimeoutMs ?? 300_000,
    updateTransitionMs: opts.updateTransitionMs ?? 200,
    cgroups,
  });
  const cpuLawEnforcement = cgroups ? `cgroup-${cgroups.flavour}` : FALLBACK_EMULATION;
  if (!cgroups) {
    (opts.warn ?? console.warn)(
      "WARNING: local Lambda cannot create cgroups, so the memory→CPU law is EMULATED by CPU-time scaling " +
        `(every REPORT line carries "Emulation: ${FALLBACK_EMULATION}"). Run as root with a writable ` +
        "cgroup cpu controller for enforced quotas.",
    );
  }
  let server: Server | undefined;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    route(service, req, res).catch((error: unknown) => sendError(res, error));
  };

  return {
    handle,
    service,
    cpuLawEnforcement,
    cgroupDirs: cgroups
      ? [...new Set([cgroups.cpuRoot, cgroups.memoryRoot].filter((d) => d !== undefined))]
      : [],
    createFunctionFromDirectory: (input) => service.createFunctionFromDirectory(input),
    async listen(port = 0) {
      const s = createServer(handle);
      server = s;
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.listen(port, "127.0.0.1", () => resolve());
      });
      const { port: actual } = s.address() as AddressInfo;
      return { url: `http://127.0.0.1:${actual}` };
    },
    async close() {
      if (server) {
        const s = server;
        server = undefined;
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
      await service.close();
      if (temporary) rmSync(codeRoot, { recursive: true, force: true });
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(
          new RequestTooLargeError(
            "Request must be smaller than 70167211 bytes for the CreateFunction operation",
          ),
        );
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

async function readJson<T>(req: IncomingMessage): Promise<T> {
  const body = await readBody(req);
  if (body.length === 0) return {} as T;
  try {
    return JSON.parse(body.toString("utf8")) as T;
  } catch {
    throw new LambdaApiError("InvalidRequestContentException", "Could not parse request body into json.", {
      statusCode: 400,
    });
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": crypto.randomUUID(),
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: unknown): void {
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
  const text = JSON.stringify(body);
  res.writeHead(apiError.statusCode, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-amzn-errortype": apiError.code,
    "x-amzn-requestid": crypto.randomUUID(),
  });
  res.end(text);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function route(service: LambdaService, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const method = req.method ?? "GET";
  const qualifier = url.searchParams.get("Qualifier") ?? undefined;
  const [apiVersion, collection, fn, sub, subName] = parts;

  if (collection === "functions" && apiVersion === "2015-03-31") {
    if (fn === undefined) {
      if (method === "POST")
        return sendJson(res, 201, service.createFunction(await readJson<CreateFunctionInput>(req)));
      if (method === "GET") {
        const functions = [...service.functions.values()].map((r) => structuredClone(r.latest.config));
        return sendJson(res, 200, { Functions: functions });
      }
    } else if (sub === undefined) {
      if (method === "GET") {
        const { record, snapshot } = service.resolve(fn, qualifier);
        const body: Record<string, unknown> = {
          Configuration: structuredClone(snapshot.config),
          Code: { RepositoryType: "S3", Location: `file://${snapshot.codeDir}` },
          Tags: { ...record.tags },
        };
        if (record.reservedConcurrency !== undefined) {
          body.Concurrency = { ReservedConcurrentExecutions: record.reservedConcurrency };
        }
        return sendJson(res, 200, body);
      }
      if (method === "DELETE") {
        service.deleteFunction(fn, qualifier);
        return sendJson(res, 204, undefined);
      }
    } else if (sub === "invocations" && method === "POST") {
      return invoke(service, fn, qualifier, req, res);
    } else if (sub === "configuration") {
      if (method === "GET")
        return sendJson(res, 200, structuredClone(service.resolve(fn, qualifier).snapshot.config));
      if (method === "PUT")
        return sendJson(res, 200, service.updateFunctionConfiguration(fn, await readJson(req)));
    } else if (sub === "code" && method === "PUT") {
      return sendJson(res, 200, service.updateFunctionCode(fn, await readJson(req)));
    } else if (sub === "versions") {
      if (method === "POST") return sendJson(res, 201, service.publishVersion(fn, await readJson(req)));
      if (method === "GET") return sendJson(res, 200, { Versions: service.listVersions(fn) });
    } else if (sub === "aliases") {
      if (subName === undefined && method === "POST")
        return sendJson(res, 201, service.createAlias(fn, await readJson(req)));
      if (subName === undefined && method === "GET") {
        const version = url.searchParams.get("FunctionVersion") ?? undefined;
        return sendJson(res, 200, { Aliases: service.listAliases(fn, version) });
      }
      if (subName !== undefined && method === "GET") return sendJson(res, 200, service.getAlias(fn, subName));
      if (subName !== undefined && method === "PUT") {
        return sendJson(res, 200, service.updateAlias(fn, subName, await readJson(req)));
      }
      if (subName !== undefined && method === "DELETE") {
        service.deleteAlias(fn, subName);
        return sendJson(res, 204, undefined);
      }
    }
  }
  if (
    apiVersion === "2017-10-31" &&
    collection === "functions" &&
    fn !== undefined &&
    sub === "concurrency"
  ) {
    if (method === "PUT") {
      const body = await readJson<{ ReservedConcurrentExecutions?: unknown }>(req);
      const reserved = service.putFunctionConcurrency(fn, body.ReservedConcurrentExecutions);
      return sendJson(res, 200, { ReservedConcurrentExecutions: reserved });
    }
    if (method === "DELETE") {
      service.deleteFunctionConcurrency(fn);
      return sendJson(res, 204, undefined);
    }
  }
  if (
    apiVersion === "2019-09-30" &&
    collection === "functions" &&
    fn !== undefined &&
    sub === "concurrency"
  ) {
    const record = service.getRecord(fn);
    const body =
      record.reservedConcurrency === undefined
        ? {}
        : { ReservedConcurrentExecutions: record.reservedConcurrency };
    return sendJson(res, 200, body);
  }
  if (apiVersion === "2017-03-31" && collection === "tags" && fn !== undefined && method === "GET") {
    return sendJson(res, 200, { Tags: { ...service.getRecord(fn).tags } });
  }
  throw new UnsupportedOperationError(`${method} ${url.pathname}`);
}

async function invoke(
  service: LambdaService,
  fn: string,
  qualifier: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const invocationType = (header(req, "x-amz-invocation-type") ?? "RequestResponse") as
    | "RequestResponse"
    | "Event"
    | "DryRun";
  if (!["RequestResponse", "Event", "DryRun"].includes(invocationType)) {
    throw new LambdaApiError(
      "InvalidParameterValueException",
      `InvocationType ${invocationType} is invalid: use RequestResponse, Event or DryRun.`,
      { statusCode: 400 },
    );
  }
  const payload = await readBody(req);
  if (invocationType === "RequestResponse" && payload.length > MAX_SYNC_PAYLOAD) {
    throw new RequestTooLargeError(
      `Request must be smaller than ${MAX_SYNC_PAYLOAD} bytes for the InvokeFunction operation`,
    );
  }
  const rawContext = header(req, "x-amz-client-context");
  let clientContext: unknown;
  if (rawContext) {
    try {
      clientContext = JSON.parse(Buffer.from(rawContext, "base64").toString("utf8"));
    } catch {
      clientContext = undefined;
    }
  }
  const result = await service.invoke({
    functionName: fn,
    qualifier,
    invocationType,
    logType: header(req, "x-amz-log-type") === "Tail" ? "Tail" : "None",
    payload,
    clientContext,
  });
  const headers: Record<string, string | number> = {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(result.payload),
    "x-amzn-requestid": crypto.randomUUID(),
    "x-amz-executed-version": result.executedVersion,
  };
  if (result.functionError) headers["x-amz-function-error"] = result.functionError;
  if (result.logResult) headers["x-amz-log-result"] = result.logResult;
  if (result.emulation) headers["x-powertune-emulation"] = result.emulation;
  res.writeHead(result.statusCode, headers);
  res.end(result.payload);
}
