import { describe, expect, it } from "vitest";
import {
  DEFAULT_VISUALIZATION_URL,
  decodeVisualization,
  encodeVisualization,
  visualizationUrl,
} from "../../../../../functions/tuner/core/visualization.js";

const f32 = (value: number) => Math.fround(value);

describe("the reference tool's visualization URL", () => {
  it("encodes Int16 powers and Float32 durations and costs, little-endian, standard base64, in the fragment", () => {
    // The reference's own encoder gives this URL for these figures (its utils.js, run under node).
    const url = visualizationUrl(DEFAULT_VISUALIZATION_URL, [
      { power: 256, durationMs: 50.25, costUsd: 2.2e-7 },
      { power: 128, durationMs: 100.5, costUsd: 2.1e-7 },
    ]);
    expect(url).toBe("https://lambda-power-tuning.show/#gAAAAQ==;AADJQgAASUI=;XHxhNCQ5bDQ=");
    const [powers, durations, costs] = (url.split("#")[1] ?? "").split(";");
    expect(Buffer.from(powers ?? "", "base64").toString("hex")).toBe("80000001");
    expect(Buffer.from(durations ?? "", "base64").toString("hex")).toBe("0000c94200004942");
    expect(Buffer.from(costs ?? "", "base64").toString("hex")).toBe("5c7c613424396c34");
  });

  it("decodes the reference README's example to its six powers", () => {
    const points = decodeVisualization(
      "#gAAAAQACAAQABsAL;ZooQR4yvkUa/pQRGRC5zRaADHUVjOftE;QdWhOEMkoziDT5Q4xhiIOMYYiDi6RNc4",
    );
    expect(points.map((p) => p.power)).toEqual([128, 256, 512, 1024, 1536, 3008]);
  });

  it("round-trips any figures at Float32 precision, with `+` and `/` and padding left as they are", () => {
    const points = [
      { power: 128, durationMs: 1234.5678, costUsd: 0.000002083 },
      { power: 1769, durationMs: 0.1, costUsd: 1e-9 },
      { power: 10240, durationMs: 899_999.9, costUsd: 0.15 },
    ];
    const decoded = decodeVisualization(visualizationUrl(DEFAULT_VISUALIZATION_URL, points));
    expect(decoded).toEqual(
      points.map((p) => ({ power: p.power, durationMs: f32(p.durationMs), costUsd: f32(p.costUsd) })),
    );
    expect(encodeVisualization(points)).toMatch(/^[A-Za-z0-9+/=;]+$/);
  });

  it("keeps a company's own page and its query, and replaces a fragment it already had", () => {
    const points = [{ power: 128, durationMs: 100.5, costUsd: 2.1e-7 }];
    const fragment = encodeVisualization(points);
    expect(visualizationUrl("https://charts.example.com/power/?theme=dark", points)).toBe(
      `https://charts.example.com/power/?theme=dark#${fragment}`,
    );
    expect(visualizationUrl("https://charts.example.com/#old", points)).toBe(
      `https://charts.example.com/#${fragment}`,
    );
  });

  it("refuses a fragment whose arrays do not match", () => {
    expect(() => decodeVisualization("#gAA=;AADJQgAASUI=")).toThrow(/3 parts/);
    expect(() => decodeVisualization("#gAAAAQ==;AADJQg==;XHxhNCQ5bDQ=")).toThrow(/as many values/);
  });
});
