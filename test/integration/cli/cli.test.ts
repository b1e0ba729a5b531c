// The powertune command as a user runs it: help, usage errors and input errors, with their exit codes.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { powertuneSync } from "../../support/powertune-cli.js";

// Spread, so that each case below reads as the command line a user types.
const powertune = (...args: string[]) => powertuneSync(args);

/** Exit 2 with `expected` in the message, before any local cloud is booted for the command. */
function refusesUsage(args: string[], expected: string): void {
  const result = powertune(...args);
  expect(result.status).toBe(2);
  expect(result.stderr).toContain(expected);
  expect(result.stderr).not.toContain("booting");
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
    for (const command of [
      "up",
      "deploy",
      "input",
      "tune",
      "loadtest",
      "smoke",
      "history",
      "approve",
      "deny",
      "demo",
    ]) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    }
  });

  it.each(["up", "deploy", "input", "tune", "loadtest", "smoke", "history", "approve", "deny", "demo"])(
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

describe("loadtest, smoke and history refuse bad flags with exit 2, naming the flag, before anything starts", () => {
  it.each([
    [["loadtest", "--powers", "64,1024"], "--powers 64,1024"],
    [["loadtest", "--powers", "128,abc"], '"abc"'],
    [["loadtest", "--connections", "0"], "--connections 0"],
    [["loadtest", "--duration", "-3"], "--duration"],
    [["loadtest", "--amount", "1.5"], "--amount 1.5"],
    [["loadtest", "--rate", "fast"], "--rate fast"],
    [["loadtest", "--duration", "5", "--amount", "100"], "--duration and --amount"],
    [["loadtest", "--cloud"], "--cloud needs --api"],
    [["loadtest", "--api", "http://x/"], "--api, --function and --region go with --cloud"],
    [["loadtest", "--cloud", "--api", "not a url", "--function", "f"], "--api not a url"],
    [
      ["loadtest", "--request", "/nonexistent/requests.json"],
      "--request /nonexistent/requests.json: no such file",
    ],
    [["loadtest", "--conections", "4"], "unknown option --conections"],
    [["smoke", "--api", "http://x/"], "--api needs --table"],
    [["smoke", "--table", "T"], "--table and --function go with --api"],
    [["smoke", "--api", "http://x/", "--table", "T", "--endpoint", "http://y"], "--api and --endpoint"],
    [["smoke", "--verbose"], "unknown option --verbose"],
    [["history"], "--function NAME is required"],
    [["history", "--function", "f", "--cloud"], "--cloud needs --history-table"],
    [["history", "--function", "f", "--limit", "0"], "--limit 0"],
    [["deny", "f", "--reports-dir", "r"], "--reports-dir and --no-report go with approve"],
  ])("%j", refusesUsage);

  it("a --request file that is not a request names the field", () => {
    const file = inputFile(
      "requests.json",
      JSON.stringify([{ request: { method: "GET", path: "items" }, weight: -1 }]),
    );
    const result = powertune("loadtest", "--request", file);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`--request ${file}: [0].weight is -1`);
  });
});

describe("the CI flags of input, tune, smoke, approve and deny refuse bad usage with exit 2, naming the flag", () => {
  const valid = inputFile(
    "ci-valid.json",
    JSON.stringify({ lambdaARN: "arn:aws:lambda:us-east-1:000000000000:function:f", num: 5 }),
  );
  const noTuner = inputFile(
    "outputs-no-tuner.json",
    JSON.stringify({ CrudService: { ApiUrl: "http://x/" } }),
  );
  const notARequest = inputFile("not-a-request.md", "# Some issue\n\n/approve\n");
  it.each([
    [["input", "--approval", "maybe"], '--approval must be auto or manual, got "maybe"'],
    [
      ["input", "--outputs-file", "/nonexistent/outputs.json"],
      "--outputs-file /nonexistent/outputs.json: no such file",
    ],
    [["input", "--outputs-file", noTuner], "has no CrudService FunctionArn output"],
    [["input", "--outputs-file", noTuner, "--endpoint", "http://127.0.0.1:1"], "exclude each other"],
    [["tune", "--input", valid, "--outputs-file", noTuner], "--outputs-file and --region go with --cloud"],
    [
      ["tune", "--input", valid, "--cloud", "--outputs-file", noTuner, "--state-machine-arn", "arn:x"],
      "--state-machine-arn and --outputs-file exclude each other",
    ],
    [
      ["tune", "--input", valid, "--cloud", "--outputs-file", noTuner],
      "has no PowerTuner StateMachineArn output",
    ],
    [
      ["tune", "--input", valid, "--no-report", "--markdown", "/nonexistent/summary.md"],
      "--markdown /nonexistent/summary.md: its folder cannot be written",
    ],
    [
      ["tune", "--input", valid, "--no-report", "--approval-request", scratch],
      `--approval-request ${scratch}: it is a folder`,
    ],
    [["smoke", "--outputs-file", noTuner, "--api", "http://x/"], "--outputs-file excludes --api"],
    [["smoke", "--outputs-file", noTuner, "--no-report"], "has no CrudService TableName output"],
    [
      ["approve", "f", "--request", "/nonexistent/request.md"],
      "--request /nonexistent/request.md: no such file",
    ],
    [["deny", "f", "--request", notARequest], `--request ${notARequest}: no approval request in it`],
    [["approve", "f", "--decided-by", " "], "--decided-by needs a name"],
  ])("%j", refusesUsage);

  it("approve --markdown writes the refusal for the issue comment", () => {
    const comment = `${scratch}/decision.md`;
    const result = powertune("approve", "f", "--request", notARequest, "--markdown", comment);
    expect(result.status).toBe(2);
    const text = readFileSync(comment, "utf8");
    expect(text).toContain("**Not done**: `powertune approve` refused, and changed nothing.");
    expect(text).toContain("no approval request in it");
  });
});
