// The pure core of the local CloudWatch: data points, matching and statistics per period.

export interface Dimension {
  Name: string;
  Value: string;
}

/** One stored data point; a StatisticSet arrives without its raw values, so percentiles skip it. */
export interface StoredDatum {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  /** Epoch milliseconds. */
  timestamp: number;
  unit?: string;
  sampleCount: number;
  sum: number;
  minimum: number;
  maximum: number;
  values?: number[];
}

export class InvalidMetricParameterError extends Error {
  override name = "InvalidParameterValue";
}

export function sortDimensions(dimensions: Dimension[]): Dimension[] {
  return [...dimensions].sort((a, b) => a.Name.localeCompare(b.Name));
}

export function metricKey(namespace: string, metricName: string, dimensions: Dimension[]): string {
  return JSON.stringify([namespace, metricName, sortDimensions(dimensions)]);
}

/** Expands `Values` + `Counts` (or a single `Value`) into raw samples. */
export function expandSamples(value: number | undefined, values?: number[], counts?: number[]): number[] {
  if (values !== undefined && values.length > 0) {
    if (counts !== undefined && counts.length !== values.length) {
      throw new InvalidMetricParameterError(
        `MetricData.Counts has ${counts.length} entries but Values has ${values.length}: give one count per value`,
      );
    }
    return values.flatMap((v, i) => Array<number>(Math.max(0, Math.round(counts?.[i] ?? 1))).fill(v));
  }
  if (value === undefined) {
    throw new InvalidMetricParameterError("MetricData needs Value, Values or StatisticValues");
  }
  return [value];
}

export function summarize(
  samples: number[],
): Pick<StoredDatum, "sampleCount" | "sum" | "minimum" | "maximum"> {
  return {
    sampleCount: samples.length,
    sum: samples.reduce((a, b) => a + b, 0),
    minimum: Math.min(...samples),
    maximum: Math.max(...samples),
  };
}

const PERCENTILE = /^p(\d+(?:\.\d+)?)$/;

/** Computes one CloudWatch statistic (Average, Sum, Minimum, Maximum, SampleCount, pNN) over data points. */
export function computeStatistic(stat: string, data: StoredDatum[]): number | undefined {
  assertSupportedStatistic(stat);
  if (data.length === 0) return undefined;
  const count = data.reduce((a, d) => a + d.sampleCount, 0);
  const sum = data.reduce((a, d) => a + d.sum, 0);
  switch (stat) {
    case "SampleCount":
      return count;
    case "Sum":
      return sum;
    case "Average":
      return count === 0 ? undefined : sum / count;
    case "Minimum":
      return Math.min(...data.map((d) => d.minimum));
    case "Maximum":
      return Math.max(...data.map((d) => d.maximum));
  }
  const match = PERCENTILE.exec(stat);
  {
    const samples = data.flatMap((d) => d.values ?? []).sort((a, b) => a - b);
    if (samples.length === 0) return undefined;
    const rank = Math.ceil((Number(match?.[1]) / 100) * samples.length);
    return samples[Math.min(samples.length - 1, Math.max(0, rank - 1))];
  }
}

const SIMPLE_STATISTICS = new Set(["SampleCount", "Sum", "Average", "Minimum", "Maximum"]);

export function assertSupportedStatistic(stat: string): void {
  const match = PERCENTILE.exec(stat);
  if (SIMPLE_STATISTICS.has(stat) || (match !== null && Number(match[1]) <= 100)) return;
  throw new InvalidMetricParameterError(
    `MetricStat.Stat ${JSON.stringify(stat)} is not supported here: use Average, Sum, Minimum, Maximum, SampleCount or pNN`,
  );
}

export interface MetricQuery {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  /** Seconds. */
  period: number;
  stat: string;
  unit?: string;
}

/** Groups matching points into period buckets; returns [bucket start (epoch ms), value] pairs in time order. */
export function queryMetric(
  all: StoredDatum[],
  query: MetricQuery,
  startMs: number,
  endMs: number,
): Array<[number, number]> {
  if (!Number.isFinite(query.period) || query.period <= 0) {
    throw new InvalidMetricParameterError("MetricStat.Period must be a positive number of seconds, e.g. 60");
  }
  assertSupportedStatistic(query.stat);
  const key = metricKey(query.namespace, query.metricName, query.dimensions);
  const periodMs = query.period * 1000;
  const buckets = new Map<number, StoredDatum[]>();
  for (const datum of all) {
    if (datum.timestamp < startMs || datum.timestamp >= endMs) continue;
    if (metricKey(datum.namespace, datum.metricName, datum.dimensions) !== key) continue;
    if (query.unit !== undefined && datum.unit !== query.unit) continue;
    const bucket = Math.floor(datum.timestamp / periodMs) * periodMs;
    const list = buckets.get(bucket) ?? [];
    list.push(datum);
    buckets.set(bucket, list);
  }
  const points: Array<[number, number]> = [];
  for (const [bucket, data] of [...buckets.entries()].sort((a, b) => a[0] - b[0])) {
    const value = computeStatistic(query.stat, data);
    if (value !== undefined) points.push([bucket, value]);
  }
  return points;
}

/** Does a metric match ListMetrics' filter (dimension filters with no value match any value)? */
export function matchesFilter(
  datum: Pick<StoredDatum, "namespace" | "metricName" | "dimensions">,
  filter: { namespace?: string; metricName?: string; dimensions?: Array<{ Name: string; Value?: string }> },
): boolean {
  if (filter.namespace !== undefined && datum.namespace !== filter.namespace) return false;
  if (filter.metricName !== undefined && datum.metricName !== filter.metricName) return false;
  for (const wanted of filter.dimensions ?? []) {
    const found = datum.dimensions.find((d) => d.Name === wanted.Name);
    if (found === undefined) return false;
    if (wanted.Value !== undefined && found.Value !== wanted.Value) return false;
  }
  return true;
}
