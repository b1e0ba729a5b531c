// Lambda's REST API paths (those @aws-sdk/client-lambda sends), each routed to the service call it names.

import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson, sendText } from "../shared/http.js";
import { requestCredentialScope } from "../shared/sigv4.js";
import { zipDirectory } from "./code-store.js";
import {
  LambdaApiError,
  RequestTooLargeError,
  ResourceNotFoundError,
  UnsupportedOperationError,
} from "./errors.js";
import { type InvokeCompleteEvent, invokeCompleteFrame, payloadChunkFrame } from "./event-stream.js";
import type { StreamedChunk } from "./invoker.js";
import type { LambdaService } from "./service.js";
import type { InvokeInput } from "./types.js";

const MAX_BODY_BYTES = 70 * 1024 * 1024; // a 50 MB zip, base64-encoded, with room for the JSON around it
const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;

interface ApiCall {
  service: LambdaService;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The function's name or ARN from the path; empty on the routes of the collection itself. */
  fn: string;
  /** The alias name on `/aliases/{name}`. */
  alias: string;
  qualifier: string | undefined;
}

type Handler = (call: ApiCall) => Promise<void>;

/** A call answered with `status` and the JSON of what `produce` returns (nothing: an empty body). */
function json(status: number, produce: (call: ApiCall) => unknown): Handler {
  return async (call) => sendJson(call.res, status, await produce(call));
}

/** `<method> <route>`; a method of `*` answers any method. */
const ROUTES = new Map<string, Handler>([
  ["POST 2015-03-31/functions", json(201, async (c) => c.service.createFunction(await readJson(c.req)))],
  ["GET 2015-03-31/functions", json(200, listFunctions)],
  ["GET 2015-03-31/functions/{fn}", json(200, getFunction)],
  // Where GetFunction's Code.Location points: the zipped code, as Lambda's presigned S3 URL serves it.
  ["GET 2015-03-31/functions/{fn}/code", downloadCode],
  ["DELETE 2015-03-31/functions/{fn}", json(204, (c) => c.service.deleteFunction(c.fn, c.qualifier))],
  ["POST 2015-03-31/functions/{fn}/invocations", invoke],
  ["POST 2021-11-15/functions/{fn}/response-streaming-invocations", invokeWithResponseStream],
  ["GET 2021-10-31/functions/{fn}/url", getFunctionUrlConfig],
  ["GET 2015-03-31/functions/{fn}/configuration", json(200, getFunctionConfiguration)],
  [
    "PUT 2015-03-31/functions/{fn}/configuration",
    json(200, async (c) => c.service.updateFunctionConfiguration(c.fn, await readJson(c.req))),
  ],
  [
    "PUT 2015-03-31/functions/{fn}/code",
    json(200, async (c) => c.service.updateFunctionCode(c.fn, await readJson(c.req))),
  ],
  [
    "POST 2015-03-31/functions/{fn}/versions",
    json(201, async (c) => c.service.publishVersion(c.fn, await readJson(c.req))),
  ],
  ["GET 2015-03-31/functions/{fn}/versions", json(200, (c) => ({ Versions: c.service.listVersions(c.fn) }))],
  [
    "POST 2015-03-31/functions/{fn}/aliases",
    json(201, async (c) => c.service.createAlias(c.fn, await readJson(c.req))),
  ],
  ["GET 2015-03-31/functions/{fn}/aliases", json(200, listAliases)],
  ["GET 2015-03-31/functions/{fn}/aliases/{name}", json(200, (c) => c.service.getAlias(c.fn, c.alias))],
  [
    "PUT 2015-03-31/functions/{fn}/aliases/{name}",
    json(200, async (c) => c.service.updateAlias(c.fn, c.alias, await readJson(c.req))),
  ],
  ["DELETE 2015-03-31/functions/{fn}/aliases/{name}", json(204, (c) => c.service.deleteAlias(c.fn, c.alias))],
  ["PUT 2017-10-31/functions/{fn}/concurrency", json(200, putFunctionConcurrency)],
  [
    "DELETE 2017-10-31/functions/{fn}/concurrency",
    json(204, (c) => c.service.deleteFunctionConcurrency(c.fn)),
  ],
  ["* 2019-09-30/functions/{fn}/concurrency", json(200, getFunctionConcurrency)],
  ["GET 2017-03-31/tags/{fn}", json(200, (c) => ({ Tags: { ...c.service.getRecord(c.fn).tags } }))],
  [
    "POST 2017-03-31/tags/{fn}",
    json(204, async (c) =>
      c.service.tagResource(c.fn, (await readJson<{ Tags?: unknown }>(c.req)).Tags ?? {}),
    ),
  ],
  [
    "DELETE 2017-03-31/tags/{fn}",
    json(204, (c) => c.service.untagResource(c.fn, c.url.searchParams.getAll("tagKeys"))),
  ],
]);

