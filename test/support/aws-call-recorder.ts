// A loopback proxy in front of a local cloud that records the AWS actions passing through it, by their IAM
// names (`states:StartExecution`, `lambda:GetFunctionConfiguration`), so a test can hold what a command calls
// against what a role allows. Only SigV4-signed requests are AWS calls: the local cloud's own routes
// (outputs, invocation counts) and the API's URLs pass through unrecorded.
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { parseCredentialScope } from "../../local/shared/sigv4.js";

export interface AwsCallRecorder {
  /** Give commands this as their `--endpoint`. */
  endpoint: string;
  /** The actions recorded since the last reset, each once, sorted. */
  actions(): string[];
  reset(): void;
  close(): Promise<void>;
}

// Lambda's REST paths (the ones @aws-sdk/client-lambda sends) → its IAM actions. An unknown path is recorded
// as itself, so a test comparing against a role's actions fails on it rather than overlooking it.
const LAMBDA_ROUTES: [method: string, path: RegExp, action: string][] = [
  ["GET", /^\/2015-03-31\/functions\/[^/]+\/configuration$/, "GetFunctionConfiguration"],
  ["PUT", /^\/2015-03-31\/functions\/[^/]+\/configuration$/, "UpdateFunctionConfiguration"],
  ["GET", /^\/2015-03-31\/functions\/[^/]+$/, "GetFunction"],
  ["POST", /^\/2015-03-31\/functions\/[^/]+\/invocations$/, "InvokeFunction"],
  ["POST", /^\/2015-03-31\/functions\/[^/]+\/versions$/, "PublishVersion"],
  ["GET", /^\/2015-03-31\/functions\/[^/]+\/versions$/, "ListVersionsByFunction"],
  ["POST", /^\/2015-03-31\/functions\/[^/]+\/aliases$/, "CreateAlias"],
  ["GET", /^\/2015-03-31\/functions\/[^/]+\/aliases$/, "ListAliases"],
  ["GET", /^\/2015-03-31\/functions\/[^/]+\/aliases\/[^/]+$/, "GetAlias"],
  ["PUT", /^\/2015-03-31\/functions\/[^/]+\/aliases\/[^/]+$/, "UpdateAlias"],
];

/** The IAM action of one signed request, or undefined for an unsigned one. */
export function awsActionOf(
  method: string,
  url: string,
  headers: Record<string, unknown>,
): string | undefined {
  const authorization = headers.authorization;
  const scope = parseCredentialScope(typeof authorization === "string" ? authorization : undefined);
  if (!scope) return undefined;
  const target = headers["x-amz-target"];
  if (typeof target === "string") return `${scope.service}:${target.split(".").at(-1)}`;
  const path = new URL(url, "http://localhost").pathname;
  if (scope.service === "lambda") {
    const route = LAMBDA_ROUTES.find(([m, pattern]) => m === method && pattern.test(path));
    return `lambda:${route?.[2] ?? `${method} ${path}`}`;
  }
  return `${scope.service}:${method} ${path}`;
}

export async function startAwsCallRecorder(target: string): Promise<AwsCallRecorder> {
  const upstream = new URL(target);
  const seen = new Set<string>();
  const server = createServer((req, res) => {
    const action = awsActionOf(req.method ?? "GET", req.url ?? "/", req.headers);
    if (action) seen.add(action);
    const forwarded = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on("error", (error) => {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`the recorder could not reach ${target}: ${error.message}`);
    });
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    actions: () => [...seen].sort(),
    reset: () => seen.clear(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
