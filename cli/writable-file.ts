// Files a command writes after its work (a summary, a request): checked before the work, not after it.
import { constants } from "node:fs";
import { access, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { UsageError } from "./usage-error.js";

/** A usage error naming the flag unless `path` can be written: its folder exists and is writable, and it is no folder. */
export async function ensureWritableFile(flag: string, path: string): Promise<void> {
  const problem = await (async () => {
    try {
      await access(dirname(path), constants.W_OK);
    } catch (error) {
      return `its folder cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
    }
    const existing = await stat(path).catch(() => undefined);
    if (existing?.isDirectory()) return "it is a folder";
    if (existing) {
      try {
        await access(path, constants.W_OK);
      } catch {
        return "it cannot be written";
      }
    }
    return undefined;
  })();
  if (problem) throw new UsageError(`--${flag} ${path}: ${problem}; give a file you can write`);
}

/** Removes a file a previous run left, so that after this run it exists only if this run wrote it. */
export async function removeStaleFile(flag: string, path: string): Promise<void> {
  await ensureWritableFile(flag, path);
  await rm(path, { force: true });
}
