// The weekly retuning as a deploy-time choice: `-c weeklyTuning=true` and the context keys that shape it, read
// into PowerTunerStack's typed props. A malformed value fails synth naming the key and the fix.
import { Schedule } from "aws-cdk-lib/aws-events";
import type { PowerTunerOptions, WeeklyApproval } from "./power-tuner-options.js";
import { scheduleExpressionProblem } from "./schedule-expression.js";

/** The `-c` context keys of the weekly rule. */
export const WEEKLY_CONTEXT = {
  tuning: "weeklyTuning",
  approval: "weeklyApproval",
  autoOptimize: "weeklyAutoOptimize",
  schedule: "weeklySchedule",
} as const;

export type WeeklyTuningProps = Pick<
  PowerTunerOptions,
  "weeklyTuning" | "weeklyApproval" | "weeklyAutoOptimize" | "weeklySchedule"
>;

const contextError = (key: string, value: unknown, fix: string) =>
  new Error(`context ${key} is ${JSON.stringify(value)}: ${fix}`);

/** `-c key=true|false` arrives as a string; cdk.json may hold a JSON boolean. */
function booleanContext(get: (key: string) => unknown, key: string): boolean | undefined {
  const value = get(key);
  if (value === undefined) return undefined;
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  throw contextError(key, value, `pass -c ${key}=true or -c ${key}=false`);
}

/**
 * Reads the weekly rule's settings from the app's context; only the keys given appear in the result, so the
 * stack's defaults hold for the rest. The settings shape the rule's input even while it stays disabled, but
 * without `weeklyTuning` at all a setting is refused rather than ignored.
 */
export function parseWeeklyTuningContext(get: (key: string) => unknown): WeeklyTuningProps {
  const enabled = booleanContext(get, WEEKLY_CONTEXT.tuning);
  const autoOptimize = booleanContext(get, WEEKLY_CONTEXT.autoOptimize);

  const approvalValue = get(WEEKLY_CONTEXT.approval);
  let approval: WeeklyApproval | undefined;
  if (approvalValue === "auto" || approvalValue === "manual") approval = approvalValue;
  else if (approvalValue !== undefined) {
    throw contextError(
      WEEKLY_CONTEXT.approval,
      approvalValue,
      `pass -c ${WEEKLY_CONTEXT.approval}=manual (each recommendation waits for powertune approve) or -c ${WEEKLY_CONTEXT.approval}=auto`,
    );
  }

  const scheduleValue = get(WEEKLY_CONTEXT.schedule);
  let schedule: Schedule | undefined;
  if (scheduleValue !== undefined) {
    const problem =
      typeof scheduleValue === "string"
        ? scheduleExpressionProblem(scheduleValue)
        : "an EventBridge schedule expression is a string";
    if (problem) {
      throw contextError(
        WEEKLY_CONTEXT.schedule,
        scheduleValue,
        `${problem}; pass e.g. -c ${WEEKLY_CONTEXT.schedule}="rate(7 days)" or -c ${WEEKLY_CONTEXT.schedule}="cron(0 3 ? * MON *)"`,
      );
    }
    schedule = Schedule.expression(scheduleValue as string);
  }

  if (autoOptimize && approval === "manual") {
    throw contextError(
      WEEKLY_CONTEXT.autoOptimize,
      true,
      `a manual approval applies the recommendation only once it is approved: drop -c ${WEEKLY_CONTEXT.autoOptimize}=true, or pass -c ${WEEKLY_CONTEXT.approval}=auto`,
    );
  }
  if (enabled === undefined) {
    const given = { approval, autoOptimize, schedule };
    const stray = (Object.keys(given) as (keyof typeof given)[]).find((k) => given[k] !== undefined);
    if (stray) {
      throw new Error(
        `context ${WEEKLY_CONTEXT[stray]} is set but ${WEEKLY_CONTEXT.tuning} is not: pass -c ${WEEKLY_CONTEXT.tuning}=true as well (or ${WEEKLY_CONTEXT.tuning}=false to deploy the rule disabled)`,
      );
    }
    return {};
  }
  return {
    weeklyTuning: enabled,
    ...(approval !== undefined ? { weeklyApproval: approval } : {}),
    ...(autoOptimize !== undefined ? { weeklyAutoOptimize: autoOptimize } : {}),
    ...(schedule !== undefined ? { weeklySchedule: schedule } : {}),
  };
}
