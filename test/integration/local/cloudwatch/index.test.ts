import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CloudWatchClient,
  GetMetricDataCommand,
  InvalidParameterValueException,
  ListMetricsCommand,
  PutMetricDataCommand,
} from "@aws-sdk/client-cloudwatch";
import { afterEach, describe, expect, it } from "vitest";
import { createCloudWatchService } from "../../../../local/cloudwatch/index.js";
import { createEdge } from "../../../../local/edge/index.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(dataDir?: string): Promise<CloudWatchClient> {
  const edge = createEdge({ services: { monitoring: createCloudWatchService(dataDir ? { dataDir } : {}) } });
  const { url } = await edge.listen(0);
  const client = new CloudWatchClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  cleanups.push(async () => {
    client.destroy();
    await edge.close();
  });
  return client;
}

const dimensions = [{ Name: "FunctionName", Value: "crud" }];
const base = Date.UTC(2025, 0, 1, 12, 0, 0);

describe("local CloudWatch through the real SDK client", () => {
  it("returns per-period statistics for data put with PutMetricData", async () => {
    const client = await start();
    await client.send(
      new PutMetricDataCommand({
        Namespace: "PowerTuner",
        MetricData: [
          {
            MetricName: "Duration",
            Dimensions: dimensions,
            Timestamp: new Date(base),
            Value: 10,
            Unit: "Milliseconds",
          },
          {
            MetricName: "Duration",
            Dimensions: dimensions,
            Timestamp: new Date(base + 5_000),
            Value: 30,
            Unit: "Milliseconds",
          },
          {
            MetricName: "Duration",
            Dimensions: dimensions,
            Timestamp: new Date(base + 60_000),
            Values: [1, 3],
            Counts: [1, 3],
          },
          {
            MetricName: "Duration",
            Dimensions: [{ Name: "FunctionName", Value: "other" }],
            Timestamp: new Date(base),
            Value: 999,
          },
        ],
      }),
    );
    const result = await client.send(
      new GetMetricDataCommand({
        StartTime: new Date(base - 60_000),
        EndTime: new Date(base + 120_000),
        ScanBy: "TimestampAscending",
        MetricDataQueries: [
          {
            Id: "avg",
            MetricStat: {
              Metric: { Namespace: "PowerTuner", MetricName: "Duration", Dimensions: dimensions },
              Period: 60,
              Stat: "Average",
            },
          },
          {
            Id: "n",
            MetricStat: {
              Metric: { Namespace: "PowerTuner", MetricName: "Duration", Dimensions: dimensions },
              Period: 60,
              Stat: "SampleCount",
            },
          },
          {
            Id: "max",
            MetricStat: {
              Metric: { Namespace: "PowerTuner", MetricName: "Duration", Dimensions: dimensions },
              Period: 60,
              Stat: "p100",
            },
          },
        ],
      }),
    );
    const [avg, n, max] = result.MetricDataResults ?? [];
    expect(avg?.Timestamps?.map((t) => t.getTime())).toEqual([base, base + 60_000]);
    expect(avg?.Values).toEqual([20, 2.5]);
    expect(n?.Values).toEqual([2, 4]);
    expect(max?.Values).toEqual([30, 3]);
    expect(avg?.StatusCode).toBe("Complete");
  });

  it("lists each metric once, filtered by dimension", async () => {
    const client = await start();
    await client.send(
      new PutMetricDataCommand({
        Namespace: "PowerTuner",
        MetricData: [
          { MetricName: "Duration", Dimensions: dimensions, Value: 1 },
          { MetricName: "Duration", Dimensions: dimensions, Value: 2 },
          { MetricName: "Cost", Dimensions: [{ Name: "FunctionName", Value: "other" }], Value: 3 },
        ],
      }),
    );
    const listed = await client.send(
      new ListMetricsCommand({
        Namespace: "PowerTuner",
        Dimensions: [{ Name: "FunctionName", Value: "crud" }],
      }),
    );
    expect(listed.Metrics).toEqual([
      { Namespace: "PowerTuner", MetricName: "Duration", Dimensions: dimensions },
    ]);
  });

  it("accepts a gzip-compressed PutMetricData of many points", async () => {
    const client = await start();
    const points = Array.from({ length: 400 }, (_, i) => ({
      MetricName: "Duration",
      Dimensions: dimensions,
      Timestamp: new Date(base + i),
      Value: i,
    }));
    await client.send(new PutMetricDataCommand({ Namespace: "Big", MetricData: points }));
    const result = await client.send(
      new GetMetricDataCommand({
        StartTime: new Date(base - 60_000),
        EndTime: new Date(base + 60_000),
        MetricDataQueries: [
          {
            Id: "s",
            MetricStat: {
              Metric: { Namespace: "Big", MetricName: "Duration", Dimensions: dimensions },
              Period: 60,
              Stat: "Sum",
            },
          },
        ],
      }),
    );
    expect(result.MetricDataResults?.[0]?.Values).toEqual([(399 * 400) / 2]);
  });

  it("raises InvalidParameterValue naming the field for an unsupported statistic", async () => {
    const client = await start();
    const failure = client.send(
      new GetMetricDataCommand({
        StartTime: new Date(base),
        EndTime: new Date(base + 1),
        MetricDataQueries: [
          {
            Id: "x",
            MetricStat: { Metric: { Namespace: "N", MetricName: "M" }, Period: 60, Stat: "Median" },
          },
        ],
      }),
    );
    await expect(failure).rejects.toBeInstanceOf(InvalidParameterValueException);
    await expect(failure).rejects.toThrow(/MetricStat\.Stat/);
  });

  it("appends data points to metrics.jsonl and reloads them on start", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "powertune-cw-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await start(dataDir);
    await first.send(
      new PutMetricDataCommand({
        Namespace: "P",
        MetricData: [{ MetricName: "M", Value: 42, Timestamp: new Date(base) }],
      }),
    );
    const journal = await readFile(join(dataDir, "metrics.jsonl"), "utf8");
    expect(journal.trim().split("\n")).toHaveLength(1);

    const second = await start(dataDir);
    const result = await second.send(
      new GetMetricDataCommand({
        StartTime: new Date(base - 1000),
        EndTime: new Date(base + 1000),
        MetricDataQueries: [
          {
            Id: "m",
            MetricStat: { Metric: { Namespace: "P", MetricName: "M" }, Period: 60, Stat: "Maximum" },
          },
        ],
      }),
    );
    expect(result.MetricDataResults?.[0]?.Values).toEqual([42]);
  });
});
