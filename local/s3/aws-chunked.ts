// The aws-chunked framing the SDK uses for streamed bodies (and for every body when it adds a trailing
// checksum): `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` … `0\r\n<trailer: value>\r\n…\r\n`. Chunk
// signatures and trailing checksums are read past, not checked (no signature is checked locally).
import { S3Error } from "./errors.js";

export interface DecodedChunks {
  data: Buffer;
  /** Trailing headers, e.g. `{ "x-amz-checksum-crc32": "…" }`. */
  trailers: Record<string, string>;
}

const CRLF = Buffer.from("\r\n");

export function decodeAwsChunked(body: Buffer): DecodedChunks {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf(CRLF, offset);
    if (lineEnd === -1) throw incomplete("a chunk header has no end");
    const header = body.subarray(offset, lineEnd).toString("latin1");
    const size = Number.parseInt(header.split(";")[0] ?? "", 16);
    if (!Number.isInteger(size) || size < 0 || !/^[0-9a-fA-F]+$/.test(header.split(";")[0] ?? "")) {
      throw incomplete(`a chunk header is not a hex size: ${JSON.stringify(header.slice(0, 40))}`);
    }
    offset = lineEnd + CRLF.length;
    if (size === 0) break;
    if (offset + size + CRLF.length > body.length) throw incomplete("a chunk is shorter than its size");
    parts.push(body.subarray(offset, offset + size));
    offset += size;
    if (!body.subarray(offset, offset + CRLF.length).equals(CRLF))
      throw incomplete("a chunk does not end in CRLF");
    offset += CRLF.length;
  }
  const trailers: Record<string, string> = {};
  for (const line of body.subarray(offset).toString("latin1").split("\r\n")) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw incomplete(`a trailer is not "name:value": ${JSON.stringify(line.slice(0, 40))}`);
    trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { data: Buffer.concat(parts), trailers };
}

function incomplete(reason: string): S3Error {
  return new S3Error("IncompleteBody", `The aws-chunked request body is malformed: ${reason}.`, {
    statusCode: 400,
  });
}
