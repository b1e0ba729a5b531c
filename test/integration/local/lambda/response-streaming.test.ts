import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  GetFunctionUrlConfigCommand,
  InvokeCommand,
  InvokeWithResponseStreamCommand,
  type InvokeWithResponseStreamCommandOutput,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  ResourceNotFoundException,
  TooManyRequestsException,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decode, type Harness, REPORT_PATTERN, startHarness, tail } from "./support.js";

interface ReadStream {
  chunks: string[];
  complete: { ErrorCode?: string; ErrorDetails?: string; LogResult?: string } | undefined;
  /** Every event's kind, in the order they arrived. */
  events: string[];
}

/** Reads a response stream to its end; `onChunk` runs as each chunk arrives, before the next is read. */
async function readStream(
  out: InvokeWithResponseStreamCommandOutput,
  onChunk: (text: string, index: number) => void = () => {},
): Promise<ReadStream> {
  const read: ReadStream = { chunks: [], complete: undefined, events: [] };
  for await (const event of out.EventStream ?? []) {
    if (event.PayloadChunk) {
      const text = Buffer.from(event.PayloadChunk.Payload ?? new Uint8Array()).toString("utf8");
      read.events.push("PayloadChunk");
      onChunk(text, read.chunks.length);
      read.chunks.push(text);
    } else if (event.InvokeComplete) {
      read.events.push("InvokeComplete");
      read.complete = event.InvokeComplete;
    }
  }
  return read;
}

