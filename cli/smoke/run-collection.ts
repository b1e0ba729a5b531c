// Runs the shipped Postman collection with newman's library API: JUnit XML from newman's own reporter,
// every execution kept for the HTML report and the exit status.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type newman from "newman";
import type { SmokeAssertion, SmokeExecution } from "../report/records.js";
import { loadNewman } from "./load-newman.js";

/** The collection and the local cloud's environment file, shipped in postman/. */
export const COLLECTION_FILE = fileURLToPath(
  new URL("../../postman/powertune-crud.postman_collection.json", import.meta.url),
);
export const LOCAL_ENVIRONMENT_FILE = fileURLToPath(
  new URL("../../postman/powertune-local.postman_environment.json", import.meta.url),
);

export interface SmokeRunOptions {
  /** The API's base URL, ending in `/` (the ApiUrl output): the collection's `api` variable. */
  apiUrl: string;
  /** The CRUD table's name: the collection's `table` variable. */
  table: string;
  collectionFile?: string;
  /** Where newman's JUnit reporter writes its XML; none when undefined. */
  junitFile?: string;
  /** Per request, ms. */
  timeoutRequestMs?: number;
  /** Called once per finished request. */
  onExecution?: (execution: SmokeExecution) => void;
}

export interface SmokeRunResult {
  collection: string;
  executions: SmokeExecution[];
  requests: { total: number; failed: number };
  assertions: { total: number; failed: number };
}

interface ItemLike {
  id?: string;
  name: string;
}

interface CollectionNode {
  name?: string;
  item?: CollectionNode[];
}

/** Request name → its folder's name (the run's events carry items without their parents). */
function foldersByRequest(file: string): Map<string, string> {
  const folders = new Map<string, string>();
  const walk = (node: CollectionNode, folder: string | undefined) => {
    for (const child of node.item ?? []) {
      if (child.item) walk(child, child.name);
      else if (child.name && folder) folders.set(child.name, folder);
    }
  };
  walk(JSON.parse(readFileSync(file, "utf8")) as CollectionNode, undefined);
  return folders;
}

export async function runCollection(options: SmokeRunOptions): Promise<SmokeRunResult> {
  const newmanApi = await loadNewman();
  const collectionFile = options.collectionFile ?? COLLECTION_FILE;
  const folders = foldersByRequest(collectionFile);
  /** "dispatcher: POST /DynamoDBManager / ping": the folder and the request, as the collection names them. */
  const itemName = (item: ItemLike) => {
    const folder = folders.get(item.name);
    return folder ? `${folder} / ${item.name}` : item.name;
  };
  const apiUrl = options.apiUrl.endsWith("/") ? options.apiUrl : `${options.apiUrl}/`;
  return new Promise((resolve, reject) => {
    const emitter = newmanApi.run(
      {
        collection: collectionFile,
        // Environment values beat the collection's own defaults, which name the local cloud on port 4566.
        envVar: [
          { key: "api", value: apiUrl },
          { key: "table", value: options.table },
        ],
        reporters: options.junitFile ? ["junit"] : [],
        reporter: options.junitFile ? { junit: { export: options.junitFile } } : {},
        timeoutRequest: options.timeoutRequestMs ?? 30_000,
      },
      (error, summary) => {
        if (error) {
          reject(error);
          return;
        }
        const executions = summary.run.executions.map((execution) =>
          toSmokeExecution(execution, summary, itemName),
        );
        const assertions = executions.flatMap((e) => e.assertions);
        resolve({
          collection: summary.collection.name,
          executions,
          requests: {
            total: executions.length,
            failed: executions.filter((e) => e.error !== undefined).length,
          },
          assertions: { total: assertions.length, failed: assertions.filter((a) => !a.passed).length },
        });
      },
    );
    const current = new Map<string, SmokeExecution>();
    emitter.on("item", (_error: unknown, args: { item?: ItemLike; cursor?: { ref?: string } }) => {
      if (!options.onExecution || !args.item) return;
      // The summary comes at the end: report this item from the events seen so far.
      const seen = current.get(args.item.id ?? args.item.name);
      if (seen) options.onExecution(seen);
    });
    emitter.on(
      "request",
      (
        error: Error | null,
        args: {
          item: ItemLike;
          request: { method: string; url: { toString(): string } };
          response?: { code: number; responseTime: number };
        },
      ) => {
        current.set(args.item.id ?? args.item.name, {
          name: itemName(args.item),
          method: args.request.method,
          url: args.request.url.toString(),
          status: args.response?.code ?? null,
          responseTimeMs: args.response?.responseTime ?? null,
          assertions: [],
          ...(error ? { error: error.message } : {}),
        });
      },
    );
    emitter.on("assertion", (error: Error | null, args: { assertion: string; item: ItemLike }) => {
      current.get(args.item.id ?? args.item.name)?.assertions.push({
        name: args.assertion,
        passed: error === null,
        ...(error ? { message: error.message } : {}),
      });
    });
    emitter.on("script", (error: Error | null, args: { event?: { listen?: string }; item: ItemLike }) => {
      if (!error) return;
      current.get(args.item.id ?? args.item.name)?.assertions.push({
        name: `${args.event?.listen ?? "test"} script error`,
        passed: false,
        message: error.message,
      });
    });
  });
}

function toSmokeExecution(
  execution: newman.NewmanRunExecution,
  summary: newman.NewmanRunSummary,
  itemName: (item: ItemLike) => string,
): SmokeExecution {
  const item = execution.item as unknown as ItemLike;
  const requestError = (execution as unknown as { requestError?: Error }).requestError;
  const assertions: SmokeAssertion[] = (execution.assertions ?? []).map((a) => ({
    name: a.assertion,
    passed: !a.error,
    ...(a.error ? { message: a.error.message } : {}),
  }));
  // A test script that throws (a body that is not JSON, say) stops its assertions: count it as one failing.
  for (const failure of summary.run.failures) {
    const source = failure.source as unknown as ItemLike | undefined;
    if (source?.id !== item.id || failure.error.name === "AssertionError") continue;
    if (!/script/.test(failure.at)) continue;
    assertions.push({ name: `script error (${failure.at})`, passed: false, message: failure.error.message });
  }
  return {
    name: itemName(item),
    method: execution.request?.method ?? "",
    url: execution.request?.url?.toString() ?? "",
    status: execution.response?.code ?? null,
    responseTimeMs: execution.response?.responseTime ?? null,
    assertions,
    ...(requestError ? { error: requestError.message } : {}),
  };
}
