import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { App, Stack, Validations } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AttributeType, Table } from "aws-cdk-lib/aws-dynamodb";
import { Code, Function as LambdaFunction, Runtime } from "aws-cdk-lib/aws-lambda";
import { DefinitionBody, Pass, StateMachine } from "aws-cdk-lib/aws-stepfunctions";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import { OUTPUTS, STACKS } from "../../../contract/index.js";
import { CrudServiceStack } from "../../../stacks/crud-service-stack.js";
import {
  APPROVAL_FUNCTION_ACTIONS,
  APPROVAL_TABLE_ACTIONS,
  EXECUTION_ACTIONS,
  GITHUB_ACCESS_ACCEPTED_WILDCARDS,
  GITHUB_CONTEXT,
  type GitHubAccessSettings,
  GitHubAccessStack,
  parseGitHubAccessContext,
} from "../../../stacks/github-access-stack.js";
import { PowerTunerStack } from "../../../stacks/power-tuner-stack.js";
import { cdkSynthInScratch } from "../../support/cdk-synth.js";

const env = { account: "000000000000", region: "us-east-1" };
const REPOSITORY = "example-org/example-repo";
const PROVIDER_ARN = "arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com";

/** The app as stacks/app.ts composes it, with the GitHub access stack built from `github`. */
function buildApp(github: GitHubAccessSettings, context: Record<string, string> = {}) {
  const app = new App({ context });
  const crud = new CrudServiceStack(app, STACKS.crud, { env });
  const tuner = new PowerTunerStack(app, STACKS.tuner, {
    env,
    defaultTarget: crud.crudFunction,
    defaultTargetTable: crud.table,
  });
  const access = new GitHubAccessStack(app, STACKS.githubAccess, {
    env,
    github,
    stateMachine: tuner.stateMachine,
    historyTable: tuner.historyTable,
    tunedFunction: crud.crudFunction,
  });
  return { app, crud, tuner, access };
}

/**
 * The GitHub access stack over small stand-in producers (no bundling): for what does not depend on the app's
 * real stacks, such as the trust policy.
 */
