import { describe, expect, it } from "vitest";
import { chartUrl } from "../../../../../functions/tuner/core/chart.js";

describe("chartUrl", () => {
  const points = [
    { power: 512, duration: 90.5, cost: 1.5e-6 },
    { power: 128, duration: 400.25, cost: 2e-6 },
  ];

  it("is a quickchart.io URL whose config decodes back to the same data, sorted by memory", () => {
    const url = new URL(chartUrl(points));
    expect(url.host).toBe("quickchart.io");
    const config = JSON.parse(url.searchParams.get("c") ?? "null");
    expect(config.data.labels).toEqual(["128 MB", "512 MB"]);
    expect(config.data.datasets[0].data).toEqual([400.25, 90.5]);
    expect(config.data.datasets[1].data).toEqual([2e-6, 1.5e-6]);
    expect(config.data.datasets[0].label).toContain("ms");
    expect(config.data.datasets[1].label).toContain("USD");
    expect(config.options.scales.xAxes[0].scaleLabel.labelString).toContain("MB");
  });

  it("shades each power's 95 % intervals as bands between a low and a high line", () => {
    const url = chartUrl(
      points.map((p) => ({
        ...p,
        durationInterval: { low: p.duration - 1, high: p.duration + 1 },
        costInterval: { low: p.cost * 0.9, high: p.cost * 1.1 },
      })),
    );
    const datasets = JSON.parse(new URL(url).searchParams.get("c") ?? "null").data.datasets;
    expect(datasets).toHaveLength(6);
    expect(datasets[2]).toMatchObject({ yAxisID: "duration", data: [399.25, 89.5], fill: false });
    expect(datasets[3]).toMatchObject({ yAxisID: "duration", data: [401.25, 91.5], fill: "-1" });
    expect(datasets[5]).toMatchObject({ yAxisID: "cost", data: [2.2e-6, 1.65e-6], fill: "-1" });
    // Without intervals, only the two lines.
    expect(JSON.parse(new URL(chartUrl(points)).searchParams.get("c") ?? "null").data.datasets).toHaveLength(
      2,
    );
  });
});
