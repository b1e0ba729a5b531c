// GetObject's Range header, with no I/O: one `bytes=` range (first-last, first-, or -suffix), as S3 serves it.
// S3 ignores a header it cannot parse and sends the whole object; a range past the end is 416 InvalidRange.
import { S3Error } from "./errors.js";

export interface ByteRange {
  start: number;
  /** Inclusive, as in Content-Range. */
  end: number;
}

/** The bytes of an object of `size` bytes that `header` asks for; undefined means the whole object. */
export function byteRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return undefined;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return undefined;
  let range: ByteRange;
  if (first === "") {
    const suffix = Number(last);
    range = { start: Math.max(0, size - suffix), end: size - 1 };
    if (suffix === 0) throw invalidRange(size);
  } else {
    range = { start: Number(first), end: last === "" ? size - 1 : Math.min(Number(last), size - 1) };
    if (last !== "" && Number(last) < range.start) return undefined;
  }
  if (range.start >= size) throw invalidRange(size);
  return range;
}

function invalidRange(size: number): S3Error {
  return new S3Error("InvalidRange", "The requested range is not satisfiable", {
    statusCode: 416,
    details: { ActualObjectSize: String(size) },
  });
}
