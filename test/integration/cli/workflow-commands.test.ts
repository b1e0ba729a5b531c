// Every `powertune` command line in the GitHub workflows is one the CLI accepts: each flag exists (the
// parser is strict, also with --help) for each value the workflow's variables take, and the input step
// prints an input the tuner accepts.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULT_POWER_VALUES, OUTPUTS, STACKS } from "../../../contract/index.js";
import { validateTuningInput } from "../../../functions/tuner/core/index.js";
import { powertuneSync } from "../../support/powertune-cli.js";

const root = join(import.meta.dirname, "../../..");
const folder = join(root, ".github", "workflows");

interface Workflow {
  jobs: Record<string, { steps: { run?: string }[] }>;
}

/** The values the workflows' shell variables take in these lines; any other variable gets a placeholder. */
const VARIABLES: Record<string, string[]> = {
  DECISION: ["approve", "deny"],
  APPROVAL_MODE: ["auto", "manual"],
};

/** `npx powertune …` lines as the shell splits them (double quotes, no redirection), without `npx powertune`. */
function powertuneLines(): { file: string; words: string[] }[] {
  return readdirSync(folder)
    .filter((name) => name.endsWith(".yml"))
    .sort()
    .flatMap((file) => {
      const workflow = parse(readFileSync(join(folder, file), "utf8")) as Workflow;
      return Object.values(workflow.jobs)
        .flatMap((job) => job.steps.map((step) => step.run?.replace(/\s+/g, " ").trim() ?? ""))
        .filter((run) => run.startsWith("npx powertune "))
        .map((run) => {
          const command = run.split(" > ")[0] ?? "";
          const words = [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? "");
          return { file, words: words.slice(2) };
        });
    });
}

/** Each way of filling in the variables of `words`. */
function expansions(words: string[]): string[][] {
  const name = /\$([A-Z_]+)/.exec(words.join(" "))?.[1];
  if (name === undefined) return [words];
  const values = VARIABLES[name] ?? [`placeholder-${name.toLowerCase().replaceAll("_", "-")}`];
  return values.flatMap((value) => expansions(words.map((w) => w.replaceAll(`$${name}`, value))));
}

const scratch = mkdtempSync(join(tmpdir(), "powertune-workflow-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const lines = powertuneLines();
const filled = lines.flatMap((line) => expansions(line.words).map((words) => ({ file: line.file, words })));

describe("the workflows' powertune command lines", () => {
  it("are the four steps that need the CLI: approve or deny, smoke, input and tune", () => {
    expect(lines.map((line) => line.words[0])).toEqual(["$DECISION", "smoke", "input", "tune"]);
  });

  it.each(filled.map(({ file, words }) => [file, words.join(" "), words] as const))(
    "%s: powertune %s has only flags the command knows",
    (_file, _command, words) => {
      const result = powertuneSync([...words, "--help"]);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`usage: powertune ${words[0]}`);
    },
  );

  it.each(
    filled.filter(({ words }) => words[0] === "input").map(({ words }) => [words.join(" "), words] as const),
  )("powertune %s prints an input the tuner accepts, from a cdk outputs file", (_command, words) => {
    const job = join(scratch, words.join("-").replace(/[^\w-]/g, "_"));
    mkdirSync(job);
    const functionArn = "arn:aws:lambda:eu-west-1:123456789012:function:CrudService-CrudFunction-abc";
    writeFileSync(
      join(job, "outputs.json"),
      JSON.stringify({
        [STACKS.crud]: { [OUTPUTS.crud.functionArn]: functionArn, [OUTPUTS.crud.tableName]: "Items" },
      }),
    );
    const result = powertuneSync(words, job);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const input = validateTuningInput(JSON.parse(result.stdout), DEFAULT_POWER_VALUES);
    expect(input.lambdaARN).toBe(functionArn);
    const mode = words[words.indexOf("--approval") + 1];
    expect(mode === "manual" ? input.approval : input.autoOptimize).toBe(mode === "manual" ? "manual" : true);
  });
});
