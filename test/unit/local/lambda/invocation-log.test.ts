import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  encodeLogResult,
  formatInvocationLog,
  type InvocationLogEntry,
  InvocationLogFiles,
  tailLog,
} from "../../../../local/lambda/invocation-log.js";

const requestId = "8f5e6a3c-1c1b-4c1e-9a1e-0f1e2d3c4b5a";
const at = new Date("2025-01-02T03:04:05.000Z");
const clock = () => at;

function entry(overrides: Partial<InvocationLogEntry> = {}): InvocationLogEntry {
  return {
    logFormat: "Text",
    version: "$LATEST",
    timeoutS: 3,
    initOutput: [],
    functionOutput: ["hello\n"],
    metrics: { requestId, durationMs: 1.5, memorySizeMb: 128, maxMemoryUsedMb: 60 },
    ...overrides,
  };
}

describe("invocation log", () => {
  it("writes START, the function's output, END and REPORT in Lambda's text format", () => {
    expect(formatInvocationLog(entry(), clock)).toBe(
      `START RequestId: ${requestId} Version: $LATEST\n` +
        "hello\n" +
        `END RequestId: ${requestId}\n` +
        `REPORT RequestId: ${requestId}\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n`,
    );
  });

  it("puts a cold start's init output before START", () => {
    const log = formatInvocationLog(entry({ initOutput: ["loading\n"] }), clock);
    expect(log.startsWith(`loading\nSTART RequestId: ${requestId}`)).toBe(true);
  });

  it("adds Lambda's timeout line after the function's output when the invocation timed out", () => {
    const log = formatInvocationLog(
      entry({ timeoutS: 2, metrics: { ...entry().metrics, status: "timeout" } }),
      clock,
    );
    const lines = log.split("\n");
    expect(lines[2]).toBe(`2025-01-02T03:04:05.000Z ${requestId} Task timed out after 2.00 seconds`);
    expect(lines[3]).toBe(`END RequestId: ${requestId}`);
    expect(lines[4]).toContain("Status: timeout\t");
  });

  it("writes platform.start and platform.report records, and no END, in the JSON format", () => {
    const lines = formatInvocationLog(entry({ logFormat: "JSON", version: "3" }), clock)
      .trimEnd()
      .split("\n");
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0] ?? "")).toEqual({
      time: "2025-01-02T03:04:05.000Z",
      type: "platform.start",
      record: { requestId, version: "3" },
    });
    expect(lines[1]).toBe("hello");
    expect(JSON.parse(lines[2] ?? "").type).toBe("platform.report");
  });

  it("keeps only the last 4 KB of a long log for X-Amz-Log-Result", () => {
    const log = `${"x".repeat(10_000)}\nREPORT RequestId: ${requestId}\t`;
    const tail = tailLog(log);
    expect(Buffer.byteLength(tail)).toBe(4096);
    expect(tail.endsWith(`REPORT RequestId: ${requestId}\t`)).toBe(true);
    expect(tailLog("short")).toBe("short");
    expect(Buffer.from(encodeLogResult(log), "base64").toString("utf8")).toBe(tail);
  });

  it("appends each function's logs to its own file, and writes none without a directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "powertune-logs-"));
    try {
      const files = new InvocationLogFiles(join(dir, "logs"));
      files.append("one", "first\n");
      files.append("two", "other\n");
      files.append("one", "second\n");
      await files.close();
      expect(readFileSync(join(dir, "logs", "one.log"), "utf8")).toBe("first\nsecond\n");
      expect(readFileSync(join(dir, "logs", "two.log"), "utf8")).toBe("other\n");
      const none = new InvocationLogFiles(undefined);
      none.append("one", "dropped\n");
      await none.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
