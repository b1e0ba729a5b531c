// PowerTunerStack's targetRoleArns (cross-account tuning) and qualified targetFunctionArns: what the roles may do,
// what the functions are told, and cdk-nag.
import type { Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import { acknowledgeAcceptedWildcards } from "../../support/accepted-wildcards.js";
import { buildTunerStack, type TunerOptions } from "../../support/tuner-stack.js";
import { expectValidationError } from "../../support/validation-error.js";

const ROLE_A = "arn:aws:iam::111122223333:role/powertune-target";
const ROLE_B = "arn:aws:iam::444455556666:role/team/powertune-target";

function build(options: TunerOptions = {}) {
  return buildTunerStack(options);
}

type Statement = { Action: string | string[]; Resource: unknown };
type Resource = { Properties: Record<string, unknown> };

/** Each tuner function's role's statements, by function (Initializer, Executor, Analyzer, Optimizer). */
function statementsByFunction(template: Template): Record<string, Statement[]> {
  const roles = template.findResources("AWS::IAM::Role") as Record<string, Resource>;
  const result: Record<string, Statement[]> = {};
  for (const [id, role] of Object.entries(roles)) {
    const name = /^(Initializer|Executor|Analyzer|Optimizer)Role/.exec(id)?.[1];
    if (!name) continue;
    const policies = (role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[];
    result[name] = policies.flatMap((p) => p.PolicyDocument.Statement);
  }
  return result;
}

const assumeStatements = (statements: Statement[] = []) =>
  statements.filter(
    (s) => s.Action === "sts:AssumeRole" || (Array.isArray(s.Action) && s.Action.includes("sts:AssumeRole")),
  );

function environmentOf(template: Template): Record<string, Record<string, unknown>> {
  const fns = template.findResources("AWS::Lambda::Function") as Record<string, Resource>;
  return Object.fromEntries(
    Object.entries(fns).map(([id, fn]) => [
      /^(Initializer|Executor|Analyzer|Optimizer)Function/.exec(id)?.[1] ?? id,
      (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
    ]),
  );
}

describe("PowerTunerStack targetRoleArns", () => {
  it("left out: no sts:AssumeRole statement at all, and the functions are told no role", () => {
    const { template } = build();
    const statements = statementsByFunction(template);
    expect(Object.keys(statements).sort()).toEqual(["Analyzer", "Executor", "Initializer", "Optimizer"]);
    for (const list of Object.values(statements)) expect(assumeStatements(list)).toEqual([]);
    for (const variables of Object.values(environmentOf(template)))
      expect(variables.TARGET_ROLE_ARNS).toBe("[]");
  });

  it("grants sts:AssumeRole on exactly the listed roles to the initializer, executor and optimizer, and names them in TARGET_ROLE_ARNS", () => {
    const { template } = build({ targetRoleArns: [ROLE_A, ROLE_B] });
    const statements = statementsByFunction(template);
    for (const name of ["Initializer", "Executor", "Optimizer"]) {
      expect(assumeStatements(statements[name])).toEqual([
        { Action: "sts:AssumeRole", Effect: "Allow", Resource: [ROLE_A, ROLE_B] },
      ]);
    }
    expect(assumeStatements(statements.Analyzer)).toEqual([]);
    for (const variables of Object.values(environmentOf(template))) {
      expect(JSON.parse(variables.TARGET_ROLE_ARNS as string)).toEqual([ROLE_A, ROLE_B]);
    }
  });

  it("refuses what is not a role ARN, and a role listed twice, naming the prop", () => {
    for (const [roles, text] of [
      [
        ["arn:aws:iam::111122223333:user/someone"],
        /\[0\] is "arn:aws:iam::111122223333:user\/someone": give IAM role ARNs/,
      ],
      [[ROLE_A, ROLE_A], /\[1\] lists .* twice/],
    ] as const) {
      expectValidationError(() => build({ targetRoleArns: [...roles] }), "targetRoleArns", text);
    }
  });

  it("passes cdk-nag AwsSolutions with the roles listed, with no wildcard beyond the accepted table", () => {
    const { tuner } = build({
      targetRoleArns: [ROLE_A],
      targetFunctionArns: ["arn:aws:lambda:us-west-2:000000000000:function:orders:live"],
    });
    const { unaccepted } = acknowledgeAcceptedWildcards(tuner);
    expect(unaccepted).toEqual([]);
    expect(new AwsSolutionsChecks().validateScope(tuner).violations).toEqual([]);
  });
});

describe("PowerTunerStack targetFunctionArns with a version or alias", () => {
  it("grants the function and its qualified ARNs (NAME and NAME:*), not NAME:live:*", () => {
    const fn = "arn:aws:lambda:us-west-2:000000000000:function:orders";
    const { template } = build({ targetFunctionArns: [`${fn}:live`, `${fn}:7`] });
    const statements = statementsByFunction(template);
    const resourcesOf = (name: string, action: string) =>
      (statements[name] ?? [])
        .filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).includes(action))
        .map((s) => s.Resource);
    // With the function's temporary copies on either architecture (an `architectures` run), by their exact
    // names: those of the function, not of the qualifier.
    const granted = [
      fn,
      `${fn}:*`,
      ...["x86_64", "arm64"].flatMap((a) => [`${fn}-pt-${a}`, `${fn}-pt-${a}:*`]),
    ];
    expect(resourcesOf("Initializer", "lambda:PublishVersion")).toEqual([granted]);
    expect(resourcesOf("Optimizer", "lambda:UpdateAlias")).toEqual([granted]);
    expect(resourcesOf("Executor", "lambda:InvokeFunction")).toEqual([granted]);
  });
});
