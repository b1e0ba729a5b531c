// `powertune smoke`: the shipped Postman collection against the CRUD API, run by newman.
import { join } from "node:path";
import { OUTPUTS, STACKS, stackOutput } from "../../contract/index.js";
import { parseCommandArgs, parsePort } from "../args.js";
import { type LocalAppCloud, openLocalAppCloud } from "../cloud-target.js";
import { readOutputsFile, requireOutput } from "../outputs-file.js";
import type { SmokeRecord } from "../report/records.js";
import { ensureReportsDir } from "../report/run-folder.js";
import { COLLECTION_FILE, runCollection } from "../smoke/run-collection.js";
import {
  JUNIT_FILE,
  makeSmokeFolder,
  renderExecutionLine,
  renderSmokeVerdict,
  smokePassed,
  writeSmokeReport,
} from "../smoke/smoke-report.js";
import { EXIT_FAILED, EXIT_OK, UsageError } from "../usage-error.js";

export const smokeHelp = `usage: powertune smoke [--endpoint URL | --outputs-file FILE | --api URL --table NAME] [options]

Runs postman/powertune-crud.postman_collection.json with newman against the CRUD API: every dispatcher
operation and every /items route, with their error cases. Prints a line per request, then the verdict, and
writes <reports-dir>/history/<time>-smoke-<function>/ with newman's JUnit XML (${JUNIT_FILE}), report.html,
summary.md and result.json, then rewrites <reports-dir>/index.html.

The same collection opens in Postman as it is: import it with postman/powertune-local.postman_environment.json
(the local cloud of \`powertune up\` on port 4566), or set its api and table variables to the deployed stack's
${OUTPUTS.crud.apiUrl} and ${OUTPUTS.crud.tableName} outputs.

where it runs (default: the local cloud; one is booted for the run if none answers at --endpoint):
  --endpoint URL              a running local cloud (default http://127.0.0.1:4566)
  --data-dir DIR              the local cloud's data directory when one is booted (default .powertune)
  --outputs-file FILE         a deployment's \`cdk deploy --outputs-file\` JSON: its ${STACKS.crud} stack's
                              ${OUTPUTS.crud.apiUrl}, ${OUTPUTS.crud.tableName} and ${OUTPUTS.crud.functionName} outputs
  --api URL                   any deployment instead, e.g. on AWS: the ${STACKS.crud} stack's ${OUTPUTS.crud.apiUrl} output
  --table NAME                with --api: its ${OUTPUTS.crud.tableName} output
  --function NAME             with --api: the crud function's name, for the report folder (optional)

output:
  --json                      print {"passed","requests","assertions","failures"} on stdout
  --reports-dir DIR           where reports go (default reports)
  --no-report                 do not write a report folder
  -h, --help                  this help

exit status: 0 every assertion passed, 1 one failed or a request got no response, 2 bad usage.
`;

export async function runSmoke(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("smoke", argv, {
    endpoint: { type: "string" },
    "data-dir": { type: "string" },
    port: { type: "string" },
    "outputs-file": { type: "string" },
    api: { type: "string" },
    table: { type: "string" },
    function: { type: "string" },
    json: { type: "boolean" },
    "reports-dir": { type: "string" },
    "no-report": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(smokeHelp);
    return EXIT_OK;
  }
  if (positionals.length > 0)
    throw new UsageError(`powertune smoke: unexpected argument "${positionals[0]}"`);
  if (values["outputs-file"] && (values.api || values.endpoint || values["data-dir"])) {
    throw new UsageError(
      "--outputs-file excludes --api, --endpoint and --data-dir: the file names the deployment's API",
    );
  }
  if (values.api && (values.endpoint || values["data-dir"])) {
    throw new UsageError(
      "--api and --endpoint exclude each other: give the API, or the local cloud serving it",
    );
  }
  if (values.api && !values.table) {
    throw new UsageError(
      `--api needs --table NAME (the ${STACKS.crud} stack's ${OUTPUTS.crud.tableName} output)`,
    );
  }
  if (!values.api && (values.table || values.function))
    throw new UsageError("--table and --function go with --api");
  if (values.api) {
    try {
      new URL(values.api);
    } catch {
      throw new UsageError(`--api ${values.api}: not a URL (give the ${OUTPUTS.crud.apiUrl} output)`);
    }
  }
  const reportsDir = values["reports-dir"] ?? "reports";
  if (!values["no-report"]) await ensureReportsDir(reportsDir, "smoke");
  const log = (line: string) => process.stderr.write(`${line}\n`);

  let local: LocalAppCloud | undefined;
  let apiUrl = values.api;
  let table = values.table;
  let functionName = values.function;
  if (values["outputs-file"]) {
    const source = await readOutputsFile(values["outputs-file"]);
    apiUrl = requireOutput(source, "crud", "apiUrl");
    table = requireOutput(source, "crud", "tableName");
    functionName = stackOutput(source.outputs, "crud", "functionName");
  } else if (!apiUrl) {
    local = await openLocalAppCloud({
      endpoint: values.endpoint,
      dataDir: values["data-dir"] ?? ".powertune",
      port: parsePort("port", values.port, 0),
      log,
    });
    apiUrl = stackOutput(local.outputs, "crud", "apiUrl");
    table = stackOutput(local.outputs, "crud", "tableName");
    functionName = stackOutput(local.outputs, "crud", "functionName");
  }
  try {
    if (!apiUrl || !table) {
      throw new UsageError(
        `the local cloud has no ${STACKS.crud} ${OUTPUTS.crud.apiUrl} or ${OUTPUTS.crud.tableName} output: run \`powertune deploy\` first`,
      );
    }
    const startedAt = new Date();
    const dir = values["no-report"] ? undefined : await makeSmokeFolder(reportsDir, startedAt, functionName);
    log(`smoke test of ${apiUrl} (table ${table}) with ${COLLECTION_FILE}`);
    const result = await runCollection({
      apiUrl,
      table,
      ...(dir ? { junitFile: join(dir, JUNIT_FILE) } : {}),
      onExecution: (execution) => log(renderExecutionLine(execution)),
    });
    const record: SmokeRecord = {
      kind: "smoke",
      ...(functionName ? { functionName } : {}),
      apiUrl,
      table,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      ...result,
    };
    if (dir) await writeSmokeReport(reportsDir, dir, record);
    const passed = smokePassed(record);
    if (values.json) {
      const failures = record.executions.flatMap((e) => [
        ...(e.error ? [{ request: e.name, assertion: "a response", message: e.error }] : []),
        ...e.assertions
          .filter((a) => !a.passed)
          .map((a) => ({ request: e.name, assertion: a.name, message: a.message ?? "failed" })),
      ]);
      process.stdout.write(
        `${JSON.stringify({ passed, requests: record.requests, assertions: record.assertions, failures })}\n`,
      );
      if (dir) log(`report: ${dir}`);
    } else {
      process.stdout.write(`${renderSmokeVerdict(record)}\n${dir ? `report: ${dir}\n` : ""}`);
    }
    return passed ? EXIT_OK : EXIT_FAILED;
  } finally {
    await local?.close();
  }
}
