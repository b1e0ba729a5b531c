import { describe, expect, it } from "vitest";
import { renderTuneFailureMarkdown, renderTuneMarkdown } from "../../../../cli/report/step-summary.js";
import { renderSummaryMarkdown } from "../../../../cli/report/tuning-report.js";
import { FUNCTION_ARN, tuningOutput } from "../../../support/report-fixtures.js";

const meta = {
  functionArn: FUNCTION_ARN,
  executionArn: "arn:aws:states:us-east-1:000000000000:execution:PowerTuner:run-1",
  startedAt: new Date("2026-11-02T05:18:00Z"),
  finishedAt: new Date("2026-11-02T05:20:00Z"),
};

describe("the job summary of a tuning", () => {
  it("is the run's summary.md, then where the report is", () => {
    const output = tuningOutput(512);
    const text = renderTuneMarkdown(output, meta, "reports/history/2026-11-02T05-18-00Z-tune-crud");
    expect(text.startsWith(renderSummaryMarkdown(output, meta))).toBe(true);
    expect(text).toContain(
      "The report is in `reports/history/2026-11-02T05-18-00Z-tune-crud` (summary.md, report.html, result.json).",
    );
    expect(text.endsWith("\n\n")).toBe(true);
    expect(renderTuneMarkdown(output, meta)).not.toContain("The report is in");
  });

  it("of a failed run names the function and execution, and shows the cause in a code block that cannot be closed early", () => {
    const text = renderTuneFailureMarkdown({
      functionArn: FUNCTION_ARN,
      executionArn: meta.executionArn,
      message: "execution failed: PowerValueFailedError\n```oops```",
    });
    expect(text).toContain(`# Power tuning of \`${FUNCTION_ARN}\` failed`);
    expect(text).toContain(`- execution: \`${meta.executionArn}\``);
    expect(text).toContain("```text\nexecution failed: PowerValueFailedError\n'''oops'''\n```");
    const noExecution = renderTuneFailureMarkdown({ functionArn: FUNCTION_ARN, message: "AccessDenied" });
    expect(noExecution).not.toContain("- execution:");
  });
});
