// EventBridge schedule rules on the local cloud: an enabled `rate(...)` rule starts its targets every interval
// while `powertune up` runs, counted from when it was deployed (each boot or `powertune deploy` starts the count
// again). Cron expressions are kept (their input is still used by `npm start`) but not fired.

const UNIT_MS: Record<string, number> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** `rate(7 days)` → 604800000; undefined for cron(...) and anything else. */
export function rateIntervalMs(expression: string): number | undefined {
  const match = /^rate\((\d+)\s+(minutes?|hours?|days?)\)$/.exec(expression.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2] as string;
  // EventBridge wants the singular unit exactly for a value of 1 and the plural otherwise.
  if ((value === 1) !== !unit.endsWith("s")) return undefined;
  return value * (UNIT_MS[unit] ?? 0) || undefined;
}

/**
 * The longest delay Node's timers take (2^31 - 1 ms, about 24.8 days). A longer one fires after 1 ms, so
 * `rate(30 days)` would start its targets every millisecond: such waits are chained in steps of at most this.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** Calls `fire` every `intervalMs`, however long, until the returned stop is called. Timers are unref'd. */
export function repeatEvery(intervalMs: number, fire: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const wait = (remainingMs: number) => {
    const step = Math.min(remainingMs, MAX_TIMER_DELAY_MS);
    timer = setTimeout(() => {
      if (remainingMs > step) return wait(remainingMs - step);
      wait(intervalMs);
      fire();
    }, step);
    timer.unref();
  };
  wait(intervalMs);
  return () => clearTimeout(timer);
}

export interface ScheduledRule {
  name: string;
  scheduleExpression?: string;
  enabled: boolean;
  targets: { arn: string; input?: string }[];
}

export interface RuleScheduler {
  register(rule: ScheduledRule): void;
  rules(): ScheduledRule[];
  close(): void;
}

/** Fires each enabled rate rule every interval; `fire` starts the target (a state machine execution). */
export function createRuleScheduler(
  fire: (rule: ScheduledRule, target: { arn: string; input?: string }) => Promise<void>,
  log: (line: string) => void,
): RuleScheduler {
  const rules = new Map<string, ScheduledRule>();
  const timers = new Map<string, () => void>();
  return {
    register(rule) {
      timers.get(rule.name)?.();
      timers.delete(rule.name);
      rules.set(rule.name, rule);
      const interval = rule.scheduleExpression ? rateIntervalMs(rule.scheduleExpression) : undefined;
      if (!rule.enabled) return;
      if (interval === undefined) {
        log(
          `rule ${rule.name}: "${rule.scheduleExpression ?? "event pattern"}" is not fired locally (rate(...) only)`,
        );
        return;
      }
      const stop = repeatEvery(interval, () => {
        for (const target of rule.targets) {
          fire(rule, target).catch((error: Error) =>
            log(`rule ${rule.name}: target ${target.arn} failed: ${error.message}`),
          );
        }
      });
      timers.set(rule.name, stop);
      log(
        `rule ${rule.name}: starts its targets every ${rule.scheduleExpression?.slice(5, -1)} while this cloud runs, first at ${new Date(Date.now() + interval).toISOString()}`,
      );
    },
    rules: () => [...rules.values()],
    close() {
      for (const stop of timers.values()) stop();
      timers.clear();
    },
  };
}
