// Where functions' code lives on disk: each zip unpacked into a directory of its own (never outside it),
// flushed to disk before the function that uses it is saved, with the CodeSha256 Lambda reports for it.

import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { unzipSync, zipSync } from "fflate";
import { fsyncDirectory, writeFlushedSync } from "../shared/durable-file.js";
import { InvalidParameterValueError } from "./errors.js";
import type { FunctionCodeInput } from "./types.js";

export interface StoredCode {
  /** Absolute path of the unpacked code. */
  codeDir: string;
  /** Base64 SHA-256, as Lambda's CodeSha256. */
  sha256: string;
  /** Bytes of the zip (CodeSize). */
  size: number;
}

export class CodeStore {
  constructor(readonly root: string) {}

  /** Unpacks the request's Code.ZipFile into a fresh directory under `<root>/<function name>/`. */
  storeZip(functionName: string, code: FunctionCodeInput | undefined): StoredCode {
    const zip = decodeZip(code);
    const sha256 = createHash("sha256").update(zip).digest("base64");
    const codeDir = resolve(join(this.root, functionName, randomUUID()));
    unpackZip(zip, codeDir);
    return { codeDir, sha256, size: zip.byteLength };
  }
}

/** Code already unpacked in a directory, used where it is; its CodeSha256 stands for the path. */
export function codeInDirectory(dir: string): StoredCode {
  const codeDir = resolve(dir);
  return { codeDir, sha256: createHash("sha256").update(codeDir).digest("base64"), size: 0 };
}

export function decodeZip(code: FunctionCodeInput | undefined): Uint8Array {
  if (code?.S3Bucket || code?.ImageUri) {
    throw new InvalidParameterValueError(
      "Code.S3Bucket and Code.ImageUri are not supported by the local Lambda service: send Code.ZipFile.",
    );
  }
  const zip = code?.ZipFile;
  if (zip === undefined)
    throw new InvalidParameterValueError("Code.ZipFile is required: send the zipped code.");
  return typeof zip === "string" ? Buffer.from(zip, "base64") : zip;
}

/**
 * Writes every entry of the zip below `root`, refusing entries that would land outside it. Files and
 * directories are flushed, so saved state never points at code a crash could lose.
 */
export function unpackZip(zip: Uint8Array, root: string): void {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip);
  } catch (error) {
    throw new InvalidParameterValueError(
      `Code.ZipFile could not be unzipped (${(error as Error).message}): send a valid .zip archive.`,
      { cause: error },
    );
  }
  // The new directory's parents too, so the entries naming it are on disk as well.
  const dirs = new Set<string>([root, dirname(root), dirname(dirname(root))]);
  for (const [path, data] of Object.entries(files)) {
    const target = resolve(root, path);
    if (!target.startsWith(root + sep)) {
      throw new InvalidParameterValueError(`Code.ZipFile entry ${path} points outside the archive.`);
    }
    if (path.endsWith("/")) {
      mkdirSync(target, { recursive: true });
      dirs.add(target);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    dirs.add(dirname(target));
    writeFlushedSync(target, data);
  }
  mkdirSync(root, { recursive: true });
  for (const dir of dirs) fsyncDirectory(dir);
}

/**
 * Removes the code directories under `root` (`<root>/<function>/<id>/`) that no kept function uses: those of
 * deleted functions, replaced code, and code unpacked by a change that was never saved.
 */
export function removeUnusedCode(root: string, used: ReadonlySet<string>): void {
  if (!existsSync(root)) return;
  for (const fn of readdirSync(root, { withFileTypes: true })) {
    // node_modules holds the runtime's SDK link (runtime-sdk.ts), not a function.
    if (!fn.isDirectory() || fn.name === "node_modules") continue;
    const fnDir = join(root, fn.name);
    const codeDirs = readdirSync(fnDir).map((id) => resolve(fnDir, id));
    const unused = codeDirs.filter((dir) => !used.has(dir));
    for (const dir of unused) rmSync(dir, { recursive: true, force: true });
    if (unused.length === codeDirs.length) rmSync(fnDir, { recursive: true, force: true });
  }
}

export function defaultCodeRoot(dataDir: string | undefined): { codeRoot: string; temporary: boolean } {
  if (dataDir) return { codeRoot: join(dataDir, "functions"), temporary: false };
  return { codeRoot: mkdtempSync(join(tmpdir(), "powertune-lambda-")), temporary: true };
}

/** A function's code directory as the zip Lambda would serve for it (GetFunction's Code.Location). */
export function zipDirectory(dir: string): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files[relative(dir, path).split(sep).join("/")] = readFileSync(path);
    }
  };
  walk(dir);
  return zipSync(files);
}
