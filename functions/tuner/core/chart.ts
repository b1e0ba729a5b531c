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
}

export function chartUrl(points: readonly ChartPoint[]): string {
  const sorted = [...points].sort((a, b) => a.power - b.power);
  const config = {
    type: "line",
    data: {
      labels: sorted.map((p) => `${p.power} MB`),
      datasets: [
        { label: "Duration (ms)", yAxisID: "duration", data: sorted.map((p) => p.duration), fill: false },
        { label: "Cost per invocation (USD)", yAxisID: "cost", data: sorted.map((p) => p.cost), fill: false },
      ],
    },
    options: {
      scales: {
        xAxes: [{ scaleLabel: { display: true, labelString: "Memory (MB)" } }],
        yAxes: [
          { id: "duration", position: "left", scaleLabel: { display: true, labelString: "Duration (ms)" } },
          { id: "cost", position: "right", scaleLabel: { display: true, labelString: "Cost (USD)" } },
        ],
      },
    },
  };
  // A JSON string (not an object) keeps the URL's `c` parameter plain JSON, so it decodes back exactly.
  return new QuickChart().setConfig(JSON.stringify(config)).setWidth(800).setHeight(400).getUrl();
}
