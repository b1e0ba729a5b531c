import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { zipSync } from "fflate";

/** Every entry's timestamp: a fixed one (local midnight, 1 January 1980, the zip format's first day). */
const ENTRY_TIME = new Date(1980, 0, 1);

/**
 * Zips a bundled asset folder the way `cdk deploy` uploads it, so CreateFunction gets a real ZipFile. The
 * same files always give the same bytes (sorted entries, fixed timestamps), so the zip's CodeSha256 tells a
 * redeploy whether the code changed.
 */
export async function zipFolder(dir: string): Promise<Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const paths = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  for (const path of paths.sort()) {
    files[relative(dir, path).split("\\").join("/")] = await readFile(path);
  }
  return zipSync(files, { level: 6, mtime: ENTRY_TIME });
}
