// Small JSON-over-HTTP helpers shared by the local services.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { LocalServiceError } from "./errors.js";

export const AMZ_JSON_1_0 = "application/x-amz-json-1.0";

/** Reads a whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = "application/json",
): void {
  const text = JSON.stringify(body);
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

/** Starts a standalone server for one service on 127.0.0.1 (port 0 = a random free port). */
export async function listenOnLoopback(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  port = 0,
): Promise<{ url: string; port: number; close(): Promise<void> }> {
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
