// Dependency-free SVG line charts (one with two y axes and error bars, one with any series on one axis), so
// report pages render with no network at all. Every data point is a `<circle class="point">`.

/** A 95 % interval around one point. */
export interface Interval {
  low: number;
  high: number;
}

export interface DualAxisSeries {
  /** Memory sizes, MB: one x position each, evenly spaced (like the category axis of the chart URL). */
  powers: number[];
  /** Left axis: duration, ms. */
  durationsMs: number[];
  /** Right axis: cost per invocation, USD. */
  costsUsd: number[];
  /** Each duration's interval, drawn as an error bar, ms. */
  durationIntervalsMs?: Interval[];
  /** Each cost's interval, drawn as an error bar, USD. */
  costIntervalsUsd?: Interval[];
  /** Highlighted x value (the chosen power), if any. */
  chosenPower?: number;
}

const WIDTH = 720;
const HEIGHT = 360;
const MARGIN = { top: 24, right: 96, bottom: 48, left: 72 };

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Round an axis maximum up to a readable number (1, 2 or 5 times a power of ten). */
export function niceCeiling(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (value <= step * magnitude) return step * magnitude;
  }
  return 10 * magnitude;
}

function formatTick(value: number): string {
  if (value === 0) return "0";
  if (Math.abs(value) >= 0.01) return Number(value.toPrecision(3)).toString();
  return value.toExponential(1);
}

