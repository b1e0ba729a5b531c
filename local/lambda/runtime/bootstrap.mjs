// The Node.js runtime of one execution environment. The parent sends `invoke` messages over IPC and gets
// back `ready` (after init), `log` (stdout/stderr/console of the function) and `result` messages.
// Plain JavaScript so it starts without a TypeScript loader: the child's startup is part of Init Duration.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";
import { InvocationMeter } from "./cpu-accounting.mjs";

// Where the environment's cgroup counts its CPU time, read and removed before any function code can see it.
const meter = new InvocationMeter({
  cgroup: process.env.PT_CPU_ACCOUNTING ? JSON.parse(process.env.PT_CPU_ACCOUNTING) : undefined,
});
delete process.env.PT_CPU_ACCOUNTING;

const send = (message) => process.send?.(message);

// Function output goes over the IPC channel, so it reaches the parent before the invocation's result.
let currentRequestId;
const write = (stream) => (chunk, encoding, callback) => {
  const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
  send({ type: "log", stream, text });
  const cb = typeof encoding === "function" ? encoding : callback;
  if (typeof cb === "function") cb();
  return true;
};
process.stdout.write = write("stdout");
process.stderr.write = write("stderr");

// Lambda's Node.js runtime prefixes console output with time, request id and level.
for (const [method, level] of [
  ["log", "INFO"],
  ["info", "INFO"],
  ["warn", "WARN"],
  ["error", "ERROR"],
  ["debug", "DEBUG"],
  ["trace", "TRACE"],
]) {
  console[method] = (...args) => {
    const text = `${new Date().toISOString()}\t${currentRequestId ?? "undefined"}\t${level}\t${format(...args)}\n`;
    send({ type: "log", stream: level === "INFO" ? "stdout" : "stderr", text });
  };
}

function errorPayload(error) {
  if (error instanceof Error) {
    return {
      errorType: error.name && error.name !== "Error" ? error.name : (error.constructor?.name ?? "Error"),
      errorMessage: error.message,
      trace: String(error.stack ?? "").split("\n"),
    };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

function resolveModule(taskRoot, moduleName) {
  for (const ext of [".mjs", ".cjs", ".js"]) {
    const file = join(taskRoot, moduleName + ext);
    if (existsSync(file)) return file;
  }
  return undefined;
}

async function loadHandler() {
  const taskRoot = process.env.LAMBDA_TASK_ROOT;
  const spec = process.env._HANDLER ?? "";
  const dot = spec.lastIndexOf(".");
  if (dot <= 0) {
    const error = new Error(`Bad handler ${spec}: expected <module>.<export>`);
    error.name = "Runtime.MalformedHandlerName";
    throw error;
  }
  const moduleName = spec.slice(0, dot);
  const exportName = spec.slice(dot + 1);
  const file = resolveModule(taskRoot, moduleName);
  if (!file) {
    const error = new Error(`Error: Cannot find module '${moduleName}'`);
    error.name = "Runtime.ImportModuleError";
    throw error;
  }
  const mod = await import(pathToFileURL(file).href);
  const handler = mod[exportName] ?? mod.default?.[exportName];
  if (typeof handler !== "function") {
    const error = new Error(`${spec} is undefined or not exported`);
    error.name = "Runtime.HandlerNotFound";
    throw error;
  }
  return handler;
}

function callHandler(handler, event, context) {
  // Callback-style handlers take three parameters; async ones return a promise.
  return new Promise((resolve, reject) => {
    const callback = (error, result) => (error ? reject(error) : resolve(result));
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === "function") returned.then(resolve, reject);
      else if (handler.length < 3) resolve(returned);
    } catch (error) {
      reject(error);
    }
  });
}

const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

// The init phase is measured from the process's start: the service adds the wall time it saw.
const initStart = process.hrtime.bigint();
let handler;
try {
  handler = await loadHandler();
  send({
    type: "ready",
    initDurationMs: Number(process.hrtime.bigint() - initStart) / 1e6,
    initCpu: meter.totals(),
    maxMemoryUsedMb: maxRssMb(),
  });
} catch (error) {
  send({
    type: "init-error",
    error: errorPayload(error),
    initDurationMs: Number(process.hrtime.bigint() - initStart) / 1e6,
    initCpu: meter.totals(),
  });
}

// The service that started this environment is gone (killed, crashed): end with it rather than linger.
process.on("disconnect", () => process.exit(0));

process.on("message", async (message) => {
  if (message?.type !== "invoke") return;
  const { requestId, event, context: ctx } = message;
  currentRequestId = requestId;
  const deadline = Date.now() + ctx.remainingMs;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: ctx.functionName,
    functionVersion: ctx.functionVersion,
    invokedFunctionArn: ctx.invokedFunctionArn,
    memoryLimitInMB: String(ctx.memoryLimitInMB),
    awsRequestId: requestId,
    logGroupName: ctx.logGroupName,
    logStreamName: ctx.logStreamName,
    clientContext: ctx.clientContext,
    identity: undefined,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
  // The service turns the sample into Duration (emulated-duration.ts): wall, CPU and waiting, around the handler only.
  const started = meter.start();
  let outcome;
  try {
    const result = await callHandler(handler, event, context);
    outcome = { ok: true, payload: result === undefined ? null : result };
  } catch (error) {
    outcome = { ok: false, error: errorPayload(error) };
  }
  const sample = meter.stop(started);
  let payload;
  if (outcome.ok) {
    try {
      payload = JSON.stringify(outcome.payload);
    } catch (error) {
      outcome = { ok: false, error: errorPayload(error) };
    }
  }
  send({
    type: "result",
    requestId,
    ok: outcome.ok,
    payload,
    error: outcome.ok ? undefined : outcome.error,
    sample,
    maxMemoryUsedMb: maxRssMb(),
  });
  currentRequestId = undefined;
});
