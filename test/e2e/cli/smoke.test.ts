// The shipped Postman collection, run by newman (library API and `powertune smoke`) against the local cloud.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_ENVIRONMENT_FILE, runCollection } from "../../../cli/smoke/run-collection.js";
import { stackOutput } from "../../../contract/index.js";
import type { LocalCloud } from "../../../local/cloud.js";
import { bootAppCloudIn } from "../../support/local-app-cloud.js";
import { powertune } from "../../support/powertune-cli.js";

const scratch = mkdtempSync(join(tmpdir(), "powertune-smoke-"));
const reports = join(scratch, "reports");
let cloud: LocalCloud;
let apiUrl: string;
let table: string;

beforeAll(async () => {
  cloud = await bootAppCloudIn(scratch);
  apiUrl = stackOutput(cloud.outputs, "crud", "apiUrl") ?? "";
  table = stackOutput(cloud.outputs, "crud", "tableName") ?? "";
}, 180_000);

afterAll(async () => {
  await cloud?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("the Postman collection run by newman", () => {
  it("passes every assertion of every request against the local cloud, twice in a row", async () => {
    for (const round of [1, 2]) {
      const result = await runCollection({ apiUrl, table });
      const failed = result.executions.flatMap((e) =>
        [...(e.error ? [`${e.name}: ${e.error}`] : [])].concat(
          e.assertions.filter((a) => !a.passed).map((a) => `${e.name}: ${a.name}: ${a.message}`),
        ),
      );
      expect(failed, `round ${round}`).toEqual([]);
      expect(result.requests.total).toBe(32);
      expect(result.assertions.total).toBeGreaterThanOrEqual(100);
    }
  }, 120_000);

  it("covers every dispatcher operation and the error statuses of both faces", async () => {
    const result = await runCollection({ apiUrl, table });
    const names = result.executions.map((e) => e.name).join("\n");
    for (const operation of ["create", "read", "update", "delete", "list", "echo", "ping"]) {
      expect(names).toMatch(new RegExp(`^dispatcher / ${operation}`, "m"));
    }
    const statuses = new Set(result.executions.map((e) => e.status));
    for (const status of [200, 201, 204, 400, 403, 404, 409, 412]) expect(statuses).toContain(status);
  }, 120_000);

  it("fails when the API does not answer as documented (another table: every table operation is 403)", async () => {
    const result = await runCollection({ apiUrl, table: "SomeoneElsesTable" });
    expect(result.assertions.failed).toBeGreaterThan(0);
  }, 120_000);

  it("ships an environment file that names the local cloud's API and table on port 4566", () => {
    const environment = JSON.parse(readFileSync(LOCAL_ENVIRONMENT_FILE, "utf8")) as {
      values: { key: string; value: string }[];
    };
    const value = (key: string) => environment.values.find((v) => v.key === key)?.value;
    expect(value("api")).toBe(apiUrl.replace(/127\.0\.0\.1:\d+/, "127.0.0.1:4566"));
    expect(value("table")).toBe(table);
  });
});

describe("powertune smoke", () => {
  it("exits 0 and writes newman's JUnit XML, report.html and result.json, linked from the index", async () => {
    const result = await powertune(["smoke", "--endpoint", cloud.endpoint, "--reports-dir", reports]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^passed: \d+ assertions in 32 requests$/m);
    expect(result.stderr).toMatch(/^✓ 200 +\d+ ms {2}dispatcher \/ ping {2}2\/2$/m);
    const folder = readdirSync(join(reports, "history")).find((name) => name.includes("-smoke-"));
    const dir = join(reports, "history", folder ?? "");
    const junit = readFileSync(join(dir, "newman-junit.xml"), "utf8");
    expect(junit).toContain("<testsuites");
    expect(junit.match(/<testcase /g)?.length).toBeGreaterThanOrEqual(100);
    expect(junit).not.toContain("<failure");
    expect(existsSync(join(dir, "report.html"))).toBe(true);
    expect(readFileSync(join(reports, "index.html"), "utf8")).toContain(`history/${folder}/report.html`);
  }, 120_000);

  it("exits 1 when an assertion fails, and says which", async () => {
    const result = await powertune([
      "smoke",
      "--api",
      apiUrl,
      "--table",
      "SomeoneElsesTable",
      "--json",
      "--no-report",
    ]);
    expect(result.status).toBe(1);
    const summary = JSON.parse(result.stdout) as { passed: boolean; failures: { request: string }[] };
    expect(summary.passed).toBe(false);
    expect(summary.failures.map((f) => f.request)).toContain("dispatcher / create (the seeds' example)");
  }, 120_000);
});
