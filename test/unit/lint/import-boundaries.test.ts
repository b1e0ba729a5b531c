// The import boundaries in biome.json, held to account: each rule must refuse a deliberately wrong import and
// accept the declared entry points. The files are linted in a scratch copy of the project's configuration, so
// nothing is written into the tree.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const biome = join(root, "node_modules", ".bin", "biome");
const scratch = mkdtempSync(join(tmpdir(), "powertune-lint-"));
const config = JSON.parse(readFileSync(join(root, "biome.json"), "utf8")) as Record<string, unknown>;
// The scratch folder is no git checkout: lint every file given, ignoring nothing.
writeFileSync(join(scratch, "biome.json"), JSON.stringify({ ...config, vcs: { enabled: false }, files: {} }));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Lints one file with one import at `path` (relative to the project root); returns Biome's output, or "" when clean. */
function lintImport(path: string, specifier: string): string {
  const file = join(scratch, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `import { x } from "${specifier}";\n\nexport const y = x;\n`);
  const result = spawnSync(biome, ["lint", "--max-diagnostics=5", path], { cwd: scratch, encoding: "utf8" });
  rmSync(file);
  return result.status === 0 ? "" : `${result.stdout}${result.stderr}`;
}

describe("import boundaries (biome noRestrictedImports)", () => {
  it.each([
    ["functions/crud/x.ts", "../../local/cloud.js", "functions/ is deployed code"],
    ["functions/initializer/x.ts", "../../cli/main.js", "functions/ is deployed code"],
    ["functions/optimizer/x.ts", "../../stacks/app.js", "functions/ is deployed code"],
    ["functions/tuner/core/x.ts", "@aws-sdk/client-lambda", "the pure core"],
    ["functions/tuner/core/x.ts", "../aws/index.js", "the pure core"],
    ["functions/tuner/core/x.ts", "../../../local/cloud.js", "functions/ is deployed code"],
    ["local/lambda/x.ts", "../../cli/main.js", "local/ is the local cloud"],
    ["local/x.ts", "../functions/tuner/core/index.js", "local/ is the local cloud"],
    ["stacks/x.ts", "../local/cloud.js", "stacks/ composes constructs"],
    ["contract/x.ts", "../functions/tuner/aws/index.js", "contract/ is plain data"],
    ["cli/commands/x.ts", "../../functions/tuner/core/stats.js", "reach the tuner only through"],
    ["cli/x.ts", "../functions/tuner/aws/history.js", "reach the tuner only through"],
    [
      "bench/x.ts",
      "../stacks/power-tuner-stack.js",
      "read stack ids, output names and sample data from contract/",
    ],
  ])("refuses %s importing %s", (path, specifier, message) => {
    expect(lintImport(path, specifier)).toContain(message);
  });

  it.each([
    ["cli/x.ts", "../functions/tuner/core/index.js"],
    ["cli/commands/x.ts", "../../functions/tuner/aws/index.js"],
    ["contract/x.ts", "../functions/tuner/core/index.js"],
    ["functions/tuner/aws/x.ts", "../core/index.js"],
    ["functions/tuner/core/x.ts", "./stats.js"],
    ["stacks/x.ts", "../contract/index.js"],
  ])("accepts %s importing %s", (path, specifier) => {
    expect(lintImport(path, specifier)).toBe("");
  });
});
