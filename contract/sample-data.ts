// Sample items for the CRUD table and the weighted, read-heavy payload the weekly tuning sends to the crud
// function. Plain data: the tuner stack puts the payload in its weekly rule, the demo seeds the items, the
// benchmark and the tests send the same events.

/** An item the demo seeds through `PUT /items/{id}` before tuning. */
export interface SampleItem {
  id: string;
  name: string;
  /** USD */
  price: number;
  tags: string[];
}

/** One entry of a weighted payload list (the tuner's input format). */
export interface WeightedPayload {
  payload: ApiGatewayProxyEvent;
  weight: number;
}

/** The subset of an API Gateway REST (payload v1) proxy event that the crud function reads, plus the usual rest. */
export interface ApiGatewayProxyEvent {
  resource: string;
  path: string;
  httpMethod: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
  pathParameters: Record<string, string> | null;
  stageVariables: null;
  requestContext: {
    resourcePath: string;
    httpMethod: string;
    path: string;
    stage: string;
    requestId: string;
  };
  body: string | null;
  isBase64Encoded: false;
}

/** How many items the demo seeds: every id the tuning payload reads is among them. */
export const SAMPLE_ITEM_COUNT = 25;

/** The stage name in the events' requestContext (only used by the crud function for Location headers). */
const STAGE = "dev";

/** `sample-001`, `sample-002`, …: stable ids, so seeding again overwrites rather than adds. */
export const sampleId = (index: number) => `sample-${String(index).padStart(3, "0")}`;

/** `count` sample items with ids `sample-001` … and small, varied attributes. */
export function sampleItems(count: number): SampleItem[] {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`count is ${count}: give a whole number of items, 0 or more`);
  }
  return Array.from({ length: count }, (_, i) => ({
    id: sampleId(i + 1),
    name: `Sample item ${i + 1}`,
    // Prices between 5 and 99 USD that vary from item to item without randomness.
    price: 5 + ((i * 37) % 95),
    tags: ["sample", i % 2 === 0 ? "even" : "odd"],
  }));
}

function proxyEvent(
  method: string,
  resource: string,
  options: {
    path?: string;
    pathParameters?: Record<string, string>;
    query?: Record<string, string>;
    body?: unknown;
  } = {},
): ApiGatewayProxyEvent {
  const path = options.path ?? resource;
  const headers: Record<string, string> = {
    Accept: "application/json",
    ...(options.body !== undefined && { "Content-Type": "application/json" }),
  };
  const query = options.query ?? null;
  return {
    resource,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: query,
    multiValueQueryStringParameters: query
      ? Object.fromEntries(Object.entries(query).map(([name, value]) => [name, [value]]))
      : null,
    pathParameters: options.pathParameters ?? null,
    stageVariables: null,
    requestContext: {
      resourcePath: resource,
      httpMethod: method,
      path: `/${STAGE}${path}`,
      stage: STAGE,
      requestId: "powertune-tuning",
    },
    body: options.body === undefined ? null : JSON.stringify(options.body),
    isBase64Encoded: false,
  };
}

/** A dispatcher `ping`: the crud handler's own work with no DynamoDB call, to compare a tuning's reads with. */
export function crudPingPayload(tableName: string): ApiGatewayProxyEvent {
  return proxyEvent("POST", "/DynamoDBManager", { body: { operation: "ping", tableName, payload: {} } });
}

/** Ids the tuning reads one by one: spread over the seeded items (1, 4, 7, …, 25). */
export const TUNING_READ_IDS = Array.from({ length: 9 }, (_, i) => sampleId(1 + 3 * i));

/**
 * The weekly tuning's payload for the crud function: API Gateway REST proxy events, read-heavy like a
 * catalogue's traffic. Weights total 50, so at the weekly num of 50 each entry is sent weight times:
 * 36 × `GET /items/{id}` (9 ids × 4), 8 × `GET /items?limit=10`, 3 × dispatcher `read`, 3 × dispatcher
 * `list`. Every weight stays ≥ 1/50 of the total, which is what the tuner requires at num 50; at a
 * smaller num the dispatcher entries get no invocation and the initializer refuses the input.
 *
 * @param tableName the CRUD table's name (the dispatcher protocol names the table it addresses)
 */
export function crudTuningPayload(tableName: string): WeightedPayload[] {
  const getById = TUNING_READ_IDS.map((id) => ({
    payload: proxyEvent("GET", "/items/{id}", { path: `/items/${id}`, pathParameters: { id } }),
    weight: 4,
  }));
  return [
    ...getById,
    { payload: proxyEvent("GET", "/items", { query: { limit: "10" } }), weight: 8 },
    {
      payload: proxyEvent("POST", "/DynamoDBManager", {
        body: { operation: "read", tableName, payload: { Key: { id: sampleId(2) } } },
      }),
      weight: 3,
    },
    {
      payload: proxyEvent("POST", "/DynamoDBManager", {
        body: { operation: "list", tableName, payload: { Limit: 10 } },
      }),
      weight: 3,
    },
  ];
}
