import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createRuleScheduler,
  MAX_TIMER_DELAY_MS,
  rateIntervalMs,
  type ScheduledRule,
} from "../../../../local/events/schedule.js";

const DAY_MS = 86_400_000;

const weekly = (scheduleExpression: string, enabled = true): ScheduledRule => ({
  name: "WeeklyTuning",
  scheduleExpression,
  enabled,
  targets: [{ arn: "arn:aws:states:us-east-1:000000000000:stateMachine:PowerTuner-Tuning", input: "{}" }],
});

function recordingScheduler() {
  const fired: number[] = [];
  const lines: string[] = [];
  const scheduler = createRuleScheduler(
    async () => {
      fired.push(Date.now());
    },
    (line) => lines.push(line),
  );
  return { scheduler, fired, lines };
}

describe("rateIntervalMs", () => {
  it("reads EventBridge's rates, and nothing else", () => {
    expect(rateIntervalMs("rate(7 days)")).toBe(7 * DAY_MS);
    expect(rateIntervalMs("rate(1 minute)")).toBe(60_000);
    expect(rateIntervalMs("rate(1 minutes)")).toBeUndefined();
    expect(rateIntervalMs("cron(0 3 ? * MON *)")).toBeUndefined();
  });
});

// Fake timers: a schedule of days cannot be waited for in a test. The scheduler only uses setTimeout.
describe("the local rule scheduler, with fake timers", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2026-01-05T00:00:00Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("starts an enabled rule's targets every 7 days from its deployment, not before", async () => {
    const { scheduler, fired, lines } = recordingScheduler();
    const start = Date.now();
    scheduler.register(weekly("rate(7 days)"));
    expect(lines).toEqual([
      "rule WeeklyTuning: starts its targets every 7 days while this cloud runs, first at 2026-01-12T00:00:00.000Z",
    ]);
    await vi.advanceTimersByTimeAsync(7 * DAY_MS - 1);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(7 * DAY_MS);
    expect(fired).toEqual([start + 7 * DAY_MS, start + 14 * DAY_MS]);
    scheduler.close();
    await vi.advanceTimersByTimeAsync(7 * DAY_MS);
    expect(fired).toHaveLength(2);
  });

  it("waits the whole of a rate longer than a timer can wait, instead of firing at once", async () => {
    expect(30 * DAY_MS).toBeGreaterThan(MAX_TIMER_DELAY_MS);
    const { scheduler, fired } = recordingScheduler();
    const start = Date.now();
    scheduler.register(weekly("rate(30 days)"));
    await vi.advanceTimersByTimeAsync(1000);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(30 * DAY_MS - 1000);
    expect(fired).toEqual([start + 30 * DAY_MS]);
    await vi.advanceTimersByTimeAsync(30 * DAY_MS);
    expect(fired).toEqual([start + 30 * DAY_MS, start + 60 * DAY_MS]);
    scheduler.close();
  });

  it("fires no disabled rule and no cron rule, saying why for the cron one; a redeploy restarts the count", async () => {
    const { scheduler, fired, lines } = recordingScheduler();
    scheduler.register(weekly("rate(7 days)", false));
    scheduler.register({ ...weekly("cron(0 3 ? * MON *)"), name: "Cron" });
    expect(lines).toEqual(['rule Cron: "cron(0 3 ? * MON *)" is not fired locally (rate(...) only)']);
    await vi.advanceTimersByTimeAsync(14 * DAY_MS);
    expect(fired).toEqual([]);
    expect(scheduler.rules().map((r) => r.name)).toEqual(["WeeklyTuning", "Cron"]);

    scheduler.register(weekly("rate(1 day)"));
    await vi.advanceTimersByTimeAsync(DAY_MS / 2);
    const redeployed = Date.now();
    scheduler.register(weekly("rate(1 day)"));
    await vi.advanceTimersByTimeAsync(DAY_MS);
    expect(fired).toEqual([redeployed + DAY_MS]);
    scheduler.close();
  });
});
