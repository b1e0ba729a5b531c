// Response streaming as Lambda's Node.js runtime offers it: `awslambda.streamifyResponse(handler)` marks a
// handler `(event, responseStream, context)`, and `awslambda.HttpResponseStream.from(stream, metadata)` writes
// the HTTP prelude a function URL reads. What the handler writes goes to the service chunk by chunk.

import { Writable } from "node:stream";

/** The mark the runtime reads on a handler (the same symbol as Lambda's runtime interface client). */
const HANDLER_STREAMING = Symbol.for("aws.lambda.runtime.handler.streaming");
const STREAM_RESPONSE = "response";
/** Lambda's content type for a stream that starts with an HTTP prelude. */
const HTTP_INTEGRATION_CONTENT_TYPE = "application/vnd.awslambda.http-integration-response";
/** Eight zero bytes end the prelude, as Lambda's runtime writes it. */
const PRELUDE_DELIMITER = new Uint8Array(8);
export const DEFAULT_STREAM_CONTENT_TYPE = "application/octet-stream";

export function installStreamingGlobals(scope) {
  const HttpResponseStream = {
    from(underlyingStream, prelude) {
      underlyingStream.setContentType(HTTP_INTEGRATION_CONTENT_TYPE);
      underlyingStream.write(JSON.stringify(prelude ?? {}));
      underlyingStream.write(PRELUDE_DELIMITER);
      return underlyingStream;
    },
  };
  scope.awslambda = {
    streamifyResponse(handler) {
      handler[HANDLER_STREAMING] = STREAM_RESPONSE;
      return handler;
    },
    HttpResponseStream,
  };
}

export function isStreamingHandler(handler) {
  return handler?.[HANDLER_STREAMING] === STREAM_RESPONSE;
}

/**
 * Runs a streaming handler; `onChunk(bytes, contentType)` gets every write as it happens. Resolves with the
 * stream's content type once the handler has returned and the stream has ended (a handler that returns
 * without ending its stream has it ended for it); rejects with the handler's error, whatever it wrote before.
 */
export async function runStreamingHandler(handler, event, context, onChunk) {
  let contentType = DEFAULT_STREAM_CONTENT_TYPE;
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      onChunk(chunk, contentType);
      callback();
    },
  });
  stream.setContentType = (type) => {
    contentType = String(type);
  };
  const finished = new Promise((resolve, reject) => {
    stream.once("finish", resolve);
    stream.once("error", reject);
  });
  // The handler may fail before anyone awaits `finished`: its rejection is reported through the handler's.
  finished.catch(() => {});
  try {
    await handler(event, stream, context);
  } catch (error) {
    stream.destroy();
    throw error;
  }
  if (!stream.writableEnded) stream.end();
  await finished;
  return { contentType };
}