export async function routeLambdaApi(
  service: LambdaService,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const method = req.method ?? "GET";
  const key = routeKey(parts);
  const handler = ROUTES.get(`${method} ${key}`) ?? ROUTES.get(`* ${key}`);
  if (!handler) throw new UnsupportedOperationError(`${method} ${url.pathname}`);
  const qualifier = url.searchParams.get("Qualifier") ?? undefined;
  await handler({ service, req, res, url, fn: parts[2] ?? "", alias: parts[4] ?? "", qualifier });
}

/**
 * The route of `/<api version>/<collection>/<function>/<sub-resource>/<name>`. Segments after those a route
 * names do not change it: only `/aliases` has a named sub-resource, and a tags path ends at the ARN.
 */
function routeKey([apiVersion, collection, fn, sub, subName]: string[]): string {
  const base = `${apiVersion}/${collection}`;
  if (fn === undefined) return base;
  if (collection === "tags" || sub === undefined) return `${base}/{fn}`;
  if (sub === "aliases" && subName !== undefined) return `${base}/{fn}/aliases/{name}`;
  return `${base}/{fn}/${sub}`;
}

function readLimitedBody(req: IncomingMessage): Promise<Buffer> {
  return readBody(req, {
    maxBytes: MAX_BODY_BYTES,
    tooLarge: () =>
      new RequestTooLargeError(
        "Request must be smaller than 70167211 bytes for the CreateFunction operation",
      ),
  });
}

