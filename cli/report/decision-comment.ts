// What `powertune approve|deny --markdown FILE` writes: the outcome as a reviewer reads it (the approval
// issue's comment in CI), including why nothing was done when the command refused.
import { functionNameOf } from "./run-folder.js";

export type DecisionOutcome =
  | {
      kind: "approved";
      functionArn: string;
      runId: string;
      beforeMb: number;
      afterMb: number;
      /** `<function>:$LATEST` or `<function>:<alias>`. */
      appliedTo: string;
      decidedBy: string;
      /** memory-summary.md's path, when written. */
      memorySummary?: string;
    }
  | {
      kind: "denied";
      functionArn: string;
      runId: string;
      keptMb: number;
      droppedMb: number;
      decidedBy: string;
    }
  /** The command refused before changing anything (no pending recommendation, another run's request). */
  | { kind: "refused"; decision: "approve" | "deny"; message: string }
  /** An error part-way: what was done is not known from here. */
  | { kind: "failed"; decision: "approve" | "deny"; message: string };

const quote = (message: string) =>
  message
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");

export function renderDecisionMarkdown(outcome: DecisionOutcome): string {
  switch (outcome.kind) {
    case "approved":
      return [
        `**Approved** by ${outcome.decidedBy}: \`${functionNameOf(outcome.functionArn)}\` now has **${outcome.afterMb} MB** (was ${outcome.beforeMb} MB).`,
        "",
        `- applied to: \`${outcome.appliedTo}\``,
        `- tuning run: \`${outcome.runId}\``,
        ...(outcome.memorySummary ? [`- memory summary: \`${outcome.memorySummary}\``] : []),
        "",
      ].join("\n");
    case "denied":
      return [
        `**Denied** by ${outcome.decidedBy}: \`${functionNameOf(outcome.functionArn)}\` keeps ${outcome.keptMb} MB; the ${outcome.droppedMb} MB recommendation is dropped.`,
        "",
        `- tuning run: \`${outcome.runId}\``,
        "",
      ].join("\n");
    case "refused":
      return [
        `**Not done**: \`powertune ${outcome.decision}\` refused, and changed nothing.`,
        "",
        quote(outcome.message),
        "",
      ].join("\n");
    case "failed":
      return [
        `**Failed**: \`powertune ${outcome.decision}\` stopped with an error. Check the function's memory and its pending recommendation before answering again.`,
        "",
        quote(outcome.message),
        "",
      ].join("\n");
  }
}
