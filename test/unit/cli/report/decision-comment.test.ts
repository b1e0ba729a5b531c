import { describe, expect, it } from "vitest";
import { renderDecisionMarkdown } from "../../../../cli/report/decision-comment.js";
import { FUNCTION_ARN } from "../../../support/report-fixtures.js";

describe("the decision's Markdown", () => {
  it("an approval: who, the function's new memory and the old, where it applies, the run, the memory summary", () => {
    const text = renderDecisionMarkdown({
      kind: "approved",
      functionArn: FUNCTION_ARN,
      runId: "run-1",
      beforeMb: 128,
      afterMb: 512,
      appliedTo: `${FUNCTION_ARN}:$LATEST`,
      decidedBy: "@octocat",
      memorySummary: "reports/history/2026-11-02T05-30-00Z-approve-crud/memory-summary.md",
    });
    expect(text).toBe(
      [
        "**Approved** by @octocat: `crud` now has **512 MB** (was 128 MB).",
        "",
        `- applied to: \`${FUNCTION_ARN}:$LATEST\``,
        "- tuning run: `run-1`",
        "- memory summary: `reports/history/2026-11-02T05-30-00Z-approve-crud/memory-summary.md`",
        "",
      ].join("\n"),
    );
  });

  it("a denial: the memory kept and the recommendation dropped", () => {
    const text = renderDecisionMarkdown({
      kind: "denied",
      functionArn: FUNCTION_ARN,
      runId: "run-1",
      keptMb: 128,
      droppedMb: 512,
      decidedBy: "@octocat",
    });
    expect(text).toContain(
      "**Denied** by @octocat: `crud` keeps 128 MB; the 512 MB recommendation is dropped.",
    );
    expect(text).toContain("- tuning run: `run-1`");
  });

  it("a refusal says nothing changed and quotes why, every line", () => {
    const text = renderDecisionMarkdown({
      kind: "refused",
      decision: "approve",
      message: "the request is for run a,\nbut the pending one is from run b",
    });
    expect(text).toContain("**Not done**: `powertune approve` refused, and changed nothing.");
    expect(text).toContain("> the request is for run a,\n> but the pending one is from run b");
  });

  it("a failure part-way says what to check before answering again", () => {
    const text = renderDecisionMarkdown({
      kind: "failed",
      decision: "deny",
      message: "AccessDeniedException",
    });
    expect(text).toContain("**Failed**: `powertune deny` stopped with an error.");
    expect(text).toContain("> AccessDeniedException");
  });
});
