// reports/index.html: every run in reports/history, newest first, and each function's drift across runs.
// Rebuilt from the run folders' result.json files after every run, so it never disagrees with them.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { formatRps, formatTime, formatUsd } from "./format.js";
import { escapeHtml, renderHtmlTable, renderPage } from "./html.js";
import { asRunRecord, type LoadtestRecord, type RunRecord } from "./records.js";
import { functionNameOf, historyDir } from "./run-folder.js";
import { renderLineChartSvg, SERIES_COLORS } from "./svg-chart.js";
import {
  axisTime,
  recommendationOutcome,
  renderTrendCharts,
  type TrendPoint,
  trendPointOf,
} from "./trend.js";

export interface IndexedRun {
  /** The run's folder name under history/. */
  folder: string;
  record: RunRecord;
  /** The files in the folder, for the links. */
  files: string[];
}

/** Every readable run folder, newest first; folders without a result.json of ours are left out. */
export async function readRunRecords(reportsDir: string): Promise<IndexedRun[]> {
  let folders: string[];
  try {
    folders = await readdir(historyDir(reportsDir));
  } catch {
    return [];
  }
  const runs: IndexedRun[] = [];
  for (const folder of folders) {
    const dir = join(historyDir(reportsDir), folder);
    try {
      const record = asRunRecord(JSON.parse(await readFile(join(dir, "result.json"), "utf8")));
      if (record) runs.push({ folder, record, files: await readdir(dir) });
    } catch {
      // not a run folder, or one being written right now
    }
  }
  return runs.sort(
    (a, b) => b.record.startedAt.localeCompare(a.record.startedAt) || b.folder.localeCompare(a.folder),
  );
}

/** The function a run concerns, by name ("api" for a smoke run against an API whose function is unknown). */
export function runFunction(record: RunRecord): string {
  if (record.kind === "smoke") return record.functionName ?? "api";
  return functionNameOf(record.functionArn);
}

/** One line on the run's outcome: the chosen power, the load-test figures, the smoke verdict. */
export function runVerdict(record: RunRecord): string {
  switch (record.kind) {
    case "tune": {
      const { output } = record;
      // A dry run keeps the memory by design: say so rather than "kept".
      const outcome =
        output.recommendation.applied === "no" && output.dryRun
          ? "dry run, nothing applied"
          : recommendationOutcome(output.recommendation);
      return `${output.power} MB, ${outcome}; ${formatUsd(output.cost)} per invocation`;
    }
    case "loadtest": {
      const runs = record.runs.map(
        (run) =>
          `${run.power} MB: p50 ${run.latencyMs.p50} ms, ${formatRps(run.rps)}${run.errors + run.non2xx > 0 ? `, ${run.errors} errors, ${run.non2xx} non-2xx` : ""}`,
      );
      return runs.join("; ");
    }
    case "smoke":
      return record.assertions.failed === 0 && record.requests.failed === 0
        ? `passed: ${record.assertions.total}/${record.assertions.total} assertions`
        : `FAILED: ${record.assertions.failed} of ${record.assertions.total} assertions${record.requests.failed > 0 ? `, ${record.requests.failed} requests without a response` : ""}`;
    case "approve":
      return `${record.afterMb} MB approved (was ${record.beforeMb} MB) by ${record.approvedBy}`;
  }
}

/** The page a run's row links to: its report.html, else its memory summary. */
function mainFile(run: IndexedRun): string | undefined {
  return ["report.html", "memory-summary.md", "summary.md"].find((file) => run.files.includes(file));
}

function loadtestChart(records: LoadtestRecord[]): string {
  const oldestFirst = [...records].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const powers = [...new Set(oldestFirst.flatMap((r) => r.runs.map((run) => run.power)))].sort(
    (a, b) => a - b,
  );
  return renderLineChartSvg({
    title: "load-test p50 latency per memory size",
    xLabels: oldestFirst.map((r) => axisTime(r.startedAt)),
    xTitle: "load test (UTC)",
    yTitle: "p50 (ms)",
    series: powers.map((power, i) => ({
      name: `${power} MB`,
      values: oldestFirst.map((r) => r.runs.find((run) => run.power === power)?.latencyMs.p50 ?? null),
      color: SERIES_COLORS[i % SERIES_COLORS.length] ?? "#111",
    })),
    width: 420,
    height: 240,
  });
}

