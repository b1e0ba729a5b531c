// A load test for people: the terminal table and ratios, summary.md, and a self-contained report.html.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { formatMs, formatRps, formatTime } from "../report/format.js";
import { writeIndex } from "../report/history-index.js";
import { escapeHtml, renderHtmlTable, renderPage } from "../report/html.js";
import type { LoadtestRecord } from "../report/records.js";
import { functionNameOf, makeRunFolder } from "../report/run-folder.js";
import { renderLineChartSvg, SERIES_COLORS } from "../report/svg-chart.js";
import { type Column, renderMarkdownTable, renderTextTable } from "../report/text-table.js";
import { describeRatios, type LoadRunDetail } from "./load-run.js";

/** Lambda's law: 1769 MB of memory buys one vCPU. */
const MB_PER_VCPU = 1769;

/** What the numbers mean where they were measured, and what of them carries over to AWS. */
export function transferNotes(options: {
  cloud: "local" | "aws";
  connections: number;
  powers: readonly number[];
  /** Cores the local cloud lends to functions. */
  cores: number;
}): string[] {
  if (options.cloud === "aws") {
    return [
      "On AWS the figures include the network from this machine to the API and API Gateway itself; each concurrent request gets its own execution environment, so throughput is capped by the account's concurrency, not by a machine.",
    ];
  }
  const cores = `${options.cores} core${options.cores === 1 ? "" : "s"}`;
  const notes = [
    `Locally each execution environment gets memory/${MB_PER_VCPU} of one core (Lambda's CPU law), and all of them share the ${cores} this machine lends to functions: latency follows the law, throughput is capped by those cores.`,
    "What transfers to AWS: the latency ratio between memory sizes. What does not: absolute requests/s and latencies (on AWS every concurrent request has its own environment and CPU; here they share this machine).",
  ];
  for (const power of options.powers) {
    const vcpus = (options.connections * power) / MB_PER_VCPU;
    if (vcpus > options.cores) {
      notes.push(
        `At ${power} MB, ${options.connections} connections ask for ${vcpus.toFixed(1)} vCPUs and the local cloud lends functions ${options.cores}: requests waited for CPU, so this size's latency includes queueing AWS would not have. Fewer --connections give a cleaner ratio.`,
      );
    }
  }
  return notes;
}

const wholeMs = (value: number) => `${value} ms`;

const columns: Column<LoadRunDetail>[] = [
  { header: "memory", align: "right", cell: (r) => `${r.power} MB` },
  { header: "requests", align: "right", cell: (r) => String(r.requests) },
  { header: "throughput", align: "right", cell: (r) => formatRps(r.rps) },
  { header: "avg", align: "right", cell: (r) => formatMs(r.latencyMs.avg) },
  { header: "p50", align: "right", cell: (r) => wholeMs(r.latencyMs.p50) },
  { header: "p90", align: "right", cell: (r) => wholeMs(r.latencyMs.p90) },
  { header: "p99", align: "right", cell: (r) => wholeMs(r.latencyMs.p99) },
  { header: "errors", align: "right", cell: (r) => String(r.errors) },
  { header: "non-2xx", align: "right", cell: (r) => String(r.non2xx) },
];

function settingsLine(record: LoadtestRecord): string {
  const s = record.settings;
  const length = s.amount !== undefined ? `${s.amount} requests` : `${s.durationS} s`;
  const rate = s.rate !== undefined ? `, at most ${s.rate} req/s` : "";
  return `${s.connections} connections, ${length} per memory size${rate}; ${s.requests}`;
}

function restoredLine(record: LoadtestRecord): string {
  return record.restored
    ? `memory put back to ${record.originalMemoryMb} MB`
    : `memory NOT put back: set it to ${record.originalMemoryMb} MB yourself`;
}

