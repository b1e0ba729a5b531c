// Local CloudWatch metrics: PutMetricData, GetMetricData, ListMetrics on the protocol the installed
// @aws-sdk/client-cloudwatch speaks — AWS JSON 1.0 with `X-Amz-Target: GraniteServiceVersion20100801.<Op>`
// (query-compatible: errors also carry `x-amzn-query-error`). Bodies over 10 KB arrive gzip-compressed.
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { internalFailure, LocalServiceError } from "../shared/errors.js";
import { AMZ_JSON_1_0, parseJsonObject, readBody, sendAwsJsonError, sendJson } from "../shared/http.js";
import type { LocalService } from "../shared/types.js";
import {
  type Dimension,
  expandSamples,
  InvalidMetricParameterError,
  matchesFilter,
  metricKey,
  queryMetric,
  type StoredDatum,
  sortDimensions,
  summarize,
} from "./metrics.js";

export const CLOUDWATCH_TARGET_PREFIX = "GraniteServiceVersion20100801.";

export interface CloudWatchServiceOptions {
  /** Data points are appended to `<dataDir>/metrics.jsonl` and reloaded at start; omitted = memory only. */
  dataDir?: string;
}

export interface CloudWatchService extends LocalService {
  /** Every stored data point (a copy), oldest first. */
  dataPoints(): StoredDatum[];
}

function invalid(message: string): LocalServiceError {
  return new LocalServiceError("InvalidParameterValue", message);
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== "string" || value === "")
    throw new LocalServiceError("MissingParameter", `${field} is required`);
  return value;
}

function parseTimestamp(value: unknown, field: string, fallbackMs?: number): number {
  if (value === undefined && fallbackMs !== undefined) return fallbackMs;
  // The JSON protocol sends epoch seconds; accept ISO strings too for hand-written requests.
  if (typeof value === "number") return value * 1000;
  if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  throw invalid(`${field} must be a timestamp (epoch seconds or ISO 8601)`);
}

function parseDimensions(value: unknown, field: string): Dimension[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(`${field} must be a list of {Name, Value}`);
  return sortDimensions(
    value.map((d, i) => {
      const entry = d as Record<string, unknown>;
      return {
        Name: requireString(entry.Name, `${field}[${i}].Name`),
        Value: requireString(entry.Value, `${field}[${i}].Value`),
      };
    }),
  );
}

function numberList(value: unknown, field: string): number[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "number"))
    throw invalid(`${field} must be numbers`);
  return value as number[];
}

