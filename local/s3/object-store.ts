// Buckets and objects on disk, under `<root>/<bucket>/`: `bucket.json` says the bucket exists (its region and
// creation date), and each object is one file in `objects/`, named by the SHA-256 of its key, holding a JSON
// line of metadata (key, ETag, size, Last-Modified, headers) and then the bytes. Every change is written whole
// or not at all (write, flush, rename, flush the folder) before it is answered, so an acknowledged object
// survives a kill -9 and a reader never finds half of one.
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
} from "node:fs";
import { join } from "node:path";
import {
  fsyncDirectory,
  removeFileSync,
  removeTemporaryFiles,
  replaceFileSync,
} from "../shared/durable-file.js";
import { BucketNotEmptyError, NoSuchBucketError, NoSuchKeyError, S3Error } from "./errors.js";
import { md5ETag } from "./payload.js";

/** The format of bucket.json and of an object's metadata line; another format is refused, never guessed at. */
export const STORE_FORMAT = 1;

export interface BucketRecord {
  name: string;
  region: string;
  /** ISO 8601. */
  creationDate: string;
}

export interface ObjectRecord {
  key: string;
  /** MD5 of the bytes, in quotes, as S3's ETag for a single-part upload. */
  etag: string;
  size: number;
  /** ISO 8601, whole seconds (S3's Last-Modified header has no finer unit). */
  lastModified: string;
  /** Content-Type and the other stored headers, x-amz-meta-* included, by lower-case name. */
  headers: Record<string, string>;
}

export interface StoredObject extends ObjectRecord {
  data: Buffer;
}

const NEWLINE = 0x0a;

export class ObjectStore {
  /** Starts on what an earlier run kept: bucket folders whose creation or deletion never finished are removed. */
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = join(root, entry.name);
      if (!existsSync(join(dir, "bucket.json"))) rmSync(dir, { recursive: true, force: true });
      else if (existsSync(join(dir, "objects"))) removeTemporaryFiles(join(dir, "objects"));
    }
  }

  /** Creates the bucket; `created: false` when it already existed (the caller answers as S3 does). */
  createBucket(name: string, region: string, now = new Date()): { bucket: BucketRecord; created: boolean } {
    const existing = this.findBucket(name);
    if (existing !== undefined) return { bucket: existing, created: false };
    const dir = join(this.root, name);
    mkdirSync(join(dir, "objects"), { recursive: true });
    fsyncDirectory(dir);
    fsyncDirectory(this.root);
    const bucket: BucketRecord = { name, region, creationDate: now.toISOString() };
    replaceFileSync(join(dir, "bucket.json"), JSON.stringify({ format: STORE_FORMAT, ...bucket }));
    return { bucket, created: true };
  }

  getBucket(name: string): BucketRecord {
    const bucket = this.findBucket(name);
    if (bucket === undefined) throw new NoSuchBucketError(name);
    return bucket;
  }

  listBuckets(): BucketRecord[] {
    return readdirSync(this.root)
      .sort()
      .map((name) => this.findBucket(name))
      .filter((bucket) => bucket !== undefined);
  }

  deleteBucket(name: string): void {
    this.getBucket(name);
    if (this.objectFiles(name).length > 0) throw new BucketNotEmptyError(name);
    // bucket.json goes first: a folder without it is no bucket, and the next start removes what is left.
    removeFileSync(join(this.root, name, "bucket.json"));
    rmSync(join(this.root, name), { recursive: true, force: true });
  }

  putObject(
    bucket: string,
    key: string,
    data: Buffer,
    headers: Record<string, string>,
    now = new Date(),
  ): ObjectRecord {
    this.getBucket(bucket);
    const record: ObjectRecord = {
      key,
      etag: md5ETag(data),
      size: data.length,
      lastModified: new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString(),
      headers,
    };
    const line = Buffer.from(`${JSON.stringify({ format: STORE_FORMAT, ...record })}\n`, "utf8");
    replaceFileSync(this.objectFile(bucket, key), Buffer.concat([line, data]));
    return record;
  }

  getObject(bucket: string, key: string): StoredObject {
    this.getBucket(bucket);
    const file = this.objectFile(bucket, key);
    if (!existsSync(file)) throw new NoSuchKeyError(bucket, key);
    const content = readFileSync(file);
    const newline = content.indexOf(NEWLINE);
    const record = parseObjectRecord(
      file,
      newline === -1 ? "" : content.subarray(0, newline).toString("utf8"),
    );
    return { ...record, data: content.subarray(newline + 1) };
  }

  headObject(bucket: string, key: string): ObjectRecord {
    this.getBucket(bucket);
    const file = this.objectFile(bucket, key);
    if (!existsSync(file)) throw new NoSuchKeyError(bucket, key);
    return parseObjectRecord(file, readFirstLine(file));
  }

  /** Removes the object; one that does not exist is fine, as on S3. */
  deleteObject(bucket: string, key: string): void {
    this.getBucket(bucket);
    removeFileSync(this.objectFile(bucket, key));
  }

  /** Every object of the bucket (metadata only), in S3's order: by the UTF-8 bytes of the key. */
  listObjects(bucket: string): ObjectRecord[] {
    this.getBucket(bucket);
    const dir = join(this.root, bucket, "objects");
    return this.objectFiles(bucket)
      .map((name) => parseObjectRecord(join(dir, name), readFirstLine(join(dir, name))))
      .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  }

  private findBucket(name: string): BucketRecord | undefined {
    const file = join(this.root, name, "bucket.json");
    if (!existsSync(file)) return undefined;
    const value = parseJson(file, readFileSync(file, "utf8"));
    const { name: stored, region, creationDate } = value;
    if (typeof stored !== "string" || typeof region !== "string" || typeof creationDate !== "string") {
      throw unreadable(file, "it lacks name, region or creationDate");
    }
    return { name: stored, region, creationDate };
  }

  private objectFiles(bucket: string): string[] {
    const dir = join(this.root, bucket, "objects");
    if (!existsSync(dir)) return [];
    return readdirSync(dir).filter((name) => name.endsWith(".object"));
  }

  private objectFile(bucket: string, key: string): string {
    return join(this.root, bucket, "objects", `${createHash("sha256").update(key).digest("hex")}.object`);
  }
}

