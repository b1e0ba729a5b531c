import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import { STACKS } from "../../../contract/index.js";
import { PAYLOAD_S3_CONTEXT, parsePayloadS3Context } from "../../../stacks/payload-s3-context.js";
import type { PayloadS3Access } from "../../../stacks/power-tuner-options.js";
import { acknowledgeAcceptedWildcards } from "../../support/accepted-wildcards.js";
import { cdkSynthInScratch } from "../../support/cdk-synth.js";
import { buildTunerStack } from "../../support/tuner-stack.js";
import { expectValidationError } from "../../support/validation-error.js";

function build(payloadS3?: PayloadS3Access) {
  return buildTunerStack(payloadS3 ? { payloadS3 } : {});
}

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Every role's statements that allow an S3 action, by the role's logical id. */
function s3Statements(template: Template): Record<string, Statement[]> {
  const byRole: Record<string, Statement[]> = {};
  for (const [id, role] of Object.entries(template.findResources("AWS::IAM::Role"))) {
    const policies = (role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[];
    const s3 = policies
      .flatMap((p) => p.PolicyDocument.Statement)
      .filter((s) => [s.Action].flat().some((a) => a.startsWith("s3:")));
    if (s3.length > 0) byRole[id] = s3;
  }
  for (const [id, policy] of Object.entries(template.findResources("AWS::IAM::Policy"))) {
    const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    const s3 = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith("s3:")));
    if (s3.length > 0) byRole[id] = s3;
  }
  return byRole;
}

const partition = (rest: string) => ({ "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, rest]] });

function expectRefused(payloadS3: PayloadS3Access, text: string | RegExp) {
  expectValidationError(() => build(payloadS3), "payloadS3", text);
}

describe("PowerTunerStack payloadS3", () => {
  it("left out, gives no role of the stack any S3 action", () => {
    expect(s3Statements(build().template)).toEqual({});
  });

  it("with a bucket and prefix, lets the executor alone get objects under the prefix and list the bucket under it", () => {
    const byRole = s3Statements(build({ bucket: "my-payloads", prefix: "tuning/" }).template);
    const roles = Object.keys(byRole);
    expect(roles).toHaveLength(1);
    expect(roles[0]).toMatch(/^ExecutorRole/);
    expect(byRole[roles[0] ?? ""]).toEqual([
      { Effect: "Allow", Action: "s3:GetObject", Resource: partition(":s3:::my-payloads/tuning/*") },
      {
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: partition(":s3:::my-payloads"),
        Condition: { StringLike: { "s3:prefix": ["tuning/*"] } },
      },
    ]);
  });

  it("with a bucket alone, covers every key, and lists the bucket without a condition", () => {
    const byRole = s3Statements(build({ bucket: "my-payloads" }).template);
    const [statements = []] = Object.values(byRole);
    expect(Object.keys(byRole)).toHaveLength(1);
    expect(statements).toEqual([
      { Effect: "Allow", Action: "s3:GetObject", Resource: partition(":s3:::my-payloads/*") },
      { Effect: "Allow", Action: "s3:ListBucket", Resource: partition(":s3:::my-payloads") },
    ]);
  });

  it("refuses a bucket that is not a bucket's name, an ARN or URL for one, and a prefix with wildcards or a leading /", () => {
    expectRefused({ bucket: "My_Payloads" }, /bucket is "My_Payloads" is not an S3 bucket name/);
    expectRefused({ bucket: "arn:aws:s3:::my-payloads" }, /pass the bucket's name alone/);
    expectRefused({ bucket: "s3://my-payloads" }, /pass the bucket's name alone/);
    expectRefused({ bucket: "my-payloads", prefix: "tuning/*" }, /pass a literal key prefix/);
    expectRefused(
      { bucket: "my-payloads", prefix: "/tuning/" },
      /S3 keys do not start with "\/"; pass "tuning\/"/,
    );
  });

  it("passes cdk-nag AwsSolutions once its one wildcard, the objects under the prefix, is accepted from the table", () => {
    const { tuner } = build({ bucket: "my-payloads", prefix: "tuning/" });
    const { unaccepted, accepted } = acknowledgeAcceptedWildcards(tuner);
    const usedForS3 = accepted.filter((a) => a.entry.onlyWith === "payloadS3").map((a) => a.resource);
    expect(unaccepted).toEqual([]);
    expect(usedForS3).toEqual(["arn:<AWS::Partition>:s3:::my-payloads/tuning/*"]);
    expect(new AwsSolutionsChecks().validateScope(tuner).violations).toEqual([]);
  });
});

describe("payloadS3 context flags", () => {
  const parse = (context: Record<string, unknown>) => parsePayloadS3Context((key) => context[key]);

  it("give no grant without a bucket, and the bucket and prefix given", () => {
    expect(parse({})).toEqual({});
    expect(parse({ payloadS3Bucket: "my-payloads" })).toEqual({ payloadS3: { bucket: "my-payloads" } });
    expect(parse({ payloadS3Bucket: "my-payloads", payloadS3Prefix: "tuning/" })).toEqual({
      payloadS3: { bucket: "my-payloads", prefix: "tuning/" },
    });
  });

  it("refuse a prefix without a bucket, and values that are not strings, naming the key", () => {
    expect(() => parse({ payloadS3Prefix: "tuning/" })).toThrow(
      `context ${PAYLOAD_S3_CONTEXT.prefix} is set but ${PAYLOAD_S3_CONTEXT.bucket} is not`,
    );
    expect(() => parse({ payloadS3Bucket: true })).toThrow("context payloadS3Bucket is true");
    expect(() => parse({ payloadS3Bucket: "b-1", payloadS3Prefix: 3 })).toThrow(
      "context payloadS3Prefix is 3",
    );
  });

  const synth = cdkSynthInScratch("powertune-payload-s3-");

  it("cdk synth -c payloadS3Bucket=… -c payloadS3Prefix=… grants the executor that prefix", async () => {
    const { code, output, out } = await synth(
      "grant",
      "payloadS3Bucket=my-payloads",
      "payloadS3Prefix=tuning/",
    );
    expect(output).not.toContain("Error");
    expect(code).toBe(0);
    const template = Template.fromJSON(
      JSON.parse(readFileSync(join(out, `${STACKS.tuner}.template.json`), "utf8")) as Record<string, unknown>,
    );
    const [statements = []] = Object.values(s3Statements(template));
    expect(statements.map((s) => s.Resource)).toEqual([
      partition(":s3:::my-payloads/tuning/*"),
      partition(":s3:::my-payloads"),
    ]);
  }, 120_000);

  it("cdk synth with a malformed bucket fails naming the prop and the rule", async () => {
    const { code, output } = await synth("bad", "payloadS3Bucket=My_Bucket");
    expect(code).not.toBe(0);
    expect(output).toContain('payloadS3 bucket is "My_Bucket" is not an S3 bucket name');
  }, 120_000);
});
