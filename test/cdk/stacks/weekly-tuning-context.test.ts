import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { STACKS } from "../../../contract/index.js";
import { CrudServiceStack } from "../../../stacks/crud-service-stack.js";
import { PowerTunerStack } from "../../../stacks/power-tuner-stack.js";
import { parseWeeklyTuningContext, WEEKLY_CONTEXT } from "../../../stacks/weekly-tuning-context.js";
import { cdkSynthInScratch } from "../../support/cdk-synth.js";

const env = { account: "000000000000", region: "us-east-1" };

const parse = (context: Record<string, unknown>) => parseWeeklyTuningContext((key) => context[key]);

/** The tuner stack as stacks/app.ts builds it from `context` (`-c` values arrive as strings). */
function synthWith(context: Record<string, string>) {
  const app = new App({ context: { ...context, "aws:cdk:bundling-stacks": [] } });
  const crud = new CrudServiceStack(app, STACKS.crud, { env });
  const tuner = new PowerTunerStack(app, STACKS.tuner, {
    env,
    defaultTarget: crud.crudFunction,
    defaultTargetTable: crud.table,
    ...parseWeeklyTuningContext((key) => app.node.tryGetContext(key)),
  });
  return Template.fromStack(tuner);
}

/** The weekly rule's state, schedule and input (the crud stack's imports replaced by stand-ins). */
function weeklyRule(template: Template) {
  const [rule] = Object.values(template.findResources("AWS::Events::Rule")).filter(
    (r) => (r as { Properties: { ScheduleExpression?: string } }).Properties.ScheduleExpression,
  ) as { Properties: { State: string; ScheduleExpression: string; Targets: { Input: unknown }[] } }[];
  const body = rule?.Properties.Targets[0]?.Input as { "Fn::Join": [string, unknown[]] } | undefined;
  const join = body?.["Fn::Join"][1] ?? [];
  const input = JSON.parse(
    join.map((part) => (typeof part === "string" ? part : "token")).join(""),
  ) as Record<string, unknown>;
  return { state: rule?.Properties.State, schedule: rule?.Properties.ScheduleExpression, input };
}

describe("weekly tuning context", () => {
  it("leaves every default without the keys, and reads each key into its prop", () => {
    expect(parse({})).toEqual({});
    expect(parse({ weeklyTuning: "true" })).toEqual({ weeklyTuning: true });
    expect(parse({ weeklyTuning: false })).toEqual({ weeklyTuning: false });
    expect(parse({ weeklyTuning: "true", weeklyApproval: "manual" })).toEqual({
      weeklyTuning: true,
      weeklyApproval: "manual",
    });
    expect(parse({ weeklyTuning: "true", weeklyAutoOptimize: "true" })).toEqual({
      weeklyTuning: true,
      weeklyAutoOptimize: true,
    });
    const scheduled = parse({ weeklyTuning: "true", weeklySchedule: "cron(0 3 ? * MON *)" });
    expect(scheduled.weeklySchedule?.expressionString).toBe("cron(0 3 ? * MON *)");
  });

  it("refuses a bad value, naming the key and the fix", () => {
    expect(() => parse({ weeklyTuning: "yes" })).toThrow(
      'context weeklyTuning is "yes": pass -c weeklyTuning=true or -c weeklyTuning=false',
    );
    expect(() => parse({ weeklyTuning: "true", weeklyApproval: "later" })).toThrow(
      /^context weeklyApproval is "later": pass -c weeklyApproval=manual .* or -c weeklyApproval=auto$/,
    );
    expect(() => parse({ weeklyTuning: "true", weeklyAutoOptimize: "1" })).toThrow(
      'context weeklyAutoOptimize is "1": pass -c weeklyAutoOptimize=true',
    );
    expect(() => parse({ weeklyTuning: "true", weeklySchedule: "rate(7 day)" })).toThrow(
      /^context weeklySchedule is "rate\(7 day\)": the unit is singular .*; pass e\.g\. -c weeklySchedule="rate\(7 days\)"/,
    );
    expect(() => parse({ weeklyTuning: "true", weeklySchedule: "cron(0 3 * * MON *)" })).toThrow(
      /^context weeklySchedule is .*exactly one of day-of-month and day-of-week/,
    );
    expect(() => parse({ weeklyTuning: "true", weeklySchedule: 7 })).toThrow(
      /^context weeklySchedule is 7: an EventBridge schedule expression is a string/,
    );
  });

  it("refuses autoOptimize with a manual approval, which applies only once approved", () => {
    expect(() =>
      parse({ weeklyTuning: "true", weeklyApproval: "manual", weeklyAutoOptimize: "true" }),
    ).toThrow(
      /^context weeklyAutoOptimize is true: a manual approval applies the recommendation only once it is approved/,
    );
  });

  it("refuses a setting without weeklyTuning rather than ignoring it, and keeps settings of a disabled rule", () => {
    for (const key of [WEEKLY_CONTEXT.approval, WEEKLY_CONTEXT.autoOptimize, WEEKLY_CONTEXT.schedule]) {
      const value =
        key === WEEKLY_CONTEXT.approval ? "manual" : key === WEEKLY_CONTEXT.schedule ? "rate(1 day)" : "true";
      expect(() => parse({ [key]: value })).toThrow(
        `context ${key} is set but weeklyTuning is not: pass -c weeklyTuning=true as well`,
      );
    }
    expect(parse({ weeklyTuning: "false", weeklyApproval: "manual" })).toEqual({
      weeklyTuning: false,
      weeklyApproval: "manual",
    });
  });
});

