// The edge: one loopback port for every local service, routed like AWS's own endpoints are told apart —
// by the SigV4 credential scope's service name — plus API Gateway's path-based URLs.
import type { IncomingMessage, ServerResponse } from "node:http";
import { listenOnLoopback, sendAwsJsonError } from "../shared/http.js";
import { requestCredentialScope, serviceFromTarget } from "../shared/sigv4.js";
import type { LocalService } from "../shared/types.js";

export const DEFAULT_EDGE_PORT = 4566;

/** Signing names the edge knows; CloudWatch signs as `monitoring`, `cloudwatch` is accepted as an alias. */
export type ServiceName = "lambda" | "dynamodb" | "states" | "monitoring" | "events" | "s3" | "sts";

const ALIASES: Record<string, ServiceName> = { cloudwatch: "monitoring" };

export interface EdgeOptions {
  services: Partial<Record<ServiceName, LocalService>>;
  /** Serves `/restapis/<apiId>/<stage>/_user_request_/<path>` (no signature needed, like API Gateway's URLs). */
  apiGateway?: LocalService;
}

export interface Edge extends LocalService {
  /** Mounts (or replaces) a service after start, e.g. once the deployer has built it. */
  mount(name: ServiceName, service: LocalService): void;
  mountApiGateway(service: LocalService): void;
  /** Starts listening on 127.0.0.1. @default port 4566 */
  listen(port?: number): Promise<{ url: string; port: number }>;
}

export const API_GATEWAY_PATH_PREFIX = "/restapis/";

/** Which mounted service a request is for; `undefined` with the name it asked for when none is mounted. */
export function routeRequest(
  req: IncomingMessage,
): { kind: "apigateway" } | { kind: "service"; name: string } {
  const path = req.url ?? "/";
  if (path.startsWith(API_GATEWAY_PATH_PREFIX) && path.includes("/_user_request_")) {
    return { kind: "apigateway" };
  }
  const scope = requestCredentialScope(req);
  const name = scope?.service ?? serviceFromTarget(req.headers["x-amz-target"]) ?? "";
  return { kind: "service", name: ALIASES[name] ?? name };
}

export function createEdge(options: EdgeOptions): Edge {
  const services = new Map<string, LocalService>(Object.entries(options.services));
  let apiGateway = options.apiGateway;
  let server: { close(): Promise<void> } | undefined;

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const route = routeRequest(req);
    if (route.kind === "apigateway") {
      if (apiGateway === undefined) {
        sendAwsJsonError(res, 404, "NotFoundException", "No API is deployed on this local cloud yet");
        return;
      }
      apiGateway.handle(req, res);
      return;
    }
    const service = services.get(route.name);
    if (service === undefined) {
      req.resume();
      const known = [...services.keys()].sort().join(", ");
      const asked =
        route.name === "" ? "no service (no SigV4 Authorization header or X-Amz-Target)" : route.name;
      sendAwsJsonError(
        res,
        400,
        "UnknownServiceException",
        `This local cloud does not serve ${JSON.stringify(asked)}; it serves: ${known}. ` +
          "Sign requests with a credential scope naming one of them (any AWS SDK does).",
      );
      return;
    }
    service.handle(req, res);
  }

  return {
    handle,
    mount(name, service) {
      services.set(name, service);
    },
    mountApiGateway(service) {
      apiGateway = service;
    },
    async listen(port = DEFAULT_EDGE_PORT) {
      const started = await listenOnLoopback(handle, port);
      server = started;
      return { url: started.url, port: started.port };
    },
    async close() {
      await server?.close();
      const all = [...services.values(), ...(apiGateway ? [apiGateway] : [])];
      await Promise.all(all.map((service) => service.close()));
    },
  };
}