export function createCloudWatchService(options: CloudWatchServiceOptions = {}): CloudWatchService {
  const data: StoredDatum[] = [];
  const journal = options.dataDir === undefined ? undefined : join(options.dataDir, "metrics.jsonl");
  if (journal !== undefined && options.dataDir !== undefined) {
    mkdirSync(options.dataDir, { recursive: true });
    try {
      for (const line of readFileSync(journal, "utf8").split("\n")) {
        if (line.trim() !== "") data.push(JSON.parse(line) as StoredDatum);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }

  function putMetricData(input: Record<string, unknown>): object {
    const namespace = requireString(input.Namespace, "Namespace");
    if (!Array.isArray(input.MetricData) || input.MetricData.length === 0) {
      throw new LocalServiceError("MissingParameter", "MetricData is required: give at least one data point");
    }
    const now = Date.now();
    const added: StoredDatum[] = input.MetricData.map((raw, i) => {
      const m = raw as Record<string, unknown>;
      const field = `MetricData[${i}]`;
      const base = {
        namespace,
        metricName: requireString(m.MetricName, `${field}.MetricName`),
        dimensions: parseDimensions(m.Dimensions, `${field}.Dimensions`),
        timestamp: parseTimestamp(m.Timestamp, `${field}.Timestamp`, now),
        ...(typeof m.Unit === "string" ? { unit: m.Unit } : {}),
      };
      const stats = m.StatisticValues as Record<string, number> | undefined;
      if (stats !== undefined) {
        return {
          ...base,
          sampleCount: Number(stats.SampleCount),
          sum: Number(stats.Sum),
          minimum: Number(stats.Minimum),
          maximum: Number(stats.Maximum),
        };
      }
      const value = m.Value === undefined ? undefined : Number(m.Value);
      const samples = expandSamples(
        value,
        numberList(m.Values, `${field}.Values`),
        numberList(m.Counts, `${field}.Counts`),
      );
      return { ...base, ...summarize(samples), values: samples };
    });
    data.push(...added);
    if (journal !== undefined) appendFileSync(journal, added.map((d) => `${JSON.stringify(d)}\n`).join(""));
    return {};
  }

  function getMetricData(input: Record<string, unknown>): object {
    const startMs = parseTimestamp(input.StartTime, "StartTime");
    const endMs = parseTimestamp(input.EndTime, "EndTime");
    if (!Array.isArray(input.MetricDataQueries) || input.MetricDataQueries.length === 0) {
      throw new LocalServiceError("MissingParameter", "MetricDataQueries is required");
    }
    const descending = input.ScanBy !== "TimestampAscending";
    const results = input.MetricDataQueries.map((raw, i) => {
      const q = raw as Record<string, unknown>;
      const field = `MetricDataQueries[${i}]`;
      const id = requireString(q.Id, `${field}.Id`);
      const stat = q.MetricStat as Record<string, unknown> | undefined;
      if (stat === undefined) {
        throw invalid(`${field}: only MetricStat queries are supported locally (Expression is not)`);
      }
      const metric = (stat.Metric ?? {}) as Record<string, unknown>;
      const metricName = requireString(metric.MetricName, `${field}.MetricStat.Metric.MetricName`);
      const points = queryMetric(
        data,
        {
          namespace: requireString(metric.Namespace, `${field}.MetricStat.Metric.Namespace`),
          metricName,
          dimensions: parseDimensions(metric.Dimensions, `${field}.MetricStat.Metric.Dimensions`),
          period: Number(stat.Period),
          stat: requireString(stat.Stat, `${field}.MetricStat.Stat`),
          ...(typeof stat.Unit === "string" ? { unit: stat.Unit } : {}),
        },
        startMs,
        endMs,
      );
      if (descending) points.reverse();
      return {
        Id: id,
        Label: typeof q.Label === "string" ? q.Label : metricName,
        Timestamps: points.map(([t]) => t / 1000),
        Values: points.map(([, v]) => v),
        StatusCode: "Complete",
        ReturnData: q.ReturnData ?? true,
      };
    });
    return {
      MetricDataResults: results.filter((r) => r.ReturnData !== false).map(({ ReturnData: _, ...r }) => r),
      Messages: [],
    };
  }

  function listMetrics(input: Record<string, unknown>): object {
    const filter = {
      ...(typeof input.Namespace === "string" ? { namespace: input.Namespace } : {}),
      ...(typeof input.MetricName === "string" ? { metricName: input.MetricName } : {}),
      ...(Array.isArray(input.Dimensions)
        ? { dimensions: input.Dimensions as Array<{ Name: string; Value?: string }> }
        : {}),
    };
    const seen = new Map<string, object>();
    for (const d of data) {
      if (!matchesFilter(d, filter)) continue;
      const key = metricKey(d.namespace, d.metricName, d.dimensions);
      if (!seen.has(key))
        seen.set(key, { Namespace: d.namespace, MetricName: d.metricName, Dimensions: d.dimensions });
    }
    return { Metrics: [...seen.values()] };
  }

  const operations: Record<string, (input: Record<string, unknown>) => object> = {
    PutMetricData: putMetricData,
    GetMetricData: getMetricData,
    ListMetrics: listMetrics,
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = String(req.headers["x-amz-target"] ?? "");
    const raw = await readBody(req);
    if (!target.startsWith(CLOUDWATCH_TARGET_PREFIX)) {
      throw new LocalServiceError(
        "InvalidAction",
        "This local CloudWatch speaks the AWS JSON 1.0 protocol (X-Amz-Target: GraniteServiceVersion20100801.<Operation>), " +
          "as current AWS SDKs do; the query protocol (Action=…) is not served",
      );
    }
    const operation = operations[target.slice(CLOUDWATCH_TARGET_PREFIX.length)];
    if (operation === undefined) {
      throw new LocalServiceError(
        "InvalidAction",
        `${target} is not emulated: use PutMetricData, GetMetricData or ListMetrics`,
      );
    }
    const body = req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw;
    sendJson(res, 200, operation(parseJsonObject(body)), {}, AMZ_JSON_1_0);
  }

  return {
    dataPoints: () => data.map((d) => ({ ...d })),
    handle(req, res) {
      serve(req, res).catch((error: unknown) => {
        const known =
          error instanceof InvalidMetricParameterError ? invalid(error.message) : internalFailure(error);
        const fault = known.statusCode >= 500 ? "Receiver" : "Sender";
        sendAwsJsonError(res, known.statusCode, known.code, known.message, {
          "x-amzn-query-error": `${known.code};${fault}`,
        });
      });
    },
    async close() {},
  };
}
