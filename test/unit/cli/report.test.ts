import { describe, expect, it } from "vitest";
import { runFolderName } from "../../../cli/report/run-folder.js";
import { niceCeiling, renderDualAxisChartSvg } from "../../../cli/report/svg-chart.js";
import { renderMarkdownTable, renderTextTable } from "../../../cli/report/text-table.js";
import {
  markRows,
  renderReportHtml,
  renderSummaryMarkdown,
  renderTerminalSummary,
} from "../../../cli/report/tuning-report.js";
import type { PowerStats, TuningOutput } from "../../../functions/tuner/core/index.js";
import { powerStats } from "../../support/report-fixtures.js";

// 50 invocations per power: the run of `output` below measured num 50 (its sampling says so).
const stats = (power: number, averageMs: number, costUsd: number): PowerStats =>
  powerStats(power, averageMs, costUsd, { invocations: 50 });

const output: TuningOutput = {
  power: 512,
  cost: 0.0000021,
  duration: 20,
  stateMachine: {
    executionCost: 0.00025,
    lambdaCost: 0.00003,
    visualization: "https://lambda-power-tuning.show/#gAAAAQ==;AADJQgAASUI=;XHxhNCQ5bDQ=",
    quickchartUrl: "https://quickchart.io/chart?c=x",
  },
  recommendation: {
    currentPower: 128,
    winnerPower: 512,
    strategy: "balanced",
    bestPower: 1024,
    equivalentPowers: [512, 1024],
    pValues: [
      { power: 128, pValue: 0.0005 },
      { power: 512, pValue: 0.41 },
      { power: 1024, pValue: 1 },
    ],
    confidence: 0.9995,
    weakestExclusion: { power: 128, pValue: 0.0005 },
    savingPercent: 41.5,
    monthlySavingUsd: 1.2,
    significant: true,
    decision: "apply",
    reason: "winner is significantly better",
    applied: "yes",
    appliedTo: "arn:aws:lambda:us-east-1:000000000000:function:crud:$LATEST",
    infeasiblePowers: [],
    memoryFloorMb: null,
  },
  sampling: {
    mode: "fixed",
    rounds: 5,
    roundInvocations: 10,
    maxInvocations: 50,
    invocations: [
      { power: 128, count: 50, lastRound: 5 },
      { power: 512, count: 50, lastRound: 5 },
      { power: 1024, count: 50, lastRound: 5 },
    ],
    spentUsd: 0.0004,
    stop: "num",
    stoppedBecause: "every power got num 50 invocations",
    drift: { roundFactors: [1, 1, 1, 1, 1], spreadPercent: 0, detected: false, warmUp: false },
  },
  stats: [stats(128, 80, 0.0000017), stats(512, 20, 0.0000021), stats(1024, 19, 0.0000034)],
  prices: { region: "us-east-1", architecture: "arm64", takenOn: "2025-10-01" },
  dryRun: false,
  warnings: ["a <warning> & more"],
};

const meta = {
  functionArn: "arn:aws:lambda:us-east-1:000000000000:function:crud",
  executionArn: "arn:aws:states:us-east-1:000000000000:execution:tuner:run-1",
  startedAt: new Date("2026-11-22T10:04:05.123Z"),
  finishedAt: new Date("2026-11-22T10:04:35.623Z"),
};