export function renderIndexHtml(runs: readonly IndexedRun[], generatedAt: Date): string {
  const rows = runs.map((run) => {
    const file = mainFile(run);
    const folderHref = `history/${encodeURIComponent(run.folder)}/`;
    const links = [
      ...(file ? [`<a href="${folderHref}${file}">${escapeHtml(file)}</a>`] : []),
      `<a href="${folderHref}">folder</a>`,
    ].join(" · ");
    return [
      run.record.kind,
      runFunction(run.record),
      formatTime(run.record.startedAt),
      runVerdict(run.record),
      { html: links },
    ];
  });
  const table = renderHtmlTable(
    [
      { text: "kind", align: "left" },
      { text: "function", align: "left" },
      { text: "time", align: "left" },
      { text: "chosen power / verdict", align: "left" },
      { text: "report", align: "left" },
    ],
    rows,
    (i) => {
      const record = runs[i]?.record;
      return record?.kind === "smoke" && record.assertions.failed + record.requests.failed > 0
        ? "failed"
        : undefined;
    },
    "runs",
  );

  const functions = [...new Set(runs.map((run) => runFunction(run.record)))].sort();
  const sections = functions.map((name) => {
    const mine = runs.filter((run) => runFunction(run.record) === name).map((run) => run.record);
    const tunes: TrendPoint[] = mine.flatMap((r) =>
      r.kind === "tune" ? [trendPointOf(r.startedAt, r.output)] : [],
    );
    const loadtests = mine.filter((r): r is LoadtestRecord => r.kind === "loadtest");
    const figures: string[] = [];
    if (tunes.length > 0) {
      const captions = ["chosen power (MB)", "cost per invocation (USD)", "p90 of the chosen power (ms)"];
      renderTrendCharts(tunes).forEach((svg, i) => {
        figures.push(
          `<figure class="trend" data-chart="${["power", "cost", "p90"][i]}">${svg}<figcaption>${escapeHtml(captions[i] ?? "")}, one point per tuning run</figcaption></figure>`,
        );
      });
    }
    if (loadtests.length > 0) {
      figures.push(
        `<figure class="trend" data-chart="loadtest-p50">${loadtestChart(loadtests)}<figcaption>load-test p50 per memory size, one point per load test</figcaption></figure>`,
      );
    }
    const counts = (["tune", "loadtest", "smoke", "approve"] as const)
      .map((kind) => [kind, mine.filter((r) => r.kind === kind).length] as const)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${n} ${kind}`)
      .join(", ");
    return `<section class="function" data-function="${escapeHtml(name)}">
<h3><code>${escapeHtml(name)}</code></h3>
<p class="note">${escapeHtml(counts)}.</p>
${figures.length > 0 ? `<div class="charts">\n${figures.join("\n")}\n</div>` : "<p>No tuning or load test yet: nothing to chart.</p>"}
</section>`;
  });

  return renderPage(
    "powertune reports",
    `<h1>powertune reports</h1>
<p>${runs.length} run${runs.length === 1 ? "" : "s"}, newest first. This page is rewritten after every
<code>tune</code>, <code>loadtest</code>, <code>smoke</code> and <code>approve</code>; last on
${escapeHtml(formatTime(generatedAt))}.</p>
<h2>Runs</h2>
${table}
<h2>Per function</h2>
<p class="note">The tuning charts show drift between retunings: the chosen power, its cost per invocation
and its p90, run by run. Load-test latencies on the local cloud follow the emulated CPU law; their ratio
between sizes carries over to AWS, their absolute values do not (see each load test's report).</p>
${sections.join("\n")}`,
  );
}

/** Rewrites `<reportsDir>/index.html` from the run folders; returns its path. */
export async function writeIndex(reportsDir: string, now = new Date()): Promise<string> {
  const file = join(reportsDir, "index.html");
  await writeFile(file, renderIndexHtml(await readRunRecords(reportsDir), now));
  return file;
}
