// The shape of an EventBridge schedule expression, checked at synth: CloudFormation would accept a malformed
// one and EventBridge refuse it only when the stack deploys.
// Rules: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html

const RATE = /^rate\((\d+) (minutes?|hours?|days?)\)$/;
const CRON = /^cron\((.*)\)$/;

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] as const;
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;

interface CronField {
  name: string;
  min: number;
  max: number;
  /** Names standing for min, min + 1, … (months, weekdays). */
  names?: readonly string[];
  /** Whole items this field allows besides values, ranges and steps. */
  special?: RegExp;
}

const CRON_FIELDS: readonly CronField[] = [
  { name: "minutes", min: 0, max: 59 },
  { name: "hours", min: 0, max: 23 },
  // L: the month's last day; W: the weekday nearest a day (15W) or the last weekday (LW).
  { name: "day-of-month", min: 1, max: 31, special: /^(L|LW|([1-9]|[12]\d|3[01])W)$/ },
  { name: "month", min: 1, max: 12, names: MONTHS },
  // L: the last such weekday of the month (5L); #: the nth such weekday (3#2, the second Tuesday).
  {
    name: "day-of-week",
    min: 1,
    max: 7,
    names: WEEKDAYS,
    special: new RegExp(`^(L|([1-7]|${WEEKDAYS.join("|")})(L|#[1-5]))$`),
  },
  { name: "year", min: 1970, max: 2199 },
];

/** A value of the field (a number or one of its names) as a number; undefined when it is neither. */
function fieldValue(field: CronField, text: string): number | undefined {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return field.min + named;
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= field.min && value <= field.max ? value : undefined;
}

/** `*`, `v`, `v-w`, each with an optional `/step`; or one of the field's special items. */
function cronItemProblem(field: CronField, item: string): string | undefined {
  if (field.special?.test(item.toUpperCase())) return undefined;
  const match = /^(\*|[^-/]+(?:-[^-/]+)?)(?:\/(\d+))?$/.exec(item);
  if (!match) return `"${item}" is not a value, a range or a step`;
  const [, range = "", step] = match;
  if (step !== undefined && Number(step) < 1) return `"${item}" has a step of 0`;
  if (range === "*") return undefined;
  for (const value of range.split("-")) {
    if (fieldValue(field, value) === undefined) {
      const names = field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : "";
      return `"${value}" is outside ${field.min}-${field.max}${names}`;
    }
  }
  return undefined;
}

function cronProblem(body: string): string | undefined {
  const fields = body.split(" ");
  if (fields.length !== CRON_FIELDS.length || fields.some((f) => f === "")) {
    return "a cron expression has 6 fields separated by single spaces: minutes hours day-of-month month day-of-week year";
  }
  const dayOfMonth = fields[2];
  const dayOfWeek = fields[4];
  // EventBridge needs exactly one of the two day fields to be "?".
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
    return 'exactly one of day-of-month and day-of-week must be "?"';
  }
  for (const [index, field] of CRON_FIELDS.entries()) {
    const text = fields[index] ?? "";
    if (text === "?" && (field.name === "day-of-month" || field.name === "day-of-week")) continue;
    for (const item of text.split(",")) {
      const problem = cronItemProblem(field, item);
      if (problem) return `${field.name}: ${problem}`;
    }
  }
  return undefined;
}

/**
 * What is wrong with an EventBridge schedule expression, or undefined when it has the shape EventBridge takes:
 * `rate(1 day)`, `rate(7 days)` (a whole value; the unit singular exactly for 1), or `cron(0 3 ? * MON *)`
 * (6 fields, values and ranges within each field's bounds, one of the day fields `?`).
 */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const rate = RATE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    if (value < 1) return "a rate needs a value of 1 or more";
    if ((value === 1) !== !(rate[2] ?? "").endsWith("s")) {
      return "the unit is singular for a value of 1 and plural otherwise, e.g. rate(1 day), rate(7 days)";
    }
    return undefined;
  }
  const cron = CRON.exec(expression);
  if (cron) return cronProblem(cron[1] ?? "");
  return 'expected rate(<value> <minute(s)|hour(s)|day(s)>), e.g. "rate(7 days)", or cron(<6 fields>), e.g. "cron(0 3 ? * MON *)"';
}
