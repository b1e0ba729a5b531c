// ListObjectsV2's page of a bucket's sorted keys, with no I/O: prefix, delimiter (keys rolled up into
// CommonPrefixes), start-after, max-keys and continuation tokens, as S3 pages them.
import { S3Error } from "./errors.js";
import type { ObjectRecord } from "./object-store.js";

export const DEFAULT_MAX_KEYS = 1000;

export interface ListRequest {
  prefix: string;
  delimiter: string | undefined;
  maxKeys: number;
  startAfter: string | undefined;
  continuationToken: string | undefined;
}

export interface ListPage {
  contents: ObjectRecord[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextContinuationToken: string | undefined;
}

export function listRequest(query: URLSearchParams): ListRequest {
  const rawMaxKeys = query.get("max-keys");
  const maxKeys = rawMaxKeys === null ? DEFAULT_MAX_KEYS : Number(rawMaxKeys);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) {
    throw new S3Error("InvalidArgument", "Provided max-keys not an integer or within integer range", {
      statusCode: 400,
      details: { ArgumentName: "max-keys", ArgumentValue: rawMaxKeys ?? "" },
    });
  }
  const encodingType = query.get("encoding-type");
  if (encodingType !== null && encodingType !== "url") {
    throw new S3Error("InvalidArgument", "Invalid Encoding Method specified in Request", {
      statusCode: 400,
      details: { ArgumentName: "encoding-type", ArgumentValue: encodingType },
    });
  }
  return {
    prefix: query.get("prefix") ?? "",
    delimiter: query.get("delimiter") || undefined,
    maxKeys: Math.min(maxKeys, DEFAULT_MAX_KEYS),
    startAfter: query.get("start-after") ?? undefined,
    continuationToken: query.get("continuation-token") ?? undefined,
  };
}

/** The page of `objects` (sorted by key bytes) that `request` asks for. */
export function listPage(objects: readonly ObjectRecord[], request: ListRequest): ListPage {
  const after: Position | undefined =
    request.continuationToken === undefined
      ? request.startAfter === undefined
        ? undefined
        : { after: request.startAfter, commonPrefix: false }
      : decodeToken(request.continuationToken);
  const contents: ObjectRecord[] = [];
  const commonPrefixes: string[] = [];
  let last: Position | undefined;
  let isTruncated = false;
  for (const object of objects) {
    const { key } = object;
    if (!key.startsWith(request.prefix) || (after !== undefined && isBefore(key, after))) continue;
    const rollUp = commonPrefixOf(key, request);
    if (rollUp !== undefined && rollUp === commonPrefixes.at(-1)) continue;
    if (contents.length + commonPrefixes.length >= request.maxKeys) {
      isTruncated = true;
      break;
    }
    if (rollUp !== undefined) {
      commonPrefixes.push(rollUp);
      last = { after: rollUp, commonPrefix: true };
    } else {
      contents.push(object);
      last = { after: key, commonPrefix: false };
    }
  }
  return {
    contents,
    commonPrefixes,
    isTruncated,
    nextContinuationToken: isTruncated && last !== undefined ? encodeToken(last) : undefined,
  };
}

function commonPrefixOf(key: string, request: ListRequest): string | undefined {
  if (request.delimiter === undefined) return undefined;
  const at = key.indexOf(request.delimiter, request.prefix.length);
  return at === -1 ? undefined : key.slice(0, at + request.delimiter.length);
}

/** Where a page ended: after a key, or after a common prefix (and so after every key rolled up into it). */
interface Position {
  after: string;
  commonPrefix: boolean;
}

function isBefore(key: string, position: Position): boolean {
  if (position.commonPrefix && key.startsWith(position.after)) return true;
  return Buffer.compare(Buffer.from(key), Buffer.from(position.after)) <= 0;
}

function encodeToken(position: Position): string {
  return Buffer.from(`${position.commonPrefix ? "p" : "k"}:${position.after}`, "utf8").toString("base64");
}

function decodeToken(token: string): Position {
  const text = Buffer.from(token, "base64").toString("utf8");
  const kind = text.slice(0, 2);
  const position = { after: text.slice(2), commonPrefix: kind === "p:" };
  if ((kind !== "p:" && kind !== "k:") || encodeToken(position) !== token) {
    throw new S3Error("InvalidArgument", "The continuation token provided is incorrect", {
      statusCode: 400,
      details: { ArgumentName: "continuation-token" },
    });
  }
  return position;
}
