// The report pages in a real browser (headless Chromium, driven by playwright-core): opened from disk, their
// charts render with one point per power or per run, their tables hold the right rows, and no request
// leaves the page. Without a browser this tier skips, and says so loudly; it never passes silently.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeLoadtestReport } from "../../../../cli/loadtest/loadtest-report.js";
import { writeReport } from "../../../../cli/report/write-report.js";
import { makeSmokeFolder, writeSmokeReport } from "../../../../cli/smoke/smoke-report.js";
import { FUNCTION_ARN, loadtestRecord, smokeRecord, tuningOutput } from "../../../support/report-fixtures.js";

/** Debian's chromium (what .ci/run installs), or the browser named by POWERTUNE_CHROMIUM. */
const candidates = [process.env.POWERTUNE_CHROMIUM, "/usr/bin/chromium", "/usr/lib/chromium/chromium"];
const executablePath = candidates.find((path): path is string => path !== undefined && existsSync(path));
if (!executablePath) {
  const banner = "!".repeat(100);
  console.warn(
    `\n${banner}\nSKIPPED: the browser tests of report.html and index.html need Chromium, and none was found at ${candidates
      .filter(Boolean)
      .join(
        ", ",
      )}.\nInstall it (apt-get install -y chromium, as .ci/run does) or set POWERTUNE_CHROMIUM to a Chromium binary.\n${banner}\n`,
  );
}

const scratch = mkdtempSync(join(tmpdir(), "powertune-browser-"));
const reports = join(scratch, "reports");
const folders: Record<"tune" | "loadtest" | "smoke", string> = { tune: "", loadtest: "", smoke: "" };
let browser: Browser;

const meta = (startedAt: string) => ({
  functionArn: FUNCTION_ARN,
  executionArn: `arn:aws:states:us-east-1:000000000000:execution:tuner:run-${startedAt.slice(0, 10)}`,
  startedAt: new Date(startedAt),
  finishedAt: new Date(startedAt),
});

/** Opens a page from disk, blocking and recording every request that is not for a local file. */
async function open(file: string): Promise<{ page: Page; external: string[] }> {
  const page = await browser.newPage();
  const external: string[] = [];
  page.on("request", (request) => {
    if (!/^(file|data|about):/.test(request.url())) external.push(request.url());
  });
  await page.route("**/*", (route) =>
    /^(file|data|about):/.test(route.request().url()) ? route.continue() : route.abort(),
  );
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  return { page, external };
}

async function expectRenderedChart(page: Page, selector: string, points: number) {
  const chart = page.locator(`${selector} svg`);
  expect(await chart.count()).toBe(1);
  const box = await chart.boundingBox();
  expect(box?.width ?? 0).toBeGreaterThan(100);
  expect(box?.height ?? 0).toBeGreaterThan(100);
  expect(await page.locator(`${selector} svg circle.point`).count()).toBe(points);
}

describe.skipIf(!executablePath)("report pages in headless Chromium", () => {
  beforeAll(async () => {
    folders.tune = await writeReport(reports, tuningOutput(512), meta("2026-11-01T10:00:00.000Z"));
    await writeReport(reports, tuningOutput(1024, "no"), meta("2026-11-08T10:00:00.000Z"));
    folders.loadtest = await writeLoadtestReport(reports, loadtestRecord("2026-11-09T10:00:00.000Z"));
    folders.smoke = await makeSmokeFolder(reports, new Date("2026-11-10T10:00:00.000Z"), "crud");
    await writeSmokeReport(reports, folders.smoke, smokeRecord("2026-11-10T10:00:00.000Z", true));
    browser = await chromium.launch({ executablePath, args: ["--disable-gpu", "--disable-dev-shm-usage"] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("the tuning report: one point per power on both lines, one row per power, nothing fetched", async () => {
    const { page, external } = await open(join(folders.tune, "report.html"));
    await expectRenderedChart(page, "body", 3 * 2);
    expect(await page.locator("table tbody tr").count()).toBe(3);
    expect(await page.locator("tr.chosen td").first().textContent()).toBe("512 MB");
    expect(external).toEqual([]);
    await page.close();
  });

  it("the load-test report: latency and throughput per power, one row per power, nothing fetched", async () => {
    const { page, external } = await open(join(folders.loadtest, "report.html"));
    await expectRenderedChart(page, 'figure[data-chart="latency"]', 4 * 2);
    await expectRenderedChart(page, 'figure[data-chart="throughput"]', 2);
    const rows = page.locator("table.runs tbody tr");
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(1).locator("td").first().textContent()).toBe("1024 MB");
    expect(await page.locator("li").first().textContent()).toBe(
      "1024 MB vs 128 MB: p50 2.9× lower, 2.8× the throughput",
    );
    expect(external).toEqual([]);
    await page.close();
  });

  it("the smoke report: one row per request, the failed one marked, nothing fetched", async () => {
    const { page, external } = await open(join(folders.smoke, "report.html"));
    expect(await page.locator("table.executions tbody tr").count()).toBe(2);
    expect(await page.locator("table.executions tbody tr.failed").count()).toBe(1);
    expect(await page.locator("#verdict").textContent()).toBe("FAILED: 1 of 3 assertions failed");
    expect(external).toEqual([]);
    await page.close();
  });

  it("the index: every run newest first, one trend point per run, links that open the runs' reports", async () => {
    const { page, external } = await open(join(reports, "index.html"));
    const rows = page.locator("table.runs tbody tr");
    expect(await rows.count()).toBe(4);
    expect(await rows.locator("td:first-child").allTextContents()).toEqual([
      "smoke",
      "loadtest",
      "tune",
      "tune",
    ]);
    const crud = 'section[data-function="crud"]';
    await expectRenderedChart(page, `${crud} figure[data-chart="power"]`, 2);
    await expectRenderedChart(page, `${crud} figure[data-chart="cost"]`, 2);
    await expectRenderedChart(page, `${crud} figure[data-chart="p90"]`, 2);
    await expectRenderedChart(page, `${crud} figure[data-chart="loadtest-p50"]`, 2);
    const powers = await page
      .locator(`${crud} figure[data-chart="power"] circle.point`)
      .evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-value")));
    expect(powers).toEqual(["512", "1024"]);
    await page.locator('a[href*="-loadtest-"][href$="report.html"]').click();
    await page.waitForLoadState("load");
    expect(page.url()).toContain("-loadtest-crud/report.html");
    expect(await page.locator("h1").textContent()).toContain("Load test of");
    expect(external).toEqual([]);
    await page.close();
  });
});
