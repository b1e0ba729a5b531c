// The visualization: a quickchart.io URL (Chart.js config in the query string), no AWS calls.
import QuickChartModule from "quickchart-js";

// The package's types describe a CommonJS module with a nested default export; at run time (ESM import or an
// esbuild bundle) the default import is the class itself. Accept both shapes.
type QuickChartClass = typeof QuickChartModule.default;
const QuickChart: QuickChartClass =
  (QuickChartModule as unknown as { default?: QuickChartClass }).default ??
  (QuickChartModule as unknown as QuickChartClass);

export interface ChartPoint {
  power: number;
  /** ms */
  duration: number;
  /** USD per invocation */
  cost: number;
  /** 95 % interval of the duration, ms. */
  durationInterval?: { low: number; high: number };
  /** 95 % interval of the cost per invocation, USD. */
  costInterval?: { low: number; high: number };
}

// Six significant digits keep the URL short without changing what the chart shows.
const short = (value: number) => Number(value.toPrecision(6));

/**
 * Chart.js 2 (what quickchart.io renders) has no error bars without a plugin the service does not load, so
 * each interval is a shaded band: a low line and a high line filled down to it (`fill: "-1"`).
 */
function intervalBands(
  sorted: readonly ChartPoint[],
  axis: "duration" | "cost",
  label: string,
  color: string,
): object[] {
  const interval = (p: ChartPoint) => (axis === "duration" ? p.durationInterval : p.costInterval);
  if (!sorted.every((p) => interval(p) !== undefined)) return [];
  const line = { yAxisID: axis, pointRadius: 0, borderWidth: 0, borderColor: color, backgroundColor: color };
  return [
    {
      ...line,
      label: `${label} 95 % low`,
      fill: false,
      data: sorted.map((p) => short(interval(p)?.low ?? 0)),
    },
    {
      ...line,
      label: `${label} 95 % high`,
      fill: "-1",
      data: sorted.map((p) => short(interval(p)?.high ?? 0)),
    },
  ];
}

export function chartUrl(points: readonly ChartPoint[]): string {
  return renderChart(singleChart(points));
}

// A JSON string (not an object) keeps the URL's `c` parameter plain JSON, so it decodes back exactly.
const renderChart = (config: object) =>
  new QuickChart().setConfig(JSON.stringify(config)).setWidth(800).setHeight(400).getUrl();

const AXES = {
  scales: {
    xAxes: [{ scaleLabel: { display: true, labelString: "Memory (MB)" } }],
    yAxes: [
      { id: "duration", position: "left", scaleLabel: { display: true, labelString: "Duration (ms)" } },
      { id: "cost", position: "right", scaleLabel: { display: true, labelString: "Cost (USD)" } },
    ],
  },
};

/**
 * Two targets on one chart: each one's duration (solid) and cost (dashed) over the union of their powers; a
 * power one target was not measured at is a gap (null) in its lines.
 */
export function compareChartUrl(
  first: { label: string; points: readonly ChartPoint[] },
  second: { label: string; points: readonly ChartPoint[] },
): string {
  const powers = [...new Set([...first.points, ...second.points].map((p) => p.power))].sort((a, b) => a - b);
  const series = (target: typeof first, axis: "duration" | "cost", color: string) => ({
    label: `${target.label} ${axis === "duration" ? "duration (ms)" : "cost per invocation (USD)"}`,
    yAxisID: axis,
    borderColor: color,
    ...(axis === "cost" ? { borderDash: [6, 4] } : {}),
    fill: false,
    spanGaps: false,
    data: powers.map((power) => {
      const p = target.points.find((x) => x.power === power);
      return p ? short(axis === "duration" ? p.duration : p.cost) : null;
    }),
  });
  return renderChart({
    type: "line",
    data: {
      labels: powers.map((p) => `${p} MB`),
      datasets: [
        series(first, "duration", "rgb(54,162,235)"),
        series(second, "duration", "rgb(255,159,64)"),
        series(first, "cost", "rgb(54,162,235)"),
        series(second, "cost", "rgb(255,159,64)"),
      ],
    },
    options: AXES,
  });
}

function singleChart(points: readonly ChartPoint[]): object {
  const sorted = [...points].sort((a, b) => a.power - b.power);
  return {
    type: "line",
    data: {
      labels: sorted.map((p) => `${p.power} MB`),
      datasets: [
        {
          label: "Duration (ms)",
          yAxisID: "duration",
          data: sorted.map((p) => short(p.duration)),
          fill: false,
        },
        {
          label: "Cost per invocation (USD)",
          yAxisID: "cost",
          data: sorted.map((p) => short(p.cost)),
          fill: false,
        },
        ...intervalBands(sorted, "duration", "Duration", "rgba(54,162,235,0.2)"),
        ...intervalBands(sorted, "cost", "Cost", "rgba(255,99,132,0.2)"),
      ],
    },
    options: AXES,
  };
}
