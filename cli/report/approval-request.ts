// The approval request: what a reviewer reads before a pending memory change is applied (a GitHub issue's
// body in CI, a file on a laptop), and what `powertune approve|deny --request` reads back to check that the
// recommendation it settles is the one the reviewer saw.
import type { Recommendation, TuningOutput } from "../../functions/tuner/core/index.js";
import { formatMs, formatTime, formatUsd } from "./format.js";
import { describeEvidence, evidenceSection } from "./memory-summary.js";
import { functionNameOf } from "./run-folder.js";
import { chartLinks } from "./tuning-report.js";

/** What identifies the request: the tuning run (the execution's name) whose recommendation it shows. */
export interface ApprovalRequestRef {
  runId: string;
  functionArn: string;
}

export interface ApprovalRequestMeta {
  functionArn: string;
  executionArn: string;
  finishedAt: Date;
  /** What an approval changes: `$LATEST`, or the run's autoOptimizeAlias. @default "$LATEST" */
  applyTo?: string;
}

/**
 * Fields the tuner's decision rule adds to a recommendation (the powers indistinguishable from the best, and
 * how sure the choice is). Older outputs lack them: they are shown only when present.
 */
interface TieFields {
  equivalentPowers?: readonly number[];
  /** 0…1, or null when the run resolved nothing (a dry run). */
  confidence?: number | null;
}

// An HTML comment: GitHub does not show it, and it survives the issue body being copied to a file.
const MARKER = /<!-- powertune approval-request run-id="([^"]+)" function="([^"]+)" -->/;

/** The execution's name, which the tuner uses as its run id. */
export function runIdOf(executionArn: string): string {
  return executionArn.split(":").at(-1) ?? executionArn;
}

function listPowers(powers: readonly number[]): string {
  return powers.map((p) => `${p} MB`).join(", ");
}

/** The tie and confidence lines, for the outputs that have them. */
function decisionLines(r: Recommendation & TieFields): string[] {
  const lines: string[] = [];
  if (r.equivalentPowers && r.equivalentPowers.length > 1) {
    lines.push(
      `- equivalent powers: ${listPowers(r.equivalentPowers)} cannot be told apart from the best at 95 %; the least memory among them is recommended`,
    );
  } else if (r.equivalentPowers) {
    lines.push("- equivalent powers: none, no other power is indistinguishable from the best at 95 %");
  }
  if (typeof r.confidence === "number") lines.push(`- confidence: ${(r.confidence * 100).toFixed(1)} %`);
  return lines;
}

/** The quickchart.io chart, and the lambda-power-tuning.show page whose figures stay in the link's fragment. */
function chartLinkLines(output: TuningOutput): string[] {
  const { page, quickchart } = chartLinks(output);
  return [
    ...(quickchart ? [`- chart: [duration and cost by memory](${quickchart})`] : []),
    ...(page ? [`- the same on lambda-power-tuning.show: [duration and cost by memory](${page})`] : []),
  ];
}

/**
 * The request's Markdown: before → after, the evidence and the figures, the chart link, the run id, and how
 * to answer. Undefined unless the run left its recommendation pending: there is nothing to approve then.
 */
export function renderApprovalRequest(output: TuningOutput, meta: ApprovalRequestMeta): string | undefined {
  const r: Recommendation & TieFields = output.recommendation;
  if (r.applied !== "pending") return undefined;
  const runId = runIdOf(meta.executionArn);
  const winner = output.stats?.find((s) => s.power === r.winnerPower);
  const current = output.stats?.find((s) => s.power === r.currentPower);
  const figures = (label: string, s: typeof winner) =>
    s
      ? [
          `- ${label}: ${formatMs(s.averageMs)} average, ${formatMs(s.p90Ms)} p90, ${formatUsd(s.costUsd)} per invocation`,
        ]
      : [];
  const target = `${meta.functionArn}:${meta.applyTo ?? "$LATEST"}`;
  const lines = [
    `<!-- powertune approval-request run-id="${runId}" function="${meta.functionArn}" -->`,
    `# Memory change awaiting approval: \`${functionNameOf(meta.functionArn)}\``,
    "",
    `A tuning of \`${meta.functionArn}\` recommends **${r.currentPower} MB → ${r.winnerPower} MB** (strategy ${r.strategy}). Nothing changes until it is approved.`,
    "",
    `- evidence: ${describeEvidence(r)}`,
    ...decisionLines(r),
    ...figures(`at ${r.winnerPower} MB`, winner),
    ...figures(`at ${r.currentPower} MB (now)`, current),
    `- the optimizer's reason: ${r.reason}`,
    `- tuning run: \`${runId}\` (execution \`${meta.executionArn}\`), finished ${formatTime(meta.finishedAt)}`,
    ...chartLinkLines(output),
    "",
  ];
  lines.push(...evidenceSection(output.stats, r.currentPower, r.winnerPower));
  for (const warning of output.warnings) lines.push(`> warning: ${warning}`, "");
  lines.push(
    "## To decide",
    "",
    `- \`/approve\` sets ${r.winnerPower} MB on \`${target}\`; \`/deny\` keeps ${r.currentPower} MB.`,
    "- Only a user with write access to the repository can decide; anyone else's answer changes nothing.",
    `- In a terminal, with this text saved to a file: \`powertune approve ${functionNameOf(meta.functionArn)} --request FILE\` (or \`deny\`).`,
    `- Only this run's recommendation can be settled with this request: a newer tuning's is refused.`,
    "",
  );
  return lines.join("\n");
}

/** The run and function a request names, or undefined when the text holds no request. */
export function parseApprovalRequest(text: string): ApprovalRequestRef | undefined {
  const match = MARKER.exec(text);
  if (!match) return undefined;
  const [, runId = "", functionArn = ""] = match;
  return { runId, functionArn };
}