async function readJson<T>(req: IncomingMessage): Promise<T> {
  const body = await readLimitedBody(req);
  if (body.length === 0) return {} as T;
  try {
    return JSON.parse(body.toString("utf8")) as T;
  } catch (error) {
    throw new LambdaApiError("InvalidRequestContentException", "Could not parse request body into json.", {
      statusCode: 400,
      cause: error,
    });
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function listFunctions({ service }: ApiCall): unknown {
  return { Functions: [...service.functions.values()].map((r) => structuredClone(r.latest.config)) };
}

/**
 * Lambda's Code.Location is a presigned URL any HTTP client may GET. Here it is this service's own code route,
 * presigned with the caller's credential scope, so the edge routes it here and the same account answers.
 */
function codeLocation({ req, fn, qualifier }: ApiCall, name: string): string {
  const scope = requestCredentialScope(req);
  const host = header(req, "host") ?? "127.0.0.1";
  const query = new URLSearchParams({
    ...(qualifier ? { Qualifier: qualifier } : {}),
    "X-Amz-Credential": `${scope?.accessKeyId ?? "local"}/${scope?.date ?? "20250101"}/${scope?.region ?? "us-east-1"}/lambda/aws4_request`,
  });
  return `http://${host}/2015-03-31/functions/${encodeURIComponent(name || fn)}/code?${query}`;
}

async function downloadCode({ service, res, fn, qualifier }: ApiCall): Promise<void> {
  const { snapshot } = service.resolve(fn, qualifier);
  const zip = zipDirectory(snapshot.codeDir);
  res.writeHead(200, { "content-type": "application/zip", "content-length": zip.byteLength });
  res.end(zip);
}

function getFunction(call: ApiCall): unknown {
  const { service, fn, qualifier } = call;
  const { record, snapshot } = service.resolve(fn, qualifier);
  const body: Record<string, unknown> = {
    Configuration: structuredClone(snapshot.config),
    Code: { RepositoryType: "S3", Location: codeLocation(call, snapshot.config.FunctionName) },
    Tags: { ...record.tags },
  };
  if (record.reservedConcurrency !== undefined) {
    body.Concurrency = { ReservedConcurrentExecutions: record.reservedConcurrency };
  }
  return body;
}

function getFunctionConfiguration({ service, fn, qualifier }: ApiCall): unknown {
  return structuredClone(service.resolve(fn, qualifier).snapshot.config);
}

function listAliases({ service, url, fn }: ApiCall): unknown {
  const version = url.searchParams.get("FunctionVersion") ?? undefined;
  return { Aliases: service.listAliases(fn, version) };
}

async function putFunctionConcurrency({ service, req, fn }: ApiCall): Promise<unknown> {
  const body = await readJson<{ ReservedConcurrentExecutions?: unknown }>(req);
  return {
    ReservedConcurrentExecutions: service.putFunctionConcurrency(fn, body.ReservedConcurrentExecutions),
  };
}

function getFunctionConcurrency({ service, fn }: ApiCall): unknown {
  const { reservedConcurrency } = service.getRecord(fn);
  return reservedConcurrency === undefined ? {} : { ReservedConcurrentExecutions: reservedConcurrency };
}

async function invoke({ service, req, res, fn, qualifier }: ApiCall): Promise<void> {
  const invocationType = readInvocationType(req);
  const payload = await readLimitedBody(req);
  if (invocationType === "RequestResponse" && payload.length > MAX_SYNC_PAYLOAD) {
    throw new RequestTooLargeError(
      `Request must be smaller than ${MAX_SYNC_PAYLOAD} bytes for the InvokeFunction operation`,
    );
  }
  const result = await service.invoke({
    functionName: fn,
    qualifier,
    invocationType,
    logType: header(req, "x-amz-log-type") === "Tail" ? "Tail" : "None",
    payload,
    clientContext: readClientContext(req),
  });
  const headers: Record<string, string> = { "x-amz-executed-version": result.executedVersion };
  if (result.functionError) headers["x-amz-function-error"] = result.functionError;
  if (result.logResult) headers["x-amz-log-result"] = result.logResult;
  if (result.emulation) headers["x-powertune-emulation"] = result.emulation;
  // Invoke of a streaming handler returns what it wrote, with the content type it set.
  const contentType = result.streamed && !result.functionError ? result.contentType : undefined;
  sendText(res, result.statusCode, result.payload, headers, contentType);
}

/**
 * InvokeWithResponseStream: a 200 whose body is event-stream frames, one PayloadChunk per write of a streaming
 * handler as it happens (a buffered handler's result is one chunk), then InvokeComplete. The headers go out
 * with the first chunk, so an error before the function runs (throttling, a missing function) is still an
 * ordinary error answer; a failure once the stream began ends it with InvokeComplete's ErrorCode.
 */
async function invokeWithResponseStream({ service, req, res, fn, qualifier }: ApiCall): Promise<void> {
  const invocationType = header(req, "x-amz-invocation-type") ?? "RequestResponse";
  if (invocationType !== "RequestResponse" && invocationType !== "DryRun") {
    throw new LambdaApiError(
      "InvalidParameterValueException",
      `InvocationType ${invocationType} is invalid for InvokeWithResponseStream: use RequestResponse or DryRun.`,
      { statusCode: 400 },
    );
  }
  const payload = await readLimitedBody(req);
  if (payload.length > MAX_SYNC_PAYLOAD) {
    throw new RequestTooLargeError(
      `Request must be smaller than ${MAX_SYNC_PAYLOAD} bytes for the InvokeWithResponseStream operation`,
    );
  }
  const begin = (executedVersion: string, contentType: string, emulation: string | undefined) => {
    if (res.headersSent) return;
    res.writeHead(200, {
      // The SDK reads the function's content type (ResponseStreamContentType) from Content-Type; the body
      // is event-stream frames whatever it says.
      "content-type": contentType,
      "x-amz-executed-version": executedVersion,
      "x-amzn-requestid": crypto.randomUUID(),
      ...(emulation ? { "x-powertune-emulation": emulation } : {}),
    });
  };
  const emulation = service.emulation;
  const onChunk = (chunk: StreamedChunk) => {
    begin(chunk.executedVersion, chunk.contentType, emulation);
    res.write(payloadChunkFrame(chunk.data));
  };
  let result: Awaited<ReturnType<LambdaService["invokeWithResponseStream"]>>;
  try {
    result = await service.invokeWithResponseStream(
      {
        functionName: fn,
        qualifier,
        invocationType,
        logType: header(req, "x-amz-log-type") === "Tail" ? "Tail" : "None",
        payload,
        clientContext: readClientContext(req),
      },
      onChunk,
    );
  } catch (error) {
    if (!res.headersSent) throw error;
    const message = (error as Error)?.message ?? String(error);
    res.end(
      invokeCompleteFrame({
        ErrorCode: (error as LambdaApiError).code ?? "ServiceException",
        ErrorDetails: message,
      }),
    );
    return;
  }
  if (result.statusCode === 204) {
    sendText(res, 204, "", { "x-amz-executed-version": result.executedVersion });
    return;
  }
  begin(result.executedVersion, result.contentType ?? "application/octet-stream", result.emulation);
  // A handler that does not stream answers with its whole result as one chunk, as Lambda does.
  if (!result.streamed && !result.error && result.payload.length > 0) {
    res.write(payloadChunkFrame(Buffer.from(result.payload)));
  }
  const complete: InvokeCompleteEvent = {};
  if (result.error) {
    complete.ErrorCode = result.error.errorType;
    complete.ErrorDetails = result.error.errorMessage;
  }
  if (result.logResult) complete.LogResult = result.logResult;
  res.end(invokeCompleteFrame(complete));
}

/** Function URLs are not served locally, so no function has one: GetFunctionUrlConfig answers as Lambda does then. */
async function getFunctionUrlConfig({ service, fn, qualifier }: ApiCall): Promise<void> {
  service.resolve(fn, qualifier);
  throw new ResourceNotFoundError("The resource you requested does not exist.");
}

function readInvocationType(req: IncomingMessage): InvokeInput["invocationType"] {
  const invocationType = header(req, "x-amz-invocation-type") ?? "RequestResponse";
  if (invocationType !== "RequestResponse" && invocationType !== "Event" && invocationType !== "DryRun") {
    throw new LambdaApiError(
      "InvalidParameterValueException",
      `InvocationType ${invocationType} is invalid: use RequestResponse, Event or DryRun.`,
      { statusCode: 400 },
    );
  }
  return invocationType;
}

/** The base64 JSON of `X-Amz-Client-Context`; one that does not decode is dropped, not refused. */
function readClientContext(req: IncomingMessage): unknown {
  const raw = header(req, "x-amz-client-context");
  if (!raw) return undefined;
  try {
    return JSON.parse(Buffer.from(raw, "base64").toString("utf8"));
  } catch {
    return undefined;
  }
}
