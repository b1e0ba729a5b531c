// The Markdown a tuning adds to a CI job's summary (`powertune tune --markdown FILE`): the run's summary.md,
// where its report went, or why it failed. Appended, so a job that tunes twice shows both.
import type { TuningOutput } from "../../functions/tuner/core/index.js";
import { type ReportMeta, renderSummaryMarkdown } from "./tuning-report.js";

export function renderTuneMarkdown(output: TuningOutput, meta: ReportMeta, reportDir?: string): string {
  const report = reportDir
    ? `The report is in \`${reportDir}\` (summary.md, report.html, result.json).\n\n`
    : "";
  return `${renderSummaryMarkdown(output, meta)}\n${report}`;
}

/** A tuning that did not finish: the function, the execution when one started, and the cause as printed. */
export function renderTuneFailureMarkdown(failure: {
  functionArn: string;
  executionArn?: string | undefined;
  message: string;
}): string {
  const lines = [
    `# Power tuning of \`${failure.functionArn}\` failed`,
    "",
    ...(failure.executionArn ? [`- execution: \`${failure.executionArn}\``, ""] : []),
    "```text",
    failure.message.replace(/```/g, "'''"),
    "```",
    "",
  ];
  return `${lines.join("\n")}\n`;
}
