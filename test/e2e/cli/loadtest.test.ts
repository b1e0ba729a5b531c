// `powertune loadtest` against the synthesized app on the local cloud: 128 vs 1024 MB with autocannon, the
// report folder and index, and the original memory back afterwards, after an interrupt included.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetFunctionConfigurationCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadRun } from "../../../cli/loadtest/load-run.js";
import { stackOutput } from "../../../contract/index.js";
import type { LocalCloud } from "../../../local/cloud.js";
import { bootAppCloudIn, localLambdaClient } from "../../support/local-app-cloud.js";
import { powertune, startPowertune, waitForStderr } from "../../support/powertune-cli.js";

const scratch = mkdtempSync(join(tmpdir(), "powertune-loadtest-"));
const reports = join(scratch, "reports");
let cloud: LocalCloud;
let lambda: LambdaClient;
let functionName: string;

beforeAll(async () => {
  cloud = await bootAppCloudIn(scratch);
  lambda = localLambdaClient(cloud.endpoint);
  functionName = stackOutput(cloud.outputs, "crud", "functionName") ?? "";
}, 180_000);

afterAll(async () => {
  lambda?.destroy();
  await cloud?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const memory = async () =>
  (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }))).MemorySize;

describe("powertune loadtest on the local cloud", () => {
  let runs: LoadRun[];
  let stderr: string;

  beforeAll(async () => {
    const result = await powertune([
      "loadtest",
      "--endpoint",
      cloud.endpoint,
      "--powers",
      "128,1024",
      "--duration",
      "3",
      "--json",
      "--reports-dir",
      reports,
    ]);
    expect(result.status, result.stderr).toBe(0);
    runs = (JSON.parse(result.stdout) as { runs: LoadRun[] }).runs;
    stderr = result.stderr;
  }, 180_000);

  it("reports requests at both sizes with no errors, in the documented --json shape", () => {
    expect(runs.map((run) => run.power)).toEqual([128, 1024]);
    for (const run of runs) {
      expect(Object.keys(run)).toEqual(["power", "requests", "rps", "latencyMs", "errors", "non2xx"]);
      expect(run.requests).toBeGreaterThan(0);
      expect(run.rps).toBeGreaterThan(0);
      expect(run.errors).toBe(0);
      expect(run.non2xx).toBe(0);
    }
  });

  it("answers faster at 1024 MB than at 128 MB (the emulated CPU law)", () => {
    const [small, large] = runs;
    expect(large?.latencyMs.p50).toBeLessThan(small?.latencyMs.p50 ?? 0);
  });

  it("showed a progress line while the load ran, seeding the sample items it reads first", () => {
    expect(stderr).toMatch(/ 1024 MB +\d+\/3 s +\d+ responses +\d+ req\/s +0 errors +0 non-2xx/);
    expect(stderr).toContain("seeded 25 items");
  });

  it("puts the original memory back", async () => {
    expect(await memory()).toBe(128);
  });

  it("writes a self-contained report folder and an index that links it", () => {
    const folders = readdirSync(join(reports, "history"));
    const folder = folders.find((name) => name.includes("-loadtest-"));
    expect(folder).toMatch(new RegExp(`-loadtest-${functionName}$`));
    const dir = join(reports, "history", folder ?? "");
    for (const file of ["result.json", "summary.md", "report.html"])
      expect(existsSync(join(dir, file))).toBe(true);
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).not.toMatch(/<script|<link|<img|src=/i);
    expect(html).toContain("What transfers to AWS: the latency ratio");
    expect(readFileSync(join(reports, "index.html"), "utf8")).toContain(`history/${folder}/report.html`);
  });
});

describe("an interrupted load test", () => {
  it("stops on Ctrl-C, puts the original memory back and exits 130", async () => {
    expect(await memory()).toBe(128);
    const run = startPowertune([
      "loadtest",
      "--endpoint",
      cloud.endpoint,
      "--powers",
      "1024",
      "--duration",
      "120",
      "--no-report",
    ]);
    await waitForStderr(run, /1024 MB +\d+\/120 s/);
    expect(await memory()).toBe(1024);
    run.child.kill("SIGINT");
    const { status } = await run.exited;
    expect(status, run.output.stderr).toBe(130);
    expect(run.output.stderr).toContain("putting 128 MB back");
    expect(run.output.stderr).toContain("is back at 128 MB");
    expect(await memory()).toBe(128);
  }, 180_000);
});
