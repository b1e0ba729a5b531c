import { describe, expect, it } from "vitest";
import { verdictCell } from "../../../../cli/report/comparison-report.js";
import {
  renderReportHtml,
  renderSummaryMarkdown,
  renderTerminalSummary,
} from "../../../../cli/report/tuning-report.js";
import { finalOutput } from "../../../../functions/tuner/core/analysis.js";
import { analyzeComparison } from "../../../../functions/tuner/core/comparison.js";
import { validateTuningInput } from "../../../../functions/tuner/core/input.js";
import type { PowerSamples, TuningContext } from "../../../../functions/tuner/core/types.js";
import { powerSamplesOf } from "../../../support/synthetic-samples.js";

const ARN = "arn:aws:lambda:us-east-1:000000000000:function:api";

function samples(power: number, base: number): PowerSamples {
  return powerSamplesOf(
    power,
    Array.from({ length: 10 }, (_, i) => base + (i % 5) * 0.5),
  );
}

const tuning: TuningContext = {
  runId: "run-1",
  startedAt: "2025-01-01T00:00:00.000Z",
  input: validateTuningInput(
    { lambdaARN: ARN, num: 10, powerValues: [512, 1024], architectures: ["x86_64", "arm64"] },
    [],
  ),
  target: {
    functionArn: ARN,
    functionName: "api",
    region: "us-east-1",
    architecture: "x86_64",
    originalMemoryMb: 512,
  },
  comparison: {
    kind: "architectures",
    firstLabel: "x86_64",
    second: {
      functionArn: `${ARN}-pt-arm64`,
      functionName: "api-pt-arm64",
      region: "us-east-1",
      architecture: "arm64",
      originalMemoryMb: 512,
      label: "arm64",
      copyOf: ARN,
    },
  },
  compute: { elapsedMs: 100, memoryMb: 256 },
};
// arm64 twice as fast here, so both verdicts go its way and are resolved.
const output = finalOutput(
  analyzeComparison(tuning, [samples(512, 80), samples(1024, 40)], [samples(512, 40), samples(1024, 20)]),
  true,
);
const meta = {
  functionArn: ARN,
  executionArn: "arn:aws:states:us-east-1:000000000000:execution:t:run-1",
  startedAt: new Date("2025-01-01T00:00:00Z"),
  finishedAt: new Date("2025-01-01T00:01:00Z"),
};

describe("the comparison in reports", () => {
  it("prints a per-power table with the faster and cheaper target, by how much and how surely", () => {
    const text = renderTerminalSummary(output);
    expect(text).toMatch(/memory\s+x86_64 avg\s+arm64 avg\s+faster\s+x86_64 cost\s+arm64 cost\s+cheaper/);
    expect(text).toMatch(/512 MB .*arm64 by \d+\.\d % \(p < 0\.001\).*arm64 by \d+\.\d % \(p < 0\.001\)/);
    expect(text).toContain("comparison: x86_64 (the function) vs arm64 (a temporary copy of its code");
    expect(text).toContain("of 2 powers measured on both: x86_64 faster at 0");
    expect(text).toContain(`comparison chart: ${output.comparison?.quickchartUrl}`);
  });

  it("adds a Comparison section to summary.md and report.html", () => {
    const markdown = renderSummaryMarkdown(output, meta);
    expect(markdown).toContain("## Comparison");
    expect(markdown).toMatch(/\| 1024 MB \| .* \| arm64 by \d+\.\d % \(p < 0\.001\) \|/);
    const html = renderReportHtml(output, meta);
    expect(html).toContain("<h2>Comparison</h2>");
    expect(html).toContain("compare view");
  });

  it("says when a difference is not resolved, and when there is no verdict", () => {
    expect(
      verdictCell({ winner: "arm64", byPercent: 1.23, ratio: 0.99, pValue: 0.41, significant: false }),
    ).toBe("arm64 by 1.2 % (p = 0.410, not resolved)");
    expect(
      verdictCell({ winner: null, byPercent: null, ratio: null, pValue: null, significant: false }),
    ).toBe("not compared");
  });

  it("prints nothing of a comparison for a run without one", () => {
    const { comparison: _c, ...single } = output;
    expect(renderTerminalSummary(single)).not.toContain("comparison");
  });
});
