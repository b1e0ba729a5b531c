import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../../..");
const { scripts } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
};

// Every `npm run bench…` script, as package.json names it, with the file it runs.
const benches = Object.entries(scripts)
  .filter(([name]) => name === "bench" || name.startsWith("bench:"))
  .map(([name, command]) => ({ name, file: /^tsx (bench\/\S+\.ts)$/.exec(command)?.[1] }));

const run = (file: string, args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", join(ROOT, file), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    // A parser that let the option through would start the benchmark: the timeout makes that a failure.
    timeout: 30_000,
  });

describe("every benchmark's command line", () => {
  it("finds the benchmarks in package.json, each run by tsx from bench/", () => {
    expect(benches.length).toBeGreaterThanOrEqual(7);
    for (const bench of benches) expect(bench.file, bench.name).toBeDefined();
  });

  it.each(benches)("$name --help prints its usage and exits 0", ({ name, file }) => {
    const result = run(file as string, ["--help"]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^usage: npm run ${name}\\b`));
  });

  it.each(benches)("$name with an unknown option names it and exits 2 before measuring", ({ file }) => {
    const result = run(file as string, ["--bogus"]);
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe("unknown option --bogus. See --help");
    expect(result.stdout).toBe("");
  });
});
