// EventBridge schedule rules on the local cloud: `rate(...)` rules start their targets on time while
// `powertune up` runs. Cron expressions are kept (their input is still used by `npm start`) but not fired.

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
  const timers = new Map<string, NodeJS.Timeout>();
  return {
    register(rule) {
      clearInterval(timers.get(rule.name));
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
      const timer = setInterval(() => {
        for (const target of rule.targets) {
          fire(rule, target).catch((error: Error) =>
            log(`rule ${rule.name}: target ${target.arn} failed: ${error.message}`),
          );
        }
      }, interval);
      timer.unref();
      timers.set(rule.name, timer);
    },
    rules: () => [...rules.values()],
    close() {
      for (const timer of timers.values()) clearInterval(timer);
      timers.clear();
    },
  };
}
