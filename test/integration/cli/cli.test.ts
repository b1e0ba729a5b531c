// The powertune command as a user runs it: help, usage errors and input errors, with their exit codes.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const BIN = join(import.meta.dirname, "../../../cli/bin.mjs");

function powertune(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const scratch = mkdtempSync(join(tmpdir(), "powertune-cli-"));
function inputFile(name: string, content: string): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

describe("powertune --help", () => {
  it("lists every command and exits 0", () => {
    const result = powertune("--help");
    expect(result.status).toBe(0);
    for (const command of ["up", "deploy", "tune", "approve", "deny", "demo"]) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    }
  });

  it.each(["up", "deploy", "tune", "approve", "deny", "demo"])(
    "`%s --help` prints its usage and exits 0",
    (command) => {
      const result = powertune(command, "--help");
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`usage: powertune ${command}`);
    },
  );
});

describe("usage errors exit 2 and say what to do", () => {
  it("an unknown command", () => {
    const result = powertune("tuen");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown command "tuen"');
  });

  it("an unknown flag names the flag", () => {
    const result = powertune("tune", "--inptu", "x.json");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--inptu");
  });

  it("tune without --input", () => {
    const result = powertune("tune");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--input FILE|- is required");
  });

  it("--cloud without a state machine", () => {
    const result = powertune("tune", "--input", "x.json", "--cloud");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--state-machine-arn");
  });

  it("a missing input file, and one that is not JSON, name the file", () => {
    const missing = powertune("tune", "--input", join(scratch, "nope.json"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("no such file");
    const notJson = powertune("tune", "--input", inputFile("bad.json", "{ lambdaARN: 1"));
    expect(notJson.status).toBe(2);
    expect(notJson.stderr).toContain("not valid JSON");
  });

  it("bad tuning input is refused before anything starts, naming each bad field", () => {
    const file = inputFile(
      "invalid.json",
      JSON.stringify({
        lambdaARN: "arn:aws:lambda:us-east-1:000000000000:function:f",
        num: 2,
        strategy: "cheapest",
      }),
    );
    const result = powertune("tune", "--input", file);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("num");
    expect(result.stderr).toContain("strategy");
    expect(result.stderr).not.toContain("booting");
  });

  it("a reports directory that cannot be made is refused before the run, not after it", () => {
    const file = inputFile(
      "valid.json",
      JSON.stringify({ lambdaARN: "arn:aws:lambda:us-east-1:000000000000:function:f", num: 5 }),
    );
    const notADirectory = inputFile("a-file", "");
    const result = powertune("tune", "--input", file, "--reports-dir", join(notADirectory, "reports"));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--reports-dir");
    expect(result.stderr).not.toContain("booting");
  });
});
