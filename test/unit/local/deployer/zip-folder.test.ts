import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import { zipFolder } from "../../../../local/deployer/zip-folder.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function folder(files: Record<string, string>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "powertune-zip-"));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

describe("zipping an asset folder", () => {
  it("holds every file at its relative path", async () => {
    const zip = await zipFolder(await folder({ "index.mjs": "export {}", "lib/a.js": "1" }));
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(["index.mjs", "lib/a.js"]);
    expect(Buffer.from(files["lib/a.js"] ?? []).toString()).toBe("1");
  });

  it("gives the same bytes for the same files, whenever and in whatever order they were written", async () => {
    const first = await zipFolder(await folder({ "b.js": "b", "a.js": "a" }));
    // Zip timestamps have a 2 s resolution: a later zip of the same files would differ if they were kept.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const second = await zipFolder(await folder({ "a.js": "a", "b.js": "b" }));
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
    const changed = await zipFolder(await folder({ "a.js": "a", "b.js": "b2" }));
    expect(Buffer.from(changed).equals(Buffer.from(first))).toBe(false);
  });
});