describe("the tuning report", () => {
  it("marks the cheapest, the fastest, the best score, the chosen, the tied and the current power", () => {
    const marks = Object.fromEntries(markRows(output).map((row) => [row.stats.power, row.marks]));
    expect(marks).toEqual({
      128: ["cheapest", "current"],
      512: ["chosen"],
      1024: ["fastest", "best score", "tied"],
    });
  });

  it("shows the tie, the confidence, invocations per power and each power's interval and p-value", () => {
    const text = renderTerminalSummary(output);
    expect(text).toContain(
      "choice (balanced): 512 MB; 1024 MB is indistinguishable (best balanced score: 1024 MB)",
    );
    expect(text).toContain(
      "confidence: 100.0 %: the weakest exclusion of a smaller power is 128 MB (p < 0.001)",
    );
    expect(text).toContain("measured in 5 rounds of up to 10 invocations per power, interleaved (num 50)");
    expect(text).toContain("stopped: every power got num 50 invocations");
    const row = text.split("\n").find((line) => line.trimStart().startsWith("512 MB")) ?? "";
    expect(row).toMatch(/512 MB\s+50\s+20\.00 ms\s+19\.00–21\.00 ms/);
    expect(row).toContain("0.410");
    const best = text.split("\n").find((line) => line.trimStart().startsWith("1024 MB")) ?? "";
    expect(best).toContain("best");
  });

  it("names several tied powers, no tie, and a dry run's missing confidence", () => {
    const several = { ...output.recommendation, equivalentPowers: [512, 1024, 2048] };
    expect(renderTerminalSummary({ ...output, recommendation: several })).toContain(
      "512 MB; 1024 MB and 2048 MB are indistinguishable",
    );
    const alone = { ...output.recommendation, equivalentPowers: [512], bestPower: 512 };
    expect(renderTerminalSummary({ ...output, recommendation: alone })).toContain(
      "512 MB; no other power is indistinguishable from the best at 95 %",
    );
    const dry = { ...output.recommendation, confidence: null };
    expect(renderTerminalSummary({ ...output, recommendation: dry })).toContain("confidence: none");
  });

  it("prints a table with units, the outcome, the run cost and the chart URL", () => {
    const text = renderTerminalSummary(output, "reports/history/x");
    expect(text).toContain("512 MB");
    expect(text).toMatch(/20\.00 ms/);
    expect(text).toContain("0.00000210 USD");
    expect(text).toContain(
      "applied: 512 MB to arn:aws:lambda:us-east-1:000000000000:function:crud:$LATEST, was 128 MB",
    );
    expect(text).toContain("chart: https://quickchart.io/chart?c=x");
    expect(text).toContain("report: reports/history/x");
  });

  it("writes Markdown with one table row per power", () => {
    const markdown = renderSummaryMarkdown(output, meta);
    expect(
      markdown.split("\n").filter((line) => /^\| +\d+ MB/.test(line) || /^\| \d+ MB/.test(line)),
    ).toHaveLength(3);
    expect(markdown).toContain("took 30.5 s");
    expect(markdown).toContain("**512 MB; 1024 MB is indistinguishable");
    expect(markdown).toContain("confidence: 100.0 %");
  });

  it("renders a self-contained page: inline SVG chart, escaped text, no script and no remote resource", () => {
    const html = renderReportHtml(output, meta);
    expect(html).toContain("<svg");
    expect(html).not.toMatch(/<script|<link|<img|src=/i);
    expect(html).toContain("a &#60;warning&#62; &#38; more");
    expect(html).toContain("512 MB; 1024 MB is indistinguishable");
    // One error bar per power and series.
    expect(html.match(/class="error-bar"/g)).toHaveLength(6);
    // Only the two explicit links to the charts, for those who have network.
    expect(html.match(/https?:\/\/[^"<\s]*/g)).toEqual([
      "http://www.w3.org/2000/svg",
      "https://quickchart.io/chart?c=x",
      "https://lambda-power-tuning.show/#gAAAAQ==;AADJQgAASUI=;XHxhNCQ5bDQ=",
    ]);
  });

  it("shows each power's error rate and marks an infeasible power, which is neither cheapest nor charted", () => {
    const oom = {
      ...stats(128, 400, 0.0000009),
      feasible: false,
      errorRate: 1,
      errors: [
        {
          errorType: "Runtime.OutOfMemory",
          kind: "outOfMemory" as const,
          allowed: false,
          count: 1,
          message: "Runtime exited with error: signal: killed",
        },
      ],
    };
    const failing: TuningOutput = {
      ...output,
      stats: [oom, ...(output.stats ?? []).slice(1)],
      recommendation: {
        ...output.recommendation,
        infeasiblePowers: [128],
        memoryFloorMb: 231,
        weakestExclusion: null,
        confidence: 1,
      },
    };
    const marks = Object.fromEntries(markRows(failing).map((row) => [row.stats.power, row.marks]));
    expect(marks[128]).toEqual(["infeasible", "current"]);
    expect(marks[512]).toEqual(["cheapest", "chosen"]);
    const text = renderTerminalSummary(failing);
    const row = text.split("\n").find((line) => line.trimStart().startsWith("128 MB")) ?? "";
    expect(row).toContain("100 % Runtime.OutOfMemory");
    expect(text.split("\n").find((line) => line.trimStart().startsWith("512 MB"))).toContain(" 0 %");
    expect(text).toContain(
      "128 MB is infeasible, excluded from the choice (their invocations failed: see the warnings); memory floor 231 MB",
    );
    expect(text).toContain("confidence: 100.0 %: no smaller feasible power was measured (128 MB infeasible)");
    expect(renderSummaryMarkdown(failing, meta)).toContain("| 100 % Runtime.OutOfMemory |");
    const html = renderReportHtml(failing, meta);
    expect(html).toContain("100 % Runtime.OutOfMemory");
    // Two powers on the chart: one error bar per power and series.
    expect(html.match(/class="error-bar"/g)).toHaveLength(4);
  });

  it("reads an output from before the lambda-power-tuning.show link: its visualization was the quickchart URL", () => {
    const old = {
      ...output,
      stateMachine: {
        executionCost: 0.00025,
        lambdaCost: 0.00003,
        visualization: "https://quickchart.io/chart?c=y",
      },
    } as unknown as TuningOutput;
    const text = renderTerminalSummary(old);
    expect(text).toContain("chart: https://quickchart.io/chart?c=y");
    expect(text).not.toContain("lambda-power-tuning.show");
  });

  it("names run folders by start time, kind and function, safely", () => {
    expect(runFolderName(meta.startedAt, "tune", meta.functionArn)).toBe("2026-11-22T10-04-05Z-tune-crud");
    expect(runFolderName(meta.startedAt, "loadtest", "arn:aws:lambda:r:1:function:a.b:alias")).toBe(
      "2026-11-22T10-04-05Z-loadtest-a_b",
    );
    expect(runFolderName(meta.startedAt, "smoke")).toBe("2026-11-22T10-04-05Z-smoke");
  });
});

describe("tables and charts", () => {
  const columns = [
    { header: "name", align: "left" as const, cell: (r: { n: string; v: number }) => r.n },
    { header: "value", align: "right" as const, cell: (r: { n: string; v: number }) => `${r.v}` },
  ];
  it("aligns text columns and escapes Markdown pipes", () => {
    expect(
      renderTextTable(columns, [
        { n: "a", v: 10 },
        { n: "bbb", v: 2 },
      ]),
    ).toBe(["name  value", "----  -----", "a        10", "bbb       2"].join("\n"));
    expect(renderMarkdownTable(columns, [{ n: "a|b", v: 1 }])).toContain("a\\|b");
  });

  it("rounds axis maxima to 1, 2 or 5 times a power of ten and rejects ragged series", () => {
    expect([0.7, 1, 1.5, 3, 7, 42, 0.00031].map(niceCeiling)).toEqual([1, 1, 2, 5, 10, 50, 0.0005]);
    expect(() => renderDualAxisChartSvg({ powers: [1, 2], durationsMs: [1], costsUsd: [1, 2] })).toThrow(
      /one duration/,
    );
    const svg = renderDualAxisChartSvg({
      powers: [128, 256],
      durationsMs: [10, 5],
      costsUsd: [1e-6, 1e-6],
      chosenPower: 256,
    });
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('font-weight="bold">256<');
    expect(svg).not.toContain("error-bar");
    const withBars = renderDualAxisChartSvg({
      powers: [128, 256],
      durationsMs: [10, 5],
      costsUsd: [1e-6, 1e-6],
      durationIntervalsMs: [
        { low: 9, high: 30 },
        { low: 4, high: 6 },
      ],
    });
    expect(withBars.match(/class="error-bar"/g)).toHaveLength(2);
    // The axis grows to hold the highest bar: 30 ms rounds up to 50.
    expect(withBars).toContain(">50<");
    expect(() =>
      renderDualAxisChartSvg({ powers: [1], durationsMs: [1], costsUsd: [1], costIntervalsUsd: [] }),
    ).toThrow(/one interval/);
  });
});
