import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { zipSync } from "fflate";

/** Zips a bundled asset folder the way `cdk deploy` uploads it, so CreateFunction gets a real ZipFile. */
export async function zipFolder(dir: string): Promise<Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(dir, path).split("\\").join("/")] = await readFile(path);
  }
  return zipSync(files, { level: 6 });
}
