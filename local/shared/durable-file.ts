// Files replaced whole or not at all. The new content goes to a temporary file beside the final one, is
// flushed to disk, then renamed over it; the directory is flushed too, so the rename itself survives a crash.
// A reader therefore finds the old content or the new, never half of either, after a kill -9 or a power loss.
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

/** Temporary files end so; one left by a process killed mid-write is never read, only removed. */
export const TEMPORARY_SUFFIX = ".partial";

/** Flushes a directory's entries (a rename or an unlink in it) to disk. */
export function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes `data` to `file` and flushes it to disk before returning (no rename: for a file nothing reads yet). */
export function writeFlushedSync(file: string, data: string | Uint8Array): void {
  const fd = openSync(file, "w");
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces `file` with `data` atomically and durably; its directory is created if missing. */
export function replaceFileSync(file: string, data: string | Uint8Array): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const temporary = join(dir, `.${basename(file)}.${process.pid}${TEMPORARY_SUFFIX}`);
  try {
    writeFlushedSync(temporary, data);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  fsyncDirectory(dir);
}

/** Removes `file` durably; a file already gone is fine. */
export function removeFileSync(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    return;
  }
  fsyncDirectory(dirname(file));
}

/** Removes the temporary files a process killed mid-write left in `dir`; returns their names. */
export function removeTemporaryFiles(dir: string): string[] {
  const leftovers = readdirSync(dir).filter((name) => name.endsWith(TEMPORARY_SUFFIX));
  for (const name of leftovers) rmSync(join(dir, name), { force: true });
  return leftovers;
}