describe("InvokeWithResponseStream on the local Lambda service", () => {
  let h: Harness;
  let scratch: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "lambda-stream-"));
    h = await startHarness();
    await h.create("streamer", "streaming", { MemorySize: 256, Timeout: 10 });
    await h.create("buffered", "esm", { MemorySize: 128 });
    await h.create("streamer-1s", "streaming", { MemorySize: 128, Timeout: 1 });
  });

  afterAll(async () => {
    await h.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  const stream = (FunctionName: string, event: unknown, extra: { Qualifier?: string } = {}) =>
    h.client.send(
      new InvokeWithResponseStreamCommand({
        FunctionName,
        LogType: "Tail",
        Payload: JSON.stringify(event),
        ...extra,
      }),
    );

  it("delivers the first chunk while the handler is still running, then the rest in order", async () => {
    // The handler waits, after its first write, for a file only this test creates once that write arrived:
    // a service that buffered the stream would never deliver it, and the invocation would time out.
    const signalFile = join(scratch, "first-chunk-arrived");
    const out = await stream("streamer", { chunks: ["one;", "two;", "three"], signalFile });
    expect(out.StatusCode).toBe(200);
    expect(out.ExecutedVersion).toBe("$LATEST");
    expect(out.ResponseStreamContentType).toBe("text/plain");
    const read = await readStream(out, (_text, index) => {
      if (index === 0) writeFileSync(signalFile, "");
    });
    expect(read.chunks).toEqual(["one;", "two;", "three"]);
    expect(read.events).toEqual(["PayloadChunk", "PayloadChunk", "PayloadChunk", "InvokeComplete"]);
    expect(read.complete?.ErrorCode).toBeUndefined();
  });

  it("carries the log tail ending in the REPORT line in InvokeComplete's LogResult", async () => {
    const read = await readStream(await stream("streamer", { chunks: ["a", "b"], sleepMs: 40 }));
    const log = tail(read.complete?.LogResult);
    expect(log).toMatch(/^START RequestId: /m);
    const report = REPORT_PATTERN.exec(log);
    expect(report).not.toBeNull();
    // Duration runs to the end of the stream: it includes the 40 ms the handler waited between its writes.
    expect(Number(report?.[2])).toBeGreaterThanOrEqual(40);
    expect(Number(report?.[4])).toBe(256);
  });

  it("ends a stream whose handler throws mid-way with InvokeComplete's ErrorCode, after what it wrote", async () => {
    const read = await readStream(await stream("streamer", { chunks: ["kept;", "never"], failAfter: 1 }));
    expect(read.chunks).toEqual(["kept;"]);
    expect(read.complete?.ErrorCode).toBe("StreamBrokeError");
    expect(read.complete?.ErrorDetails).toBe("failed after 1 chunks");
    expect(REPORT_PATTERN.test(tail(read.complete?.LogResult))).toBe(true);
  });

  it("ends a stream that outlives the function's timeout with ErrorCode Sandbox.Timedout", async () => {
    const never = join(scratch, "never-created");
    const read = await readStream(
      await stream("streamer-1s", { chunks: ["started;", "never"], signalFile: never }),
    );
    expect(read.chunks).toEqual(["started;"]);
    expect(read.complete?.ErrorCode).toBe("Sandbox.Timedout");
    expect(read.complete?.ErrorDetails).toMatch(/Task timed out after 1.00 seconds/);
    expect(tail(read.complete?.LogResult)).toMatch(/REPORT RequestId: .*Status: timeout/);
  });

  it("streams a published version by Qualifier", async () => {
    const published = await h.client.send(new PublishVersionCommand({ FunctionName: "streamer" }));
    const out = await stream("streamer", { chunks: ["v"] }, { Qualifier: published.Version ?? "" });
    expect(out.ExecutedVersion).toBe(published.Version);
    expect((await readStream(out)).chunks).toEqual(["v"]);
  });

  it("passes HttpResponseStream's prelude and its eight zero bytes through, as Lambda does", async () => {
    const out = await stream("streamer", { chunks: ["body"], http: { statusCode: 201 } });
    expect(out.ResponseStreamContentType).toBe("application/vnd.awslambda.http-integration-response");
    const read = await readStream(out);
    expect(read.chunks.join("")).toBe(
      `{"statusCode":201,"headers":{"content-type":"text/plain"}}${"\0".repeat(8)}body`,
    );
  });

  it("answers a function that does not stream with its whole result as one chunk", async () => {
    const read = await readStream(await stream("buffered", { hello: "world" }));
    expect(read.chunks).toHaveLength(1);
    expect((JSON.parse(read.chunks[0] ?? "") as { event: unknown }).event).toEqual({ hello: "world" });
    expect(REPORT_PATTERN.test(tail(read.complete?.LogResult))).toBe(true);
  });

  it("buffers a streaming handler's writes into Invoke's payload, with its content type", async () => {
    const out = await h.client.send(
      new InvokeCommand({
        FunctionName: "streamer",
        LogType: "Tail",
        Payload: JSON.stringify({ chunks: ["x", "y"] }),
      }),
    );
    expect(out.FunctionError).toBeUndefined();
    expect(Buffer.from(out.Payload ?? new Uint8Array()).toString("utf8")).toBe("xy");
    expect(REPORT_PATTERN.test(tail(out.LogResult))).toBe(true);
  });

  it("streams what Invoke may not answer: 7 MB, where Invoke fails with Function.ResponseSizeTooLarge", async () => {
    const read = await readStream(await stream("streamer", { chunks: ["big:"], megabytes: 7 }));
    expect(read.complete?.ErrorCode).toBeUndefined();
    expect(read.chunks.reduce((bytes, chunk) => bytes + Buffer.byteLength(chunk), 0)).toBe(
      4 + 7 * 1024 * 1024,
    );
    const out = await h.client.send(
      new InvokeCommand({
        FunctionName: "streamer",
        LogType: "Tail",
        Payload: JSON.stringify({ megabytes: 7 }),
      }),
    );
    expect(out.FunctionError).toBe("Unhandled");
    expect(decode(out.Payload)).toEqual({
      errorType: "Function.ResponseSizeTooLarge",
      errorMessage: "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
    });
    expect(REPORT_PATTERN.test(tail(out.LogResult))).toBe(true);
  });

  it("answers Invoke of a streaming handler that throws with the Unhandled error, not the partial stream", async () => {
    const out = await h.client.send(
      new InvokeCommand({
        FunctionName: "streamer",
        Payload: JSON.stringify({ chunks: ["x", "y"], failAfter: 1 }),
      }),
    );
    expect(out.FunctionError).toBe("Unhandled");
    expect(decode(out.Payload)).toMatchObject({ errorType: "StreamBrokeError" });
  });

  it("refuses before streaming what it would refuse for Invoke: a missing function, throttling", async () => {
    await expect(stream("no-such-function", {})).rejects.toBeInstanceOf(ResourceNotFoundException);
    await h.client.send(
      new PutFunctionConcurrencyCommand({ FunctionName: "buffered", ReservedConcurrentExecutions: 0 }),
    );
    await expect(stream("buffered", {})).rejects.toBeInstanceOf(TooManyRequestsException);
  });

  it("answers GetFunctionUrlConfig with ResourceNotFoundException: no function has a URL locally", async () => {
    await expect(
      h.client.send(new GetFunctionUrlConfigCommand({ FunctionName: "streamer" })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
