// npm run bench — every benchmark in turn, each in its own process (they boot their own services), stopping at
// the first that fails.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { parseBenchArgs } from "./support/cli.js";

const USAGE = `usage: npm run bench

Runs npm run bench:lambda, then npm run bench:tune, each in its own process, stopping at the first that
fails. Each rewrites its own section of docs/benchmarks.md.
`;
parseBenchArgs(USAGE, {});

const ROOT = join(import.meta.dirname, "..");
const BENCHMARKS = ["bench/lambda/run.ts", "bench/tune/run.ts"];

function run(script: string): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, script)], {
      cwd: ROOT,
      stdio: "inherit",
    });
    child.on("error", fail);
    child.on("exit", (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

for (const script of BENCHMARKS) {
  process.stderr.write(`\n== ${script}\n`);
  const code = await run(script);
  if (code !== 0) {
    process.stderr.write(`${script} failed (exit ${code})\n`);
    process.exit(code);
  }
}
