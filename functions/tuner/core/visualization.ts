// The reference tool's visualization URL: lambda-power-tuning.show (or a company's own copy of it) reads the
// powers as Int16, the average durations and prices as Float32, each array's bytes base64-encoded and the three
// joined by `;`, from the URL's fragment. A fragment never leaves the browser: the run's figures are not sent
// to the page's server, unlike the query string of a chart service.

/** The reference tool's default (its `visualizationURL` parameter): the hash is appended as is. */
export const DEFAULT_VISUALIZATION_URL = "https://lambda-power-tuning.show/";

export interface VisualizationPoint {
  /** MB */
  power: number;
  /** ms */
  durationMs: number;
  /** USD per invocation */
  costUsd: number;
}

// Typed arrays use the platform's byte order; the reference encodes on Lambda and decodes in browsers, both
// little-endian. A DataView writes little-endian on any platform.
function int16Bytes(values: readonly number[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 2));
  values.forEach((v, i) => {
    view.setInt16(i * 2, v, true);
  });
  return new Uint8Array(view.buffer);
}

function float32Bytes(values: readonly number[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  values.forEach((v, i) => {
    view.setFloat32(i * 4, v, true);
  });
  return new Uint8Array(view.buffer);
}

/** Standard base64 (`+`, `/`, `=` padding), as the reference's Buffer.toString("base64"). */
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

/** `powers;durations;costs`, ascending by power. */
export function encodeVisualization(points: readonly VisualizationPoint[]): string {
  const sorted = [...points].sort((a, b) => a.power - b.power);
  return [
    base64(int16Bytes(sorted.map((p) => p.power))),
    base64(float32Bytes(sorted.map((p) => p.durationMs))),
    base64(float32Bytes(sorted.map((p) => p.costUsd))),
  ].join(";");
}

/** The page's URL with the run's figures in its fragment (any fragment of `baseUrl` is replaced). */
export function visualizationUrl(baseUrl: string, points: readonly VisualizationPoint[]): string {
  const hash = baseUrl.indexOf("#");
  return `${hash < 0 ? baseUrl : baseUrl.slice(0, hash)}#${encodeVisualization(points)}`;
}

/** Reads the figures back from a visualization URL or its fragment, as the page does (Float32 precision). */
export function decodeVisualization(urlOrFragment: string): VisualizationPoint[] {
  const hash = urlOrFragment.indexOf("#");
  const parts = (hash < 0 ? urlOrFragment : urlOrFragment.slice(hash + 1)).split(";");
  if (parts.length !== 3) throw new RangeError(`a visualization fragment has 3 parts, not ${parts.length}`);
  const [powers, durations, costs] = parts.map((part) => {
    const bytes = Buffer.from(part, "base64");
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }) as [DataView, DataView, DataView];
  const count = powers.byteLength / 2;
  if (durations.byteLength !== count * 4 || costs.byteLength !== count * 4) {
    throw new RangeError("a visualization fragment's three arrays must have as many values each");
  }
  return Array.from({ length: count }, (_, i) => ({
    power: powers.getInt16(i * 2, true),
    durationMs: durations.getFloat32(i * 4, true),
    costUsd: costs.getFloat32(i * 4, true),
  }));
}

/**
 * The reference UI's compare view: two targets' figures and their legends, `p1;d1;c1;p2;d2;c2;legend1;legend2`
 * (legends URI-encoded). The UI merges unequal power sets itself.
 */
export function compareVisualizationUrl(
  baseUrl: string,
  first: readonly VisualizationPoint[],
  second: readonly VisualizationPoint[],
  legends: readonly [string, string],
): string {
  const hash = baseUrl.indexOf("#");
  const fragment = [
    encodeVisualization(first),
    encodeVisualization(second),
    encodeURIComponent(legends[0]),
    encodeURIComponent(legends[1]),
  ].join(";");
  return `${hash < 0 ? baseUrl : baseUrl.slice(0, hash)}#${fragment}`;
}

/** Reads a compare URL (or fragment) back as the UI does: both targets' figures and legends. */
export function decodeCompareVisualization(urlOrFragment: string): {
  first: VisualizationPoint[];
  second: VisualizationPoint[];
  legends: [string, string];
} {
  const hash = urlOrFragment.indexOf("#");
  const parts = (hash < 0 ? urlOrFragment : urlOrFragment.slice(hash + 1)).split(";");
  if (parts.length !== 8) throw new RangeError(`a compare fragment has 8 parts, not ${parts.length}`);
  return {
    first: decodeVisualization(parts.slice(0, 3).join(";")),
    second: decodeVisualization(parts.slice(3, 6).join(";")),
    legends: [decodeURIComponent(parts[6] ?? ""), decodeURIComponent(parts[7] ?? "")],
  };
}
