import { describe, expect, it } from "vitest";
import { chartUrl } from "../../../../functions/tuner/core/chart.js";

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
});
