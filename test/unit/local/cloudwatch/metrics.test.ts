import { describe, expect, it } from "vitest";
import {
  computeStatistic,
  expandSamples,
  InvalidMetricParameterError,
  queryMetric,
  type StoredDatum,
  summarize,
} from "../../../../local/cloudwatch/metrics.js";

function datum(
  timestamp: number,
  values: number[],
  dimensions = [{ Name: "F", Value: "crud" }],
): StoredDatum {
  return { namespace: "N", metricName: "M", dimensions, timestamp, ...summarize(values), values };
}

describe("CloudWatch statistics core", () => {
  it("expands Values with Counts into samples", () => {
    expect(expandSamples(undefined, [1, 5], [2, 1])).toEqual([1, 1, 5]);
    expect(expandSamples(3)).toEqual([3]);
  });

  it("rejects mismatched Counts, naming the field", () => {
    expect(() => expandSamples(undefined, [1, 2], [1])).toThrow(/Counts/);
    expect(() => expandSamples(undefined)).toThrow(InvalidMetricParameterError);
  });

  it("computes sum, average, extremes and nearest-rank percentiles", () => {
    const data = [datum(0, [1, 2, 3]), datum(1, [4, 10])];
    expect(computeStatistic("Sum", data)).toBe(20);
    expect(computeStatistic("Average", data)).toBe(4);
    expect(computeStatistic("Minimum", data)).toBe(1);
    expect(computeStatistic("Maximum", data)).toBe(10);
    expect(computeStatistic("SampleCount", data)).toBe(5);
    expect(computeStatistic("p50", data)).toBe(3);
    expect(computeStatistic("p99", data)).toBe(10);
  });

  it("buckets points by period and ignores other dimensions and times outside the range", () => {
    const all = [
      datum(0, [1]),
      datum(59_999, [3]),
      datum(60_000, [10]),
      datum(30_000, [1000], [{ Name: "F", Value: "other" }]),
      datum(500_000, [7]),
    ];
    const points = queryMetric(
      all,
      {
        namespace: "N",
        metricName: "M",
        dimensions: [{ Name: "F", Value: "crud" }],
        period: 60,
        stat: "Average",
      },
      0,
      120_000,
    );
    expect(points).toEqual([
      [0, 2],
      [60_000, 10],
    ]);
  });

  it("rejects an unknown statistic even with no data", () => {
    expect(() =>
      queryMetric([], { namespace: "N", metricName: "M", dimensions: [], period: 60, stat: "Median" }, 0, 1),
    ).toThrow(/MetricStat\.Stat/);
  });
});
