// What a load test sends: the seeds' default requests, or a `--request FILE` with one request or a weighted list.
import { readFile } from "node:fs/promises";
import type autocannon from "autocannon";
import { TUNING_READ_IDS } from "../../contract/index.js";
import { UsageError } from "../usage-error.js";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;
type Method = (typeof METHODS)[number];

/** One request, its path relative to the API URL (`items/sample-001`, `DynamoDBManager`). */
export interface LoadRequest {
  method: Method;
  path: string;
  headers?: Record<string, string>;
  /** JSON (sent as such) or text; `{{table}}` in it, or in the path, becomes the CRUD table's name. */
  body?: unknown;
}

export interface WeightedRequest {
  request: LoadRequest;
  /** How often it is sent relative to the others: a whole number ≥ 1. */
  weight: number;
}

/** Expanded request lists stay short enough for autocannon to cycle through per connection. */
export const MAX_EXPANDED_REQUESTS = 1000;

/**
 * The default: the seeds' `list` request through the dispatcher (their exact body: an empty payload), then
 * `GET /items/{id}` of the seeded items the weekly tuning reads, each once per cycle.
 */
export function defaultRequests(): WeightedRequest[] {
  return [
    {
      request: {
        method: "POST",
        path: "DynamoDBManager",
        body: { operation: "list", tableName: "{{table}}", payload: {} },
      },
      weight: 1,
    },
    ...TUNING_READ_IDS.map((id) => ({ request: { method: "GET" as const, path: `items/${id}` }, weight: 1 })),
  ];
}

export const DEFAULT_REQUESTS_DESCRIPTION = `the seeds' list request (POST /DynamoDBManager), then GET /items/{id} of ${TUNING_READ_IDS.length} seeded items`;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkRequest(value: unknown, where: string): LoadRequest {
  if (!isObject(value))
    throw new Error(`${where} is not an object: give {"method", "path", "headers"?, "body"?}`);
  const unknown = Object.keys(value).filter((key) => !["method", "path", "headers", "body"].includes(key));
  if (unknown.length > 0)
    throw new Error(`${where} has ${unknown.join(", ")}: allowed are method, path, headers, body`);
  const method = typeof value.method === "string" ? value.method.toUpperCase() : value.method;
  if (!METHODS.includes(method as Method)) {
    throw new Error(`${where}.method is ${JSON.stringify(value.method)}: give one of ${METHODS.join(", ")}`);
  }
  if (typeof value.path !== "string") {
    throw new Error(`${where}.path is missing: give a path relative to the API URL, e.g. "items/sample-001"`);
  }
  if (/^[a-z]+:\/\//i.test(value.path)) {
    throw new Error(
      `${where}.path is a full URL: give a path relative to the API URL (the API is --api or the deployed one)`,
    );
  }
  if (value.headers !== undefined) {
    if (!isObject(value.headers) || Object.values(value.headers).some((v) => typeof v !== "string")) {
      throw new Error(`${where}.headers must map header names to strings`);
    }
  }
  return {
    method: method as Method,
    path: value.path,
    ...(value.headers !== undefined && { headers: value.headers as Record<string, string> }),
    ...(value.body !== undefined && { body: value.body }),
  };
}

/** A parsed `--request` file: one request object, or a list of `{"request", "weight"}`. */
export function parseRequestFile(value: unknown): WeightedRequest[] {
  if (!Array.isArray(value)) return [{ request: checkRequest(value, "the request"), weight: 1 }];
  if (value.length === 0) throw new Error('the list is empty: give at least one {"request", "weight"}');
  return value.map((entry, i) => {
    if (!isObject(entry) || entry.request === undefined) {
      throw new Error(`[${i}] is not {"request": {...}, "weight": N}`);
    }
    const weight = entry.weight ?? 1;
    if (typeof weight !== "number" || !Number.isInteger(weight) || weight < 1) {
      throw new Error(`[${i}].weight is ${JSON.stringify(entry.weight)}: give a whole number ≥ 1`);
    }
    return { request: checkRequest(entry.request, `[${i}].request`), weight };
  });
}

export async function readRequestFile(file: string): Promise<WeightedRequest[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--request ${file}: ${code === "ENOENT" ? "no such file" : String(error)}`);
  }
  try {
    return parseRequestFile(JSON.parse(text.replace(/^\uFEFF/, "")));
  } catch (error) {
    throw new UsageError(`--request ${file}: ${(error as Error).message}`);
  }
}

/**
 * Weights as an order autocannon cycles through, interleaved rather than in runs (smooth weighted round
 * robin: weights 3 and 1 give a a b a, not a a a b), so every stretch of the load has the same mix.
 */
export function expandWeights<T>(entries: readonly { weight: number; item: T }[]): T[] {
  const total = entries.reduce((sum, e) => sum + e.weight, 0);
  if (total > MAX_EXPANDED_REQUESTS) {
    throw new Error(`the weights add up to ${total}: keep them at most ${MAX_EXPANDED_REQUESTS} in all`);
  }
  const current = entries.map(() => 0);
  const order: T[] = [];
  for (let n = 0; n < total; n++) {
    let best = 0;
    entries.forEach((entry, i) => {
      current[i] = (current[i] ?? 0) + entry.weight;
      if ((current[i] ?? 0) > (current[best] ?? 0)) best = i;
    });
    current[best] = (current[best] ?? 0) - total;
    const chosen = entries[best];
    if (chosen) order.push(chosen.item);
  }
  return order;
}

function fillTable(text: string, table: string): string {
  return text.replaceAll("{{table}}", table);
}

/** The requests as autocannon sends them: absolute paths under the API URL, bodies as text. */
export function toAutocannonRequests(
  weighted: readonly WeightedRequest[],
  apiUrl: string,
  table: string,
): autocannon.Request[] {
  const base = new URL(apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/`);
  const expanded = expandWeights(weighted.map((w) => ({ weight: w.weight, item: w.request })));
  return expanded.map((request) => {
    const url = new URL(fillTable(request.path.replace(/^\/+/, ""), table), base);
    const body =
      request.body === undefined
        ? undefined
        : fillTable(typeof request.body === "string" ? request.body : JSON.stringify(request.body), table);
    const headers: Record<string, string> = {
      ...(body !== undefined && typeof request.body !== "string" && { "content-type": "application/json" }),
      ...request.headers,
    };
    return {
      method: request.method,
      path: `${url.pathname}${url.search}`,
      ...(Object.keys(headers).length > 0 && { headers }),
      ...(body !== undefined && { body }),
    };
  });
}
