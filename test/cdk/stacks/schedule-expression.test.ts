import { Duration } from "aws-cdk-lib";
import { Schedule } from "aws-cdk-lib/aws-events";
import { describe, expect, it } from "vitest";
import { scheduleExpressionProblem } from "../../../stacks/schedule-expression.js";

describe("scheduleExpressionProblem", () => {
  it("takes the rates EventBridge takes, and what CDK's Schedule makes", () => {
    for (const ok of [
      "rate(1 minute)",
      "rate(5 minutes)",
      "rate(1 hour)",
      "rate(12 hours)",
      "rate(1 day)",
      "rate(7 days)",
    ]) {
      expect(scheduleExpressionProblem(ok), ok).toBeUndefined();
    }
    expect(scheduleExpressionProblem(Schedule.rate(Duration.days(7)).expressionString)).toBeUndefined();
    expect(
      scheduleExpressionProblem(Schedule.cron({ minute: "30", hour: "2", weekDay: "SUN" }).expressionString),
    ).toBeUndefined();
    expect(
      scheduleExpressionProblem(Schedule.cron({ minute: "0", hour: "6", day: "1" }).expressionString),
    ).toBeUndefined();
  });

  it("refuses a rate whose unit does not agree with its value, a zero, a fraction, or another unit", () => {
    expect(scheduleExpressionProblem("rate(7 day)")).toMatch(
      /singular for a value of 1 and plural otherwise/,
    );
    expect(scheduleExpressionProblem("rate(1 days)")).toMatch(/singular/);
    expect(scheduleExpressionProblem("rate(0 days)")).toMatch(/1 or more/);
    expect(scheduleExpressionProblem("rate(1.5 days)")).toMatch(/expected rate/);
    expect(scheduleExpressionProblem("rate(1 week)")).toMatch(/expected rate/);
    expect(scheduleExpressionProblem("rate(7  days)")).toMatch(/expected rate/);
    expect(scheduleExpressionProblem("every 7 days")).toMatch(/expected rate.*or cron/);
  });

  it("takes cron expressions with lists, ranges, steps, names and EventBridge's L, W and #", () => {
    for (const ok of [
      "cron(0 3 ? * MON *)",
      "cron(0/15 * * * ? *)",
      "cron(0 8-18 ? * MON-FRI *)",
      "cron(0 10 * * ? 2030)",
      "cron(15 12 L * ? *)",
      "cron(0 9 LW * ? *)",
      "cron(0 9 15W * ? *)",
      "cron(0 9 ? * 6L *)",
      "cron(0 9 ? * 3#2 *)",
      "cron(0 9 ? JAN,JUL MON *)",
      "cron(5,35 14 ? * sun *)",
    ]) {
      expect(scheduleExpressionProblem(ok), ok).toBeUndefined();
    }
  });

  it("refuses a cron expression of the wrong shape, naming the field at fault", () => {
    expect(scheduleExpressionProblem("cron(0 3 ? * MON)")).toMatch(/6 fields/);
    expect(scheduleExpressionProblem("cron(0  3 ? * MON *)")).toMatch(/6 fields/);
    expect(scheduleExpressionProblem("cron(0 3 * * MON *)")).toMatch(
      /exactly one of day-of-month and day-of-week/,
    );
    expect(scheduleExpressionProblem("cron(0 3 ? * ? *)")).toMatch(/exactly one/);
    expect(scheduleExpressionProblem("cron(60 3 ? * MON *)")).toMatch(/^minutes: "60" is outside 0-59/);
    expect(scheduleExpressionProblem("cron(0 24 ? * MON *)")).toMatch(/^hours: "24" is outside 0-23/);
    expect(scheduleExpressionProblem("cron(0 3 32 * ? *)")).toMatch(/^day-of-month: "32"/);
    expect(scheduleExpressionProblem("cron(0 3 ? 13 MON *)")).toMatch(
      /^month: "13" is outside 1-12 or JAN-DEC/,
    );
    expect(scheduleExpressionProblem("cron(0 3 ? * MOON *)")).toMatch(
      /^day-of-week: "MOON" is outside 1-7 or SUN-SAT/,
    );
    expect(scheduleExpressionProblem("cron(0 3 ? * MON 1969)")).toMatch(/^year: "1969"/);
    expect(scheduleExpressionProblem("cron(*/0 3 ? * MON *)")).toMatch(/step of 0/);
    expect(scheduleExpressionProblem("cron(0 3 L * MON *)")).toMatch(/exactly one/);
    expect(scheduleExpressionProblem("cron(0 3 ? * 3#6 *)")).toMatch(/^day-of-week/);
  });
});