/** The metadata line of an object file, without reading the bytes after it. */
function readFirstLine(file: string): string {
  const fd = openSync(file, "r");
  try {
    const chunks: Buffer[] = [];
    const chunk = Buffer.alloc(16 * 1024);
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) return Buffer.concat(chunks).toString("utf8");
      const newline = chunk.subarray(0, read).indexOf(NEWLINE);
      if (newline !== -1) {
        chunks.push(Buffer.from(chunk.subarray(0, newline)));
        return Buffer.concat(chunks).toString("utf8");
      }
      chunks.push(Buffer.from(chunk.subarray(0, read)));
    }
  } finally {
    closeSync(fd);
  }
}

function parseObjectRecord(file: string, line: string): ObjectRecord {
  const value = parseJson(file, line);
  const { key, etag, size, lastModified, headers } = value;
  if (
    typeof key !== "string" ||
    typeof etag !== "string" ||
    typeof size !== "number" ||
    typeof lastModified !== "string" ||
    headers === null ||
    typeof headers !== "object"
  ) {
    throw unreadable(file, "its metadata line lacks key, etag, size, lastModified or headers");
  }
  return { key, etag, size, lastModified, headers: headers as Record<string, string> };
}

function parseJson(file: string, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw unreadable(file, `it is not JSON (${(error as Error).message})`, error);
  }
  if (value === null || typeof value !== "object") throw unreadable(file, "it is not a JSON object");
  const format = (value as { format?: unknown }).format;
  if (format !== STORE_FORMAT) throw unreadable(file, `its format is ${String(format)}, not ${STORE_FORMAT}`);
  return value as Record<string, unknown>;
}

function unreadable(file: string, reason: string, cause?: unknown): S3Error {
  return new S3Error("InternalError", `The local S3 cannot read ${file}: ${reason}.`, {
    statusCode: 500,
    cause,
  });
}