export function renderDualAxisChartSvg(series: DualAxisSeries): string {
  const { powers, durationsMs, costsUsd } = series;
  if (powers.length !== durationsMs.length || powers.length !== costsUsd.length) {
    throw new Error("chart series must have one duration and one cost per power value");
  }
  for (const intervals of [series.durationIntervalsMs, series.costIntervalsUsd]) {
    if (intervals && intervals.length !== powers.length) {
      throw new Error("chart intervals must have one interval per power value");
    }
  }
  const highs = (intervals: Interval[] | undefined) =>
    (intervals ?? []).map((i) => i.high).filter((v) => Number.isFinite(v));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const maxDuration = niceCeiling(Math.max(0, ...durationsMs, ...highs(series.durationIntervalsMs)));
  const maxCost = niceCeiling(Math.max(0, ...costsUsd, ...highs(series.costIntervalsUsd)));
  const xAt = (i: number) =>
    MARGIN.left + (powers.length === 1 ? plotWidth / 2 : (i * plotWidth) / (powers.length - 1));
  const yAt = (value: number, max: number) => MARGIN.top + plotHeight - (value / max) * plotHeight;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="Duration and cost per memory size">`,
    `<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
  );
  for (let tick = 0; tick <= 4; tick++) {
    const y = MARGIN.top + plotHeight - (tick * plotHeight) / 4;
    parts.push(
      `<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotWidth}" y2="${y}" stroke="#e5e7eb"/>`,
      `<text x="${MARGIN.left - 8}" y="${y + 4}" text-anchor="end" font-size="11" fill="#1d4ed8">${formatTick((maxDuration * tick) / 4)}</text>`,
      `<text x="${MARGIN.left + plotWidth + 8}" y="${y + 4}" font-size="11" fill="#b91c1c">${formatTick((maxCost * tick) / 4)}</text>`,
    );
  }
  powers.forEach((power, i) => {
    const x = xAt(i);
    const chosen = power === series.chosenPower;
    parts.push(
      `<text x="${x}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle" font-size="11"${chosen ? ' font-weight="bold"' : ""}>${power}</text>`,
    );
    if (chosen) {
      parts.push(
        `<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotHeight}" stroke="#16a34a" stroke-dasharray="4 3"/>`,
      );
    }
  });
  const polyline = (values: number[], max: number, color: string) => {
    const points = values.map((v, i) => `${xAt(i).toFixed(1)},${yAt(v, max).toFixed(1)}`).join(" ");
    const dots = values
      .map(
        (v, i) =>
          `<circle class="point" cx="${xAt(i).toFixed(1)}" cy="${yAt(v, max).toFixed(1)}" r="3" fill="${color}"/>`,
      )
      .join("");
    return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>${dots}`;
  };
  // Error bars sit a little left (duration) and right (cost) of the point, so the two never hide each other.
  const errorBars = (intervals: Interval[] | undefined, max: number, color: string, shift: number) =>
    (intervals ?? [])
      .map((interval, i) => {
        if (!Number.isFinite(interval.low) || !Number.isFinite(interval.high)) return "";
        const x = (xAt(i) + shift).toFixed(1);
        const top = yAt(interval.high, max).toFixed(1);
        const bottom = yAt(interval.low, max).toFixed(1);
        const cap = (y: string) =>
          `<line x1="${(xAt(i) + shift - 4).toFixed(1)}" y1="${y}" x2="${(xAt(i) + shift + 4).toFixed(1)}" y2="${y}" stroke="${color}"/>`;
        return `<g class="error-bar"><line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" stroke="${color}"/>${cap(top)}${cap(bottom)}</g>`;
      })
      .join("");
  parts.push(
    errorBars(series.durationIntervalsMs, maxDuration, "#1d4ed8", -5),
    errorBars(series.costIntervalsUsd, maxCost, "#b91c1c", 5),
    polyline(durationsMs, maxDuration, "#1d4ed8"),
    polyline(costsUsd, maxCost, "#b91c1c"),
  );
  parts.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 8}" text-anchor="middle" font-size="12">${escapeXml("memory (MB)")}</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" font-size="12" fill="#1d4ed8">duration (ms)</text>`,
    `<text transform="translate(${WIDTH - 14} ${MARGIN.top + plotHeight / 2}) rotate(90)" text-anchor="middle" font-size="12" fill="#b91c1c">cost per invocation (USD)</text>`,
    "</svg>",
  );
  return parts.join("\n");
}

export interface LineSeries {
  name: string;
  /** One value per x label; null leaves a gap (no point). */
  values: (number | null)[];
  color: string;
}

export interface LineChartSpec {
  /** What the chart shows, for its caption and for screen readers. */
  title: string;
  xLabels: string[];
  xTitle: string;
  /** With its unit: "latency (ms)". */
  yTitle: string;
  series: LineSeries[];
  width?: number;
  height?: number;
}

/** Colours that stay apart for up to six series. */
export const SERIES_COLORS = ["#1d4ed8", "#b91c1c", "#15803d", "#a16207", "#7c3aed", "#0e7490"] as const;

export function renderLineChartSvg(spec: LineChartSpec): string {
  const width = spec.width ?? WIDTH;
  const height = spec.height ?? HEIGHT;
  const margin = { top: 28, right: 24, bottom: 48, left: 72 };
  for (const series of spec.series) {
    if (series.values.length !== spec.xLabels.length) {
      throw new Error(`chart series ${series.name} must have one value per x label`);
    }
  }
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const values = spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = niceCeiling(Math.max(0, ...values));
  const count = spec.xLabels.length;
  const xAt = (i: number) => margin.left + (count === 1 ? plotWidth / 2 : (i * plotWidth) / (count - 1));
  const yAt = (value: number) => margin.top + plotHeight - (value / max) * plotHeight;
  // Crowded axes label every k-th point only.
  const labelEvery = Math.max(1, Math.ceil(count / Math.max(1, Math.floor(plotWidth / 64))));

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(spec.title)}">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  for (let tick = 0; tick <= 4; tick++) {
    const y = margin.top + plotHeight - (tick * plotHeight) / 4;
    parts.push(
      `<line x1="${margin.left}" y1="${y}" x2="${margin.left + plotWidth}" y2="${y}" stroke="#e5e7eb"/>`,
      `<text x="${margin.left - 8}" y="${y + 4}" text-anchor="end" font-size="11">${formatTick((max * tick) / 4)}</text>`,
    );
  }
  spec.xLabels.forEach((label, i) => {
    if (i % labelEvery !== 0 && i !== count - 1) return;
    parts.push(
      `<text x="${xAt(i).toFixed(1)}" y="${margin.top + plotHeight + 18}" text-anchor="middle" font-size="11">${escapeXml(label)}</text>`,
    );
  });
  spec.series.forEach((series, s) => {
    const present = series.values
      .map((v, i) => ({ v, i }))
      .filter((p): p is { v: number; i: number } => p.v !== null);
    const points = present.map((p) => `${xAt(p.i).toFixed(1)},${yAt(p.v).toFixed(1)}`).join(" ");
    if (present.length > 1) {
      parts.push(`<polyline fill="none" stroke="${series.color}" stroke-width="2" points="${points}"/>`);
    }
    for (const p of present) {
      parts.push(
        `<circle class="point" data-series="${escapeXml(series.name)}" data-x="${escapeXml(spec.xLabels[p.i] ?? "")}" data-value="${p.v}" cx="${xAt(p.i).toFixed(1)}" cy="${yAt(p.v).toFixed(1)}" r="3.5" fill="${series.color}"><title>${escapeXml(`${series.name} at ${spec.xLabels[p.i]}: ${formatTick(p.v)}`)}</title></circle>`,
      );
    }
    if (spec.series.length > 1) {
      const x = margin.left + 8 + s * Math.min(120, plotWidth / spec.series.length);
      parts.push(
        `<rect x="${x}" y="8" width="10" height="10" fill="${series.color}"/>`,
        `<text x="${x + 14}" y="17" font-size="11">${escapeXml(series.name)}</text>`,
      );
    }
  });
  parts.push(
    `<text x="${margin.left + plotWidth / 2}" y="${height - 8}" text-anchor="middle" font-size="12">${escapeXml(spec.xTitle)}</text>`,
    `<text transform="translate(16 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(spec.yTitle)}</text>`,
    "</svg>",
  );
  return parts.join("\n");
}
