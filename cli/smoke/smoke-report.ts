// A smoke run for people: a line per request while it runs, summary.md, and report.html rendered from
// newman's summary here (the maintained HTML reporters load their styles and scripts from CDNs).
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { formatTime } from "../report/format.js";
import { writeIndex } from "../report/history-index.js";
import { escapeHtml, renderHtmlTable, renderPage } from "../report/html.js";
import type { SmokeExecution, SmokeRecord } from "../report/records.js";
import { makeRunFolder } from "../report/run-folder.js";
import { type Column, renderMarkdownTable } from "../report/text-table.js";

export const JUNIT_FILE = "newman-junit.xml";

export function executionPassed(execution: SmokeExecution): boolean {
  return execution.error === undefined && execution.assertions.every((a) => a.passed);
}

export function smokePassed(record: Pick<SmokeRecord, "requests" | "assertions">): boolean {
  return record.requests.failed === 0 && record.assertions.failed === 0;
}

function countLine(execution: SmokeExecution): string {
  const passed = execution.assertions.filter((a) => a.passed).length;
  return `${passed}/${execution.assertions.length}`;
}

/** `✓ 201   12 ms  items / POST /items creates (201)  4/4`, and each failed assertion under it. */
export function renderExecutionLine(execution: SmokeExecution): string {
  const mark = executionPassed(execution) ? "✓" : "✗";
  const status = execution.status === null ? "---" : String(execution.status);
  const time = execution.responseTimeMs === null ? "" : `${execution.responseTimeMs} ms`;
  const lines = [`${mark} ${status} ${time.padStart(7)}  ${execution.name}  ${countLine(execution)}`];
  if (execution.error) lines.push(`    no response: ${execution.error}`);
  for (const a of execution.assertions.filter((x) => !x.passed)) {
    lines.push(`    ✗ ${a.name}: ${a.message ?? "failed"}`);
  }
  return lines.join("\n");
}

export function renderSmokeVerdict(record: SmokeRecord): string {
  return smokePassed(record)
    ? `passed: ${record.assertions.total} assertions in ${record.requests.total} requests`
    : `FAILED: ${record.assertions.failed} of ${record.assertions.total} assertions failed${record.requests.failed > 0 ? `, ${record.requests.failed} of ${record.requests.total} requests got no response` : ""}`;
}

const columns: Column<SmokeExecution>[] = [
  { header: "", align: "left", cell: (e) => (executionPassed(e) ? "✓" : "✗") },
  { header: "request", align: "left", cell: (e) => e.name },
  { header: "method", align: "left", cell: (e) => e.method },
  { header: "status", align: "right", cell: (e) => (e.status === null ? "no response" : String(e.status)) },
  {
    header: "time",
    align: "right",
    cell: (e) => (e.responseTimeMs === null ? "" : `${e.responseTimeMs} ms`),
  },
  { header: "assertions", align: "right", cell: countLine },
];

export function renderSmokeMarkdown(record: SmokeRecord): string {
  const failed = record.executions.flatMap((e) =>
    e.assertions.filter((a) => !a.passed).map((a) => `- ${e.name}: ${a.name}: ${a.message ?? "failed"}`),
  );
  return [
    `# Smoke test of ${record.apiUrl}`,
    "",
    `- collection: ${record.collection}; table \`${record.table}\``,
    `- started: ${formatTime(record.startedAt)}`,
    `- **${renderSmokeVerdict(record)}**`,
    `- JUnit XML: ${JUNIT_FILE}`,
    "",
    renderMarkdownTable(columns, record.executions),
    "",
    ...(failed.length > 0 ? ["## Failed assertions", "", ...failed, ""] : []),
  ].join("\n");
}

export function renderSmokeHtml(record: SmokeRecord): string {
  const passed = smokePassed(record);
  const table = renderHtmlTable(
    columns.map((c) => ({ text: c.header, align: c.align })),
    record.executions.map((e) => columns.map((c) => c.cell(e))),
    (i) => {
      const execution = record.executions[i];
      return execution && !executionPassed(execution) ? "failed" : undefined;
    },
    "executions",
  );
  const details = record.executions
    .map((e) => {
      const items = e.assertions
        .map(
          (a) =>
            `<li class="${a.passed ? "passed" : "failed-text"}">${a.passed ? "✓" : "✗"} ${escapeHtml(a.name)}${a.message ? `: ${escapeHtml(a.message)}` : ""}</li>`,
        )
        .join("");
      const error = e.error ? `<p class="failed-text">no response: ${escapeHtml(e.error)}</p>` : "";
      return `<details${executionPassed(e) ? "" : " open"}><summary>${escapeHtml(`${e.method} ${e.name}`)} (${countLine(e)})</summary><p><code>${escapeHtml(e.url)}</code></p>${error}<ul>${items}</ul></details>`;
    })
    .join("\n");
  return renderPage(
    `powertune smoke test: ${passed ? "passed" : "FAILED"}`,
    `<h1>Smoke test of <code>${escapeHtml(record.apiUrl)}</code></h1>
<p class="${passed ? "passed" : "failed-text"}" id="verdict"><strong>${escapeHtml(renderSmokeVerdict(record))}</strong></p>
<p>Collection “${escapeHtml(record.collection)}”, table <code>${escapeHtml(record.table)}</code>, run by newman on
${escapeHtml(formatTime(record.startedAt))}. The JUnit XML is <a href="${JUNIT_FILE}">${JUNIT_FILE}</a>.</p>
${table}
<h2>Assertions</h2>
${details}`,
  );
}

/** Makes the run folder for newman's JUnit file to land in. */
export function makeSmokeFolder(reportsDir: string, startedAt: Date, functionName?: string): Promise<string> {
  return makeRunFolder(reportsDir, startedAt, "smoke", functionName);
}

/** Writes result.json, summary.md and report.html beside the JUnit XML, then rewrites the index. */
export async function writeSmokeReport(reportsDir: string, dir: string, record: SmokeRecord): Promise<void> {
  await Promise.all([
    writeFile(join(dir, "result.json"), `${JSON.stringify(record, null, 2)}\n`),
    writeFile(join(dir, "summary.md"), renderSmokeMarkdown(record)),
    writeFile(join(dir, "report.html"), renderSmokeHtml(record)),
  ]);
  await writeIndex(reportsDir);
}
