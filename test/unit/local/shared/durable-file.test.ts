import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  removeFileSync,
  removeTemporaryFiles,
  replaceFileSync,
  TEMPORARY_SUFFIX,
} from "../../../../local/shared/durable-file.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "powertune-durable-"));
  dirs.push(dir);
  return dir;
}

describe("durable files", () => {
  it("replace a file whole, creating its directory, and leave no temporary file behind", () => {
    const file = join(scratch(), "nested", "state.json");
    replaceFileSync(file, "first");
    replaceFileSync(file, "second");
    expect(readFileSync(file, "utf8")).toBe("second");
    expect(readdirSync(join(file, ".."))).toEqual(["state.json"]);
  });

  it("remove a file, and accept one that is already gone", () => {
    const file = join(scratch(), "state.json");
    replaceFileSync(file, "x");
    removeFileSync(file);
    removeFileSync(file);
    expect(readdirSync(join(file, ".."))).toEqual([]);
  });

  it("clear the temporary files a killed writer left, and nothing else", () => {
    const dir = scratch();
    writeFileSync(join(dir, "kept.json"), "{}");
    writeFileSync(join(dir, `.kept.json.99${TEMPORARY_SUFFIX}`), "{ half");
    expect(removeTemporaryFiles(dir)).toEqual([`.kept.json.99${TEMPORARY_SUFFIX}`]);
    expect(readdirSync(dir)).toEqual(["kept.json"]);
  });
});
