import { describe, expect, it } from "vitest";
import { type PendingItem, pendingToSettle } from "../../../cli/pending-recommendation.js";
import { UsageError } from "../../../cli/usage-error.js";
import { FUNCTION_ARN, tuningOutput } from "../../support/report-fixtures.js";

const pending: PendingItem = {
  functionArn: FUNCTION_ARN,
  runId: "run-2",
  recommendation: { ...tuningOutput(512, "no").recommendation, decision: "pending", applied: "pending" },
  applyTo: "$LATEST",
};

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("not refused");
};

describe("which pending recommendation approve or deny settles", () => {
  it("the pending one, when no request is given or the request is that run's", () => {
    expect(pendingToSettle(FUNCTION_ARN, pending)).toBe(pending);
    expect(pendingToSettle(FUNCTION_ARN, pending, { runId: "run-2", functionArn: FUNCTION_ARN })).toBe(
      pending,
    );
  });

  it("refuses when nothing is pending, saying whether the request's run was settled already", () => {
    expect(refusal(() => pendingToSettle(FUNCTION_ARN, undefined))).toBe(
      `${FUNCTION_ARN} has no pending recommendation (run a tuning with "approval": "manual")`,
    );
    expect(
      refusal(() => pendingToSettle(FUNCTION_ARN, undefined, { runId: "run-1", functionArn: FUNCTION_ARN })),
    ).toBe(
      `${FUNCTION_ARN} has no pending recommendation: the request's run run-1 was approved or denied already, or left none pending`,
    );
  });

  it("refuses a request of another run: an old request cannot settle a newer recommendation", () => {
    expect(
      refusal(() => pendingToSettle(FUNCTION_ARN, pending, { runId: "run-1", functionArn: FUNCTION_ARN })),
    ).toBe(
      `the request is for run run-1, but ${FUNCTION_ARN}'s pending recommendation is from run run-2 (128 MB → 512 MB): answer that run's request instead`,
    );
  });
});
