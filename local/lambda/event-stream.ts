// InvokeWithResponseStream's body: Lambda's events in the AWS event-stream framing (prelude, headers, payload,
// CRCs), encoded by the SDK's own codec so the framing is the one every SDK decodes.

import { EventStreamCodec } from "@smithy/core/event-streams";

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const codec = new EventStreamCodec(
  (bytes) => decoder.decode(bytes),
  (text) => encoder.encode(text),
);

/** What InvokeComplete carries: an error code and details when the function failed, and the log tail. */
export interface InvokeCompleteEvent {
  ErrorCode?: string;
  ErrorDetails?: string;
  LogResult?: string;
}

function event(eventType: string, contentType: string, body: Uint8Array): Uint8Array {
  return codec.encode({
    headers: {
      ":event-type": { type: "string", value: eventType },
      ":message-type": { type: "string", value: "event" },
      ":content-type": { type: "string", value: contentType },
    },
    body,
  });
}

/** One PayloadChunk event: bytes the function wrote, as it wrote them. */
export function payloadChunkFrame(bytes: Uint8Array): Uint8Array {
  return event("PayloadChunk", "application/octet-stream", bytes);
}

/** The InvokeComplete event that ends every stream, failed or not. */
export function invokeCompleteFrame(complete: InvokeCompleteEvent): Uint8Array {
  return event("InvokeComplete", "application/json", encoder.encode(JSON.stringify(complete)));
}