describe("the tuner stack synthesized with each weekly flag", () => {
  it("-c weeklyTuning=true enables the report-only rule every 7 days", () => {
    const rule = weeklyRule(synthWith({ weeklyTuning: "true" }));
    expect(rule.state).toBe("ENABLED");
    expect(rule.schedule).toBe("rate(7 days)");
    expect(rule.input).not.toHaveProperty("approval");
    expect(rule.input).not.toHaveProperty("autoOptimize");
  });

  it("-c weeklyApproval=manual makes each week's recommendation wait for powertune approve", () => {
    const rule = weeklyRule(synthWith({ weeklyTuning: "true", weeklyApproval: "manual" }));
    expect(rule.input).toMatchObject({ approval: "manual", num: 50, strategy: "balanced" });
    expect(rule.input).not.toHaveProperty("autoOptimize");
  });

  it("-c weeklyAutoOptimize=true applies each week's winner", () => {
    const rule = weeklyRule(synthWith({ weeklyTuning: "true", weeklyAutoOptimize: "true" }));
    expect(rule.input).toMatchObject({ autoOptimize: true });
    expect(rule.input).not.toHaveProperty("approval");
  });

  it("-c weeklySchedule sets the rule's schedule", () => {
    expect(weeklyRule(synthWith({ weeklyTuning: "true", weeklySchedule: "rate(14 days)" })).schedule).toBe(
      "rate(14 days)",
    );
    expect(
      weeklyRule(synthWith({ weeklyTuning: "true", weeklySchedule: "cron(0 3 ? * MON *)" })).schedule,
    ).toBe("cron(0 3 ? * MON *)");
  });

  it("-c weeklyTuning=false deploys the rule disabled, with the input it would send", () => {
    const rule = weeklyRule(synthWith({ weeklyTuning: "false", weeklyApproval: "manual" }));
    expect(rule.state).toBe("DISABLED");
    expect(rule.input).toMatchObject({ approval: "manual" });
  });
});

describe("cdk synth of the app with weekly flags", () => {
  const synth = cdkSynthInScratch("powertune-weekly-");

  it("synthesizes offline with -c weeklyTuning=true -c weeklyApproval=manual", async () => {
    const { code, output, out } = await synth("manual", "weeklyTuning=true", "weeklyApproval=manual");
    expect(output).not.toContain("Error");
    expect(code).toBe(0);
    const template = Template.fromJSON(
      JSON.parse(readFileSync(join(out, `${STACKS.tuner}.template.json`), "utf8")) as Record<string, unknown>,
    );
    const rule = weeklyRule(template);
    expect(rule.state).toBe("ENABLED");
    expect(rule.input).toMatchObject({ approval: "manual" });
  }, 120_000);

  it("fails with the context key and the fix on a malformed schedule", async () => {
    const { code, output } = await synth("bad", "weeklyTuning=true", "weeklySchedule=rate(1 week)");
    expect(code).not.toBe(0);
    expect(output).toContain('context weeklySchedule is "rate(1 week)"');
    expect(output).toContain('-c weeklySchedule="rate(7 days)"');
  }, 120_000);
});
