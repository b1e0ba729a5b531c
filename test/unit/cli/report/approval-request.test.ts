import { describe, expect, it } from "vitest";
import {
  parseApprovalRequest,
  renderApprovalRequest,
  runIdOf,
} from "../../../../cli/report/approval-request.js";
import type { TuningOutput } from "../../../../functions/tuner/core/index.js";
import { FUNCTION_ARN, tuningOutput } from "../../../support/report-fixtures.js";

const EXECUTION_ARN = "arn:aws:states:us-east-1:000000000000:execution:PowerTuner:5f1c0a2e-run";
const meta = {
  functionArn: FUNCTION_ARN,
  executionArn: EXECUTION_ARN,
  finishedAt: new Date("2026-11-02T05:20:00Z"),
};

/**
 * A manual-approval run that left 512 MB pending (the function has 128 MB), as an output from before the
 * decision rule reported equivalent powers and a confidence: `extra` adds them.
 */
function pendingOutput(extra: Record<string, unknown> = {}): TuningOutput {
  const output = tuningOutput(512, "no");
  const {
    equivalentPowers: _tie,
    confidence: _confidence,
    ...older
  } = output.recommendation as TuningOutput["recommendation"] & {
    equivalentPowers?: unknown;
    confidence?: unknown;
  };
  return {
    ...output,
    recommendation: {
      ...older,
      decision: "pending",
      applied: "pending",
      reason: "approval is manual: 512 MB awaits approval",
      ...extra,
    } as TuningOutput["recommendation"],
  };
}

describe("the approval request", () => {
  it("is written only for a recommendation left pending", () => {
    expect(renderApprovalRequest(tuningOutput(512, "yes"), meta)).toBeUndefined();
    expect(renderApprovalRequest(tuningOutput(512, "no"), meta)).toBeUndefined();
    expect(renderApprovalRequest(pendingOutput(), meta)).toBeTypeOf("string");
  });

  it("shows before → after, the evidence and figures, the chart link and the run id", () => {
    const text = renderApprovalRequest(pendingOutput(), meta) ?? "";
    expect(text).toContain("# Memory change awaiting approval: `crud`");
    expect(text).toContain("recommends **128 MB → 512 MB** (strategy balanced)");
    expect(text).toContain("- evidence: 41.5 % better on balanced, 1.20 USD a month saved");
    expect(text).toContain("- at 512 MB: 20.00 ms average, 22.00 ms p90, 0.00000210 USD per invocation");
    expect(text).toContain("- at 128 MB (now): 80.00 ms average");
    expect(text).toContain(
      `- tuning run: \`5f1c0a2e-run\` (execution \`${EXECUTION_ARN}\`), finished 2026-11-02 05:20:00 UTC`,
    );
    expect(text).toContain("- chart: [duration and cost by memory](https://quickchart.io/chart?c=x)");
    expect(text).toMatch(/^\| 512 MB \| 20\.00 ms \|.*\| after \|$/m);
    expect(text).toMatch(/^\| 128 MB \|.*\| before \|$/m);
    expect(text).toContain(
      `\`/approve\` sets 512 MB on \`${FUNCTION_ARN}:$LATEST\`; \`/deny\` keeps 128 MB.`,
    );
  });

  it("names the alias an approval moves when the run named one", () => {
    const text = renderApprovalRequest(pendingOutput(), { ...meta, applyTo: "live" }) ?? "";
    expect(text).toContain(`\`/approve\` sets 512 MB on \`${FUNCTION_ARN}:live\``);
  });

  it("shows the equivalent powers and the confidence when the output has them, and nothing when not", () => {
    const without = renderApprovalRequest(pendingOutput(), meta) ?? "";
    expect(without).not.toContain("equivalent powers");
    expect(without).not.toContain("confidence");
    const tie =
      renderApprovalRequest(pendingOutput({ equivalentPowers: [512, 1024], confidence: 0.973 }), meta) ?? "";
    expect(tie).toContain(
      "- equivalent powers: 512 MB, 1024 MB cannot be told apart from the best at 95 %; the least memory among them is recommended",
    );
    expect(tie).toContain("- confidence: 97.3 %");
    const alone =
      renderApprovalRequest(pendingOutput({ equivalentPowers: [512], confidence: null }), meta) ?? "";
    expect(alone).toContain("- equivalent powers: none");
    expect(alone).not.toContain("confidence");
  });

  it("names its run and function in its first line, which parses back, also from an issue body with CRLF", () => {
    const text = renderApprovalRequest(pendingOutput(), meta) ?? "";
    expect(text.split("\n")[0]).toBe(
      `<!-- powertune approval-request run-id="5f1c0a2e-run" function="${FUNCTION_ARN}" -->`,
    );
    expect(parseApprovalRequest(text)).toEqual({ runId: "5f1c0a2e-run", functionArn: FUNCTION_ARN });
    expect(parseApprovalRequest(`${text.replace(/\n/g, "\r\n")}\r\n`)).toEqual({
      runId: "5f1c0a2e-run",
      functionArn: FUNCTION_ARN,
    });
    expect(runIdOf(EXECUTION_ARN)).toBe("5f1c0a2e-run");
  });

  it("is not found in a text without its first line", () => {
    const text = renderApprovalRequest(pendingOutput(), meta) ?? "";
    expect(parseApprovalRequest(text.split("\n").slice(1).join("\n"))).toBeUndefined();
    expect(parseApprovalRequest("")).toBeUndefined();
  });
});