export function renderLoadtestTerminal(record: LoadtestRecord, reportDir?: string): string {
  const lines = [renderTextTable(columns, record.runs), ""];
  for (const ratio of describeRatios(record.runs)) lines.push(ratio);
  lines.push(restoredLine(record), "");
  for (const note of record.notes) lines.push(`note: ${note}`);
  if (reportDir) lines.push(`report: ${reportDir}`);
  return `${lines.join("\n")}\n`;
}

export function renderLoadtestMarkdown(record: LoadtestRecord): string {
  const seconds = ((Date.parse(record.finishedAt) - Date.parse(record.startedAt)) / 1000).toFixed(1);
  const lines = [
    `# Load test of \`${record.functionArn}\``,
    "",
    `- API: ${record.apiUrl} (${record.cloud === "local" ? "the local cloud" : "AWS"})`,
    `- started: ${formatTime(record.startedAt)}, took ${seconds} s`,
    `- load: ${settingsLine(record)}`,
    `- ${restoredLine(record)}`,
    "",
    renderMarkdownTable(columns, record.runs),
    "",
    ...describeRatios(record.runs).map((ratio) => `- ${ratio}`),
    "",
    "Percentiles have autocannon's 1 ms resolution.",
    "",
    ...record.notes.map((note) => `> ${note}\n`),
  ];
  return lines.join("\n");
}

export function renderLoadtestHtml(record: LoadtestRecord): string {
  const xLabels = record.runs.map((r) => `${r.power}`);
  const latencyChart = renderLineChartSvg({
    title: "latency per memory size",
    xLabels,
    xTitle: "memory (MB)",
    yTitle: "latency (ms)",
    series: (["avg", "p50", "p90", "p99"] as const).map((key, i) => ({
      name: key,
      values: record.runs.map((r) => r.latencyMs[key]),
      color: SERIES_COLORS[i] ?? "#111",
    })),
  });
  const throughputChart = renderLineChartSvg({
    title: "throughput per memory size",
    xLabels,
    xTitle: "memory (MB)",
    yTitle: "throughput (req/s)",
    series: [{ name: "req/s", values: record.runs.map((r) => r.rps), color: SERIES_COLORS[4] }],
  });
  const table = renderHtmlTable(
    columns.map((c) => ({ text: c.header, align: c.align })),
    record.runs.map((run) => columns.map((c) => c.cell(run))),
    () => undefined,
    "runs",
  );
  return renderPage(
    `powertune load test: ${functionNameOf(record.functionArn)}`,
    `<h1>Load test of <code>${escapeHtml(record.functionArn)}</code></h1>
<p>${escapeHtml(settingsLine(record))}.<br>API ${escapeHtml(record.apiUrl)} (${record.cloud === "local" ? "the local cloud" : "AWS"}),
started ${escapeHtml(formatTime(record.startedAt))}; ${escapeHtml(restoredLine(record))}.</p>
${table}
<ul>${describeRatios(record.runs)
      .map((ratio) => `<li>${escapeHtml(ratio)}</li>`)
      .join("")}</ul>
<div class="charts">
<figure data-chart="latency">${latencyChart}<figcaption>latency per memory size (avg, p50, p90, p99)</figcaption></figure>
<figure data-chart="throughput">${throughputChart}<figcaption>throughput per memory size</figcaption></figure>
</div>
${record.notes.map((note) => `<p class="note">${escapeHtml(note)}</p>`).join("\n")}
<p class="note">Percentiles have autocannon's 1 ms resolution.</p>`,
  );
}

/** Writes the run folder (result.json, summary.md, report.html) and rewrites the index; returns the folder. */
export async function writeLoadtestReport(reportsDir: string, record: LoadtestRecord): Promise<string> {
  const dir = await makeRunFolder(reportsDir, new Date(record.startedAt), "loadtest", record.functionArn);
  await Promise.all([
    writeFile(join(dir, "result.json"), `${JSON.stringify(record, null, 2)}\n`),
    writeFile(join(dir, "summary.md"), renderLoadtestMarkdown(record)),
    writeFile(join(dir, "report.html"), renderLoadtestHtml(record)),
  ]);
  await writeIndex(reportsDir);
  return dir;
}
