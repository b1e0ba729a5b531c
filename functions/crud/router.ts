// The pure core's entry: one HTTP request in, one plan out. No AWS imports.
import type { CrudConfig } from "./config.js";
import { planDispatch } from "./dispatcher.js";
import { CrudRequestError } from "./errors.js";
import { errorResponse, type HttpRequest, responseForRequestError } from "./http.js";
import { planItems } from "./items.js";
import { type Plan, respond } from "./plan.js";

export function planRequest(request: HttpRequest, config: CrudConfig, newId: () => string): Plan {
  try {
    if (request.resource === "/DynamoDBManager") {
      if (request.method !== "POST") {
        throw new CrudRequestError(
          405,
          "METHOD_NOT_ALLOWED",
          `${request.method} is not supported here: use POST`,
          {
            allow: "POST",
          },
        );
      }
      return planDispatch(request, config);
    }
    if (request.resource === "/items" || request.resource === "/items/{id}") {
      return planItems(request, config, newId);
    }
    return respond(
      errorResponse(
        404,
        "ROUTE_NOT_FOUND",
        `${request.method} ${request.path} is not a route of this API: use /DynamoDBManager, /items or /items/{id}`,
      ),
    );
  } catch (error) {
    if (error instanceof CrudRequestError) return respond(responseForRequestError(error));
    throw error;
  }
}