function buildAccessOnly(github: GitHubAccessSettings, context: Record<string, string> = {}) {
  const app = new App({ context });
  const producers = new Stack(app, "Producers", { env });
  const stateMachine = new StateMachine(producers, "Machine", {
    definitionBody: DefinitionBody.fromChainable(new Pass(producers, "Done")),
  });
  const historyTable = new Table(producers, "History", {
    partitionKey: { name: "pk", type: AttributeType.STRING },
  });
  const tunedFunction = new LambdaFunction(producers, "Tuned", {
    runtime: Runtime.NODEJS_22_X,
    handler: "index.handler",
    code: Code.fromInline("export const handler = async () => ({});"),
  });
  return new GitHubAccessStack(app, STACKS.githubAccess, {
    env,
    github,
    stateMachine,
    historyTable,
    tunedFunction,
  });
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
interface RoleResource {
  Properties: {
    AssumeRolePolicyDocument: { Statement: Statement[] };
    Policies?: { PolicyName: string; PolicyDocument: { Statement: Statement[] } }[];
    ManagedPolicyArns?: unknown;
    MaxSessionDuration?: number;
  };
}

function theRole(template: Template): RoleResource {
  const roles = Object.values(template.findResources("AWS::IAM::Role")) as RoleResource[];
  expect(roles).toHaveLength(1);
  return roles[0] as RoleResource;
}

const trustOf = (template: Template) => theRole(template).Properties.AssumeRolePolicyDocument.Statement;
const permissionsOf = (template: Template) =>
  (theRole(template).Properties.Policies ?? []).flatMap((p) => p.PolicyDocument.Statement);

/** The producer's output a `Fn::GetStackOutput` reads, as the producer's template defines it. */
function producedValue(producers: Record<string, Template>, value: unknown): unknown {
  const ref = (value as { "Fn::GetStackOutput"?: { StackName: string; OutputName: string } })[
    "Fn::GetStackOutput"
  ];
  if (!ref) return undefined;
  const outputs = producers[ref.StackName]?.toJSON().Outputs as
    | Record<string, { Value: unknown }>
    | undefined;
  return outputs?.[ref.OutputName]?.Value;
}

describe("GitHubAccess context", () => {
  const read = (context: Record<string, unknown>) => parseGitHubAccessContext((key) => context[key]);

  it("is absent without githubRepository, and reads the repository, ref, environment and provider", () => {
    expect(read({})).toBeUndefined();
    expect(read({ [GITHUB_CONTEXT.repository]: REPOSITORY })).toEqual({ repository: REPOSITORY });
    expect(
      read({
        [GITHUB_CONTEXT.repository]: "Example-Org/example.repo_2",
        [GITHUB_CONTEXT.ref]: "refs/heads/main",
        [GITHUB_CONTEXT.environment]: "production",
        [GITHUB_CONTEXT.oidcProviderArn]: PROVIDER_ARN,
      }),
    ).toEqual({
      repository: "Example-Org/example.repo_2",
      ref: "refs/heads/main",
      environment: "production",
      oidcProviderArn: PROVIDER_ARN,
    });
  });

  it.each([
    [GITHUB_CONTEXT.repository, "example-org"],
    [GITHUB_CONTEXT.repository, "example-org/repo/extra"],
    [GITHUB_CONTEXT.repository, "example-org/*"],
    [GITHUB_CONTEXT.repository, "*/*"],
    [GITHUB_CONTEXT.repository, "-org/repo"],
    [GITHUB_CONTEXT.repository, "example-org/.."],
    [GITHUB_CONTEXT.repository, "example org/repo"],
    [GITHUB_CONTEXT.repository, ""],
    [GITHUB_CONTEXT.repository, 42],
    [GITHUB_CONTEXT.ref, "main"],
    [GITHUB_CONTEXT.ref, "refs/heads/*"],
    [GITHUB_CONTEXT.ref, "refs/pull/1/merge"],
    [GITHUB_CONTEXT.environment, "prod:x"],
    [GITHUB_CONTEXT.environment, "*"],
    [GITHUB_CONTEXT.oidcProviderArn, "arn:aws:iam::000000000000:oidc-provider/example.com"],
  ])("refuses %s = %j, naming the key and how to pass it", (key, value) => {
    const context: Record<string, unknown> = { [GITHUB_CONTEXT.repository]: REPOSITORY, [key]: value };
    expect(() => read(context)).toThrow(`context ${key} is ${JSON.stringify(value)}: `);
    expect(() => read(context)).toThrow(`-c ${key}=`);
  });

  it("refuses a ref, environment or provider without a repository, rather than ignoring it", () => {
    expect(() => read({ [GITHUB_CONTEXT.ref]: "refs/heads/main" })).toThrow(
      `context ${GITHUB_CONTEXT.ref} is set but ${GITHUB_CONTEXT.repository} is not`,
    );
  });
});

describe("GitHubAccessStack trust policy", () => {
  const trust = (github: Omit<GitHubAccessSettings, "repository">) =>
    trustOf(Template.fromStack(buildAccessOnly({ repository: REPOSITORY, ...github })));

  it("creates GitHub's OIDC provider with the STS audience", () => {
    const template = Template.fromStack(buildAccessOnly({ repository: REPOSITORY }));
    template.resourceCountIs("AWS::IAM::OIDCProvider", 1);
    template.hasResourceProperties("AWS::IAM::OIDCProvider", {
      Url: "https://token.actions.githubusercontent.com",
      ClientIdList: ["sts.amazonaws.com"],
    });
    // The native resource: no custom-resource Lambda function comes with it.
    template.resourceCountIs("AWS::Lambda::Function", 0);
  });

  it("lets only web identities of the repository with the STS audience assume the role", () => {
    const [statement, ...others] = trust({});
    expect(others).toEqual([]);
    expect(statement?.Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(statement?.Effect).toBe("Allow");
    expect(statement?.Principal).toEqual({
      Federated: { Ref: expect.stringMatching(/^GitHubOidcProvider/) },
    });
    expect(statement?.Condition).toEqual({
      StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
      StringLike: { "token.actions.githubusercontent.com:sub": [`repo:${REPOSITORY}:*`] },
    });
  });

  it("narrows the subject to exactly the ref, the environment, or either when both are given", () => {
    const sub = (github: Omit<GitHubAccessSettings, "repository">) => trust(github)[0]?.Condition;
    expect(sub({ ref: "refs/heads/main" })).toEqual({
      StringEquals: {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": [`repo:${REPOSITORY}:ref:refs/heads/main`],
      },
    });
    expect(sub({ environment: "production" })?.StringEquals).toEqual({
      "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
      "token.actions.githubusercontent.com:sub": [`repo:${REPOSITORY}:environment:production`],
    });
    expect(sub({ ref: "refs/heads/main", environment: "production" })?.StringEquals).toEqual({
      "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
      "token.actions.githubusercontent.com:sub": [
        `repo:${REPOSITORY}:ref:refs/heads/main`,
        `repo:${REPOSITORY}:environment:production`,
      ],
    });
  });

  it("reuses an existing provider when given one, creating none", () => {
    const template = Template.fromStack(
      buildAccessOnly({ repository: REPOSITORY, oidcProviderArn: PROVIDER_ARN }),
    );
    template.resourceCountIs("AWS::IAM::OIDCProvider", 0);
    expect(trustOf(template)[0]?.Principal).toEqual({ Federated: PROVIDER_ARN });
  });

  it("has no * principal and no unconditioned statement anywhere", () => {
    const template = Template.fromStack(buildAccessOnly({ repository: REPOSITORY }));
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toMatch(/"Principal":"\*"|"AWS":"\*"|"Federated":"\*"/);
    for (const statement of trustOf(template)) {
      expect(statement.Condition?.StringEquals?.["token.actions.githubusercontent.com:aud"]).toBe(
        "sts.amazonaws.com",
      );
    }
  });
});

describe("GitHubAccessStack permissions", () => {
  const built = buildApp({ repository: REPOSITORY });
  const template = Template.fromStack(built.access);
  const producers = {
    [STACKS.crud]: Template.fromStack(built.crud),
    [STACKS.tuner]: Template.fromStack(built.tuner),
  };
  const statements = permissionsOf(template);
  const byAction = (action: string) => statements.filter((s) => [s.Action].flat().includes(action));
  const logicalId = (template: Template, type: string) => Object.keys(template.findResources(type))[0];
  const stateMachineId = logicalId(producers[STACKS.tuner] as Template, "AWS::StepFunctions::StateMachine");
  const tableId = logicalId(producers[STACKS.tuner] as Template, "AWS::DynamoDB::Table");
  const functionId = Object.keys(
    (producers[STACKS.crud] as Template).findResources("AWS::Lambda::Function"),
  ).find((id) => id.startsWith("CrudFunction"));

  it("allows exactly the deploy, tune and approval actions, every one Allow and on named resources", () => {
    expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual(
      [
        "sts:AssumeRole",
        "states:StartExecution",
        ...EXECUTION_ACTIONS,
        ...APPROVAL_TABLE_ACTIONS,
        ...APPROVAL_FUNCTION_ACTIONS,
      ].sort(),
    );
    expect([...APPROVAL_TABLE_ACTIONS].sort()).toEqual([
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
    ]);
    expect([...APPROVAL_FUNCTION_ACTIONS].sort()).toEqual([
      "lambda:GetFunction",
      "lambda:GetFunctionConfiguration",
      "lambda:UpdateFunctionConfiguration",
    ]);
    for (const statement of statements) {
      expect(statement.Effect).toBe("Allow");
      expect(statement.Condition).toBeUndefined();
      expect(JSON.stringify(statement.Resource)).not.toBe('"*"');
      expect([statement.Resource].flat()).not.toContain("*");
    }
    expect(theRole(template).Properties.ManagedPolicyArns).toBeUndefined();
  });

  it("assumes only the four CDK bootstrap roles of this account and region", () => {
    const [assume, ...others] = byAction("sts:AssumeRole");
    expect(others).toEqual([]);
    const names = ([assume?.Resource].flat() as { "Fn::Sub": [string, { Qualifier: string }] }[]).map(
      (r) => r["Fn::Sub"],
    );
    expect(names.map(([template]) => template)).toEqual(
      ["deploy", "file-publishing", "image-publishing", "lookup"].map(
        (kind) =>
          `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/cdk-\${Qualifier}-${kind}-role-\${AWS::AccountId}-\${AWS::Region}`,
      ),
    );
    expect(names.map(([, variables]) => variables)).toEqual(Array(4).fill({ Qualifier: "hnb659fds" }));
  });

  it("follows a custom bootstrap qualifier", () => {
    const custom = buildAccessOnly(
      { repository: REPOSITORY },
      { "@aws-cdk/core:bootstrapQualifier": "custom123" },
    );
    const [assume] = permissionsOf(Template.fromStack(custom)).filter((s) => s.Action === "sts:AssumeRole");
    expect(JSON.stringify(assume?.Resource)).toContain('"Qualifier":"custom123"');
    expect(JSON.stringify(assume?.Resource)).not.toContain("hnb659fds");
  });

  it("starts executions of the PowerTuner state machine and reads only that machine's executions", () => {
    const [start] = byAction("states:StartExecution");
    expect(producedValue(producers, start?.Resource)).toEqual({ Ref: stateMachineId });
    const [watch, ...others] = byAction("states:DescribeExecution");
    expect(others).toEqual([]);
    expect([watch?.Action].flat().sort()).toEqual([...EXECUTION_ACTIONS].sort());
    const join = (watch?.Resource as { "Fn::Join"?: [string, unknown[]] } | undefined)?.["Fn::Join"];
    const parts = join?.[1] ?? [];
    expect(parts[0]).toBe("arn:");
    expect(parts[2]).toBe(":states:us-east-1:000000000000:execution:");
    expect(producedValue(producers, parts[3])).toEqual({ "Fn::GetAtt": [stateMachineId, "Name"] });
    expect(parts[4]).toBe(":*");
  });

  it("reads and writes only the TuningHistory table, and changes only the tuned function", () => {
    const [table] = byAction("dynamodb:GetItem");
    expect(producedValue(producers, table?.Resource)).toEqual({ "Fn::GetAtt": [tableId, "Arn"] });
    const [fn] = byAction("lambda:UpdateFunctionConfiguration");
    expect(functionId).toBeDefined();
    expect(producedValue(producers, fn?.Resource)).toEqual({ "Fn::GetAtt": [functionId, "Arn"] });
  });

  it("outputs what the repository variables are set to, and deploys after the stacks it reads", () => {
    template.hasOutput(OUTPUTS.githubAccess.deployRoleArn, {});
    expect(
      producedValue(producers, template.toJSON().Outputs[OUTPUTS.githubAccess.historyTableName].Value),
    ).toEqual({
      Ref: tableId,
    });
    expect(
      producedValue(producers, template.toJSON().Outputs[OUTPUTS.githubAccess.tunedFunctionName].Value),
    ).toEqual({ Ref: functionId });
    expect(built.access.dependencies.map((s) => s.stackName).sort()).toEqual(
      [STACKS.crud, STACKS.tuner].sort(),
    );
    // Credentials that outlast a deploy plus the longest tuning (the state machine stops at 2 h).
    expect(theRole(template).Properties.MaxSessionDuration).toBe(3 * 3600);
  });

  it("passes cdk-nag AwsSolutions with zero findings once its accepted wildcards are applied", () => {
    const { access } = buildApp({ repository: REPOSITORY });
    Template.fromStack(access);
    const constructs = new Map(access.node.findAll().map((c) => [c.node.path, c]));
    const unaccepted: string[] = [];
    let acknowledged = 0;
    for (const violation of new AwsSolutionsChecks().validateScope(access).violations) {
      const resource = /^AwsSolutions-IAM5\[Resource::(.*)\]$/.exec(violation.ruleName)?.[1];
      for (const { constructPath = "" } of violation.violatingResources) {
        const accepted = GITHUB_ACCESS_ACCEPTED_WILDCARDS.find(
          (a) => resource !== undefined && a.construct.test(constructPath) && a.resource.test(resource),
        );
        const construct = constructs.get(constructPath);
        if (!accepted || !construct) {
          unaccepted.push(`${violation.ruleName} on ${constructPath}`);
          continue;
        }
        acknowledged++;
        Validations.of(construct).acknowledge({ id: violation.ruleName, reason: accepted.reason });
      }
    }
    expect(unaccepted).toEqual([]);
    expect(acknowledged).toBe(GITHUB_ACCESS_ACCEPTED_WILDCARDS.length);
    expect(new AwsSolutionsChecks().validateScope(access).violations).toEqual([]);
  });
});

describe("cdk synth of the app", () => {
  const synth = cdkSynthInScratch("powertune-synth-");
  const manifestStacks = (out: string) =>
    Object.entries(
      (
        JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as {
          artifacts: Record<string, { type: string }>;
        }
      ).artifacts,
    )
      .filter(([, artifact]) => artifact.type === "aws:cloudformation:stack")
      .map(([id]) => id)
      .sort();

  it(`yields the provider and a role scoped to the repository with -c githubRepository=${REPOSITORY}`, async () => {
    const { code, output, out } = await synth("with", `${GITHUB_CONTEXT.repository}=${REPOSITORY}`);
    expect(output).not.toContain("Error");
    expect(code).toBe(0);
    expect(manifestStacks(out)).toEqual([STACKS.crud, STACKS.githubAccess, STACKS.tuner].sort());
    const template = Template.fromJSON(
      JSON.parse(readFileSync(join(out, `${STACKS.githubAccess}.template.json`), "utf8")) as Record<
        string,
        unknown
      >,
    );
    template.resourceCountIs("AWS::IAM::OIDCProvider", 1);
    expect(trustOf(template)[0]?.Condition?.StringLike).toEqual({
      "token.actions.githubusercontent.com:sub": [`repo:${REPOSITORY}:*`],
    });
  }, 120_000);

  it("leaves the stack out without the context", async () => {
    const { code, out } = await synth("without");
    expect(code).toBe(0);
    expect(manifestStacks(out)).toEqual([STACKS.crud, STACKS.tuner].sort());
    expect(existsSync(join(out, `${STACKS.githubAccess}.template.json`))).toBe(false);
  }, 120_000);

  it("fails with the context key and the fix when the repository is malformed", async () => {
    const { code, output } = await synth("bad", `${GITHUB_CONTEXT.repository}=not-a-repository`);
    expect(code).not.toBe(0);
    expect(output).toContain(`context ${GITHUB_CONTEXT.repository} is "not-a-repository"`);
    expect(output).toContain(`-c ${GITHUB_CONTEXT.repository}=example-org/example-repo`);
  }, 120_000);
});
