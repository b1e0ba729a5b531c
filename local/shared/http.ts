// Small JSON-over-HTTP helpers shared by the local services.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { LocalServiceError } from "./errors.js";

export const AMZ_JSON_1_0 = "application/x-amz-json-1.0";

export interface BodyLimit {
  maxBytes: number;
  /** The error a larger body is refused with (the request is destroyed). */
  tooLarge: () => Error;
}

/** Reads a whole request body; with a limit, refuses one larger than `maxBytes` without reading on. */
export async function readBody(req: IncomingMessage, limit?: BodyLimit): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (limit && size > limit.maxBytes) {
      req.destroy();
      throw limit.tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Answers with a JSON body; `undefined` answers with an empty one (a 204, say). */
export function sendJson(
  res: ServerResponse,
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = "application/json",
): void {
  sendText(res, statusCode, body === undefined ? "" : JSON.stringify(body), headers, contentType);
}

/** Answers with a body that is already text (a function's JSON result, say) or bytes, sent as it is. */
export function sendText(
  res: ServerResponse,
  statusCode: number,
  text: string | Buffer,
  headers: Record<string, string> = {},
  contentType = "application/json",
): void {
  res.writeHead(statusCode, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": crypto.randomUUID(),
    ...headers,
  });
  res.end(text);
}

/**
 * An AWS JSON-protocol error: the SDK reads the code from `x-amzn-errortype` / `__type` and raises the
 * modelled exception class of that name.
 */
export function sendAwsJsonError(
  res: ServerResponse,
  statusCode: number,
  code: string,
  message: string,
  extraHeaders: Record<string, string> = {},
): void {
  sendJson(
    res,
    statusCode,
    { __type: code, message },
    { "x-amzn-errortype": code, ...extraHeaders },
    AMZ_JSON_1_0,
  );
}

/** Parses a JSON request body into an object, or throws the service's validation error naming the problem. */
export function parseJsonObject(body: Buffer, errorCode = "SerializationException"): Record<string, unknown> {
  const text = body.toString("utf8").trim();
  if (text === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new LocalServiceError(errorCode, `Request body is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new LocalServiceError(errorCode, "Request body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

export interface LoopbackServer {
  url: string;
  port: number;
  /** Drops open connections and stops listening; calling it again waits for the same close. */
  close(): Promise<void>;
}

/** Starts a standalone server for one service on 127.0.0.1 (port 0 = a random free port). */
export async function listenOnLoopback(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  port = 0,
): Promise<LoopbackServer> {
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === "object" && address !== null ? address.port : port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      });
      return closing;
    },
  };
}
