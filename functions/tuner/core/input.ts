// The tuning input: one schema, a superset of AWS Lambda Power Tuning's input with the same names and meanings.

import { z } from "zod";
import { TUNER_ALIAS_PATTERN } from "./aliases.js";
import { type InputProblem, InvalidTuningInputError } from "./errors.js";
import { DEFAULT_MAX_ERROR_RATES, ERROR_KINDS, type ErrorKind, type MaxErrorRates } from "./feasibility.js";
import { asBoolean, asNumber, editDistance, fieldName } from "./input-conversions.js";
import { parseS3Url } from "./payload-s3.js";
import { DEFAULT_MAX_INVOCATIONS, ROUND_INVOCATIONS } from "./rounds.js";
import { estimatedStateBytes, MAX_STATE_BYTES, payloadStateBytes } from "./state-size.js";
import { parseTargetArn, ROLE_ARN, unqualifiedArn } from "./target-arn.js";
import { isWeightedPayloadList, weightedCountProblems, weightedItemProblems } from "./weighted-payload.js";

export { asBoolean, asNumber } from "./input-conversions.js";
export { estimatedStateBytes, MAX_STATE_BYTES } from "./state-size.js";

/**
 * Powers whose metric is within this fraction of the best's tie with it (see decision.ts): 5 % is below what
 * a tune of 50 invocations resolves reliably on AWS, and a saving smaller than that is not worth a flip.
 */
export const DEFAULT_EQUIVALENCE_MARGIN = 0.05;

export const MIN_POWER_MB = 128;
export const MAX_POWER_MB = 10240;

/** "ALL" means 128 MB to 3008 MB in 64 MB steps, as in the original tool (46 values). */
export const ALL_POWER_VALUES: readonly number[] = Array.from({ length: 46 }, (_, i) => 128 + 64 * i);

const TARGET_ARN =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_-]{1,128})?$/;
/** compareWith: a function itself ($LATEST), as the reference's lambdaARN. */
const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}$/;
const FUNCTION_ARN_QUALIFIED =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/;
/** The two architectures Lambda runs (`architectures` compares them). */
export const ARCHITECTURES = ["x86_64", "arm64"] as const;
const ALIAS_NAME = /^(?!^[0-9]+$)[A-Za-z0-9_-]{1,128}$/;

const bool = (field: string) =>
  z.preprocess(
    asBoolean,
    z.boolean({
      error: (issue) =>
        `${field} must be true or false (or "true"/"false"), not ${JSON.stringify(issue.input)}`,
    }),
  );

/** How the executors invoke the target: InvokeWithResponseStream, Invoke, or as its function URL says. */
export const INVOKE_MODES = ["auto", "RESPONSE_STREAM", "BUFFERED"] as const;
export type InvokeMode = (typeof INVOKE_MODES)[number];
/** The invoke mode a run uses once `auto` is resolved. */
export type ResolvedInvokeMode = Exclude<InvokeMode, "auto">;

/**
 * invokeMode, with the reference tool's proposed `streamresponse: true` (its PR #269) as another name for
 * "RESPONSE_STREAM" (false: "BUFFERED"); the two may both be given only when they agree.
 */
function resolveInvokeModeInput(
  invokeMode: InvokeMode | undefined,
  streamresponse: boolean | undefined,
  problems: InputProblem[],
): InvokeMode {
  const aliased = streamresponse === undefined ? undefined : streamresponse ? "RESPONSE_STREAM" : "BUFFERED";
  if (invokeMode !== undefined && aliased !== undefined && invokeMode !== aliased) {
    problems.push({
      field: "streamresponse",
      problem: `streamresponse ${streamresponse} means invokeMode "${aliased}", but invokeMode is "${invokeMode}": give only invokeMode`,
    });
  }
  return invokeMode ?? aliased ?? "auto";
}

const powerValue = z.preprocess(
  asNumber,
  z
    .number({
      error: (issue) => `each power value must be a number of MB, not ${JSON.stringify(issue.input)}`,
    })
    .int({ error: "each power value must be a whole number of MB" })
    .min(MIN_POWER_MB, { error: `each power value must be at least ${MIN_POWER_MB} MB` })
    .max(MAX_POWER_MB, { error: `each power value must be at most ${MAX_POWER_MB} MB` }),
);

const powerValueList = z.array(powerValue);

/** powerValues as MB values, or "ALL"; undefined when absent or empty (the defaults) or wrong (in problems). */
function checkPowerValues(raw: unknown, problems: InputProblem[]): number[] | "ALL" | undefined {
  if (raw === undefined || raw === "ALL") return raw;
  if (!Array.isArray(raw)) {
    problems.push({
      field: "powerValues",
      problem: `powerValues must be "ALL" or a list of MB values between ${MIN_POWER_MB} and ${MAX_POWER_MB}`,
    });
    return undefined;
  }
  const parsed = powerValueList.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push({ field: fieldName(["powerValues", ...issue.path]), problem: issue.message });
    }
    return undefined;
  }
  // The reference tool measures an empty list as its default one.
  if (parsed.data.length === 0) return undefined;
  // A repeat is most likely a typo for another value: refuse it, naming both places, rather than guess.
  const firstIndex = new Map<number, number>();
  let repeated = false;
  parsed.data.forEach((power, index) => {
    const first = firstIndex.get(power);
    if (first === undefined) {
      firstIndex.set(power, index);
      return;
    }
    repeated = true;
    problems.push({
      field: `powerValues[${index}]`,
      problem: `${power} MB is listed twice (also at powerValues[${first}]): list each power value once`,
    });
  });
  if (repeated) return undefined;
  return parsed.data;
}

const MIN_NUM = 5;
const MAX_NUM = 1000;

const fixedNum = z
  .number({
    error: (issue) =>
      `num must be a number of invocations per power value (${MIN_NUM} to ${MAX_NUM}) or "auto", not ${JSON.stringify(issue.input)}`,
  })
  .int({ error: `num must be a whole number of invocations (${MIN_NUM} to ${MAX_NUM}) or "auto"` })
  .min(MIN_NUM, { error: `num must be at least ${MIN_NUM} invocations` })
  .max(MAX_NUM, { error: `num must be at most ${MAX_NUM} invocations` });

/** num: a whole number of invocations per power value, or "auto" (adaptive sampling). */
function checkNum(raw: unknown, problems: InputProblem[]): number | "auto" | undefined {
  if (raw === "auto") return raw;
  if (raw === undefined) {
    problems.push({
      field: "num",
      problem: `num is required: the number of invocations per power value (${MIN_NUM} to ${MAX_NUM}), or "auto"`,
    });
    return undefined;
  }
  const parsed = fixedNum.safeParse(asNumber(raw));
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) problems.push({ field: "num", problem: issue.message });
  return undefined;
}

/**
 * maxErrorRate: one fraction for every kind of error, or some kinds' own fractions (the rest keep their
 * defaults); normalized to every kind's.
 */
function checkMaxErrorRate(raw: unknown, problems: InputProblem[]): MaxErrorRates | undefined {
  if (raw === undefined) return { ...DEFAULT_MAX_ERROR_RATES };
  const fraction = (value: unknown, field: string): number | undefined => {
    if (typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= 1) return value;
    problems.push({ field, problem: `${field} must be a fraction between 0 and 1 (a share of invocations)` });
    return undefined;
  };
  if (typeof raw === "number") {
    const rate = fraction(raw, "maxErrorRate");
    return rate === undefined
      ? undefined
      : (Object.fromEntries(ERROR_KINDS.map((kind) => [kind, rate])) as MaxErrorRates);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    problems.push({
      field: "maxErrorRate",
      problem: `maxErrorRate must be a fraction between 0 and 1, or an object with any of ${ERROR_KINDS.join(", ")}`,
    });
    return undefined;
  }
  const rates: MaxErrorRates = { ...DEFAULT_MAX_ERROR_RATES };
  let valid = true;
  for (const [key, value] of Object.entries(raw)) {
    if (!(ERROR_KINDS as readonly string[]).includes(key)) {
      problems.push({
        field: `maxErrorRate.${key}`,
        problem: `unknown kind of error; the kinds are ${ERROR_KINDS.join(", ")}`,
      });
      valid = false;
      continue;
    }
    const rate = fraction(value, `maxErrorRate.${key}`);
    if (rate === undefined) valid = false;
    else rates[key as ErrorKind] = rate;
  }
  return valid ? rates : undefined;
}

/** The input field a misspelt one most likely meant: at most two edits away, ignoring case. */
function closestField(key: string): string | undefined {
  let best: { field: string; distance: number } | undefined;
  for (const field of Object.keys(schema.shape)) {
    const distance = editDistance(key.toLowerCase(), field.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { field, distance };
  }
  return best?.field;
}

const schema = z.strictObject({
  lambdaARN: z.string({ error: "lambdaARN is required: the ARN of the function to tune" }).regex(TARGET_ARN, {
    error:
      "lambdaARN must be a function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME), optionally with a version (NAME:7) or an alias (NAME:live); $LATEST is the unqualified ARN",
  }),
  targetRoleArn: z
    .string({ error: "targetRoleArn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)" })
    .regex(ROLE_ARN, { error: "targetRoleArn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)" })
    .optional(),
  // Checked on its own below: a number or "auto", each with its own message.
  num: z.unknown(),
  compareWith: z
    .string({
      error: "compareWith must be the unqualified ARN of a second function to measure beside lambdaARN",
    })
    .regex(FUNCTION_ARN, {
      error: "compareWith must be an unqualified function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)",
    })
    .optional(),
  architectures: z
    .array(z.enum(ARCHITECTURES, { error: 'each architecture must be "x86_64" or "arm64"' }), {
      error: 'architectures must be the list ["x86_64", "arm64"]',
    })
    .length(2, { error: 'architectures must list both, ["x86_64", "arm64"]: a comparison has two targets' })
    .optional(),
  maxInvocations: z
    .number({ error: `maxInvocations must be a number of invocations per power value` })
    .int({ error: "maxInvocations must be a whole number of invocations per power value" })
    .min(2 * ROUND_INVOCATIONS, {
      error: `maxInvocations must be at least ${2 * ROUND_INVOCATIONS} (two rounds of ${ROUND_INVOCATIONS})`,
    })
    .max(MAX_NUM, { error: `maxInvocations must be at most ${MAX_NUM} invocations per power value` })
    .optional(),
  maxCostUsd: z
    .number({ error: "maxCostUsd must be a number of USD" })
    .positive({ error: "maxCostUsd must be more than 0 USD" })
    .optional(),
  // Checked on its own below (a union would hide which list item is wrong).
  powerValues: z.unknown().optional(),
  payload: z.unknown().optional(),
  // The payload's S3 URL; the object is read by the executor (see payload-s3.ts).
  payloadS3: z
    .string({ error: "payloadS3 must be an S3 URL, s3://BUCKET/KEY" })
    .superRefine((url, ctx) => {
      const parsed = parseS3Url(url);
      if ("problem" in parsed) ctx.addIssue({ code: "custom", message: parsed.problem });
    })
    .optional(),
  parallelInvocation: bool("parallelInvocation").default(false),
  strategy: z
    .enum(["cost", "speed", "balanced"], { error: 'strategy must be "cost", "speed" or "balanced"' })
    .default("cost"),
  // Out of range is clamped (below), as the reference tool does.
  balancedWeight: z
    .preprocess(
      asNumber,
      z.number({
        error: (issue) =>
          `balancedWeight must be a number between 0 and 1, not ${JSON.stringify(issue.input)}`,
      }),
    )
    .default(0.5),
  autoOptimize: bool("autoOptimize").default(false),
  autoOptimizeAlias: z
    .string({ error: "autoOptimizeAlias must be an alias name" })
    .regex(ALIAS_NAME, { error: "autoOptimizeAlias must be a valid alias name (letters, digits, - and _)" })
    .optional(),
  dryRun: bool("dryRun").default(false),
  preProcessorARN: z
    .string({ error: "preProcessorARN must be a function ARN" })
    .regex(FUNCTION_ARN_QUALIFIED, { error: "preProcessorARN must be a function ARN" })
    .optional(),
  postProcessorARN: z
    .string({ error: "postProcessorARN must be a function ARN" })
    .regex(FUNCTION_ARN_QUALIFIED, { error: "postProcessorARN must be a function ARN" })
    .optional(),
  // Out of range is clamped (below), as the reference tool does.
  discardTopBottom: z
    .preprocess(
      asNumber,
      z.number({
        error: (issue) =>
          `discardTopBottom must be a fraction between 0 and 0.4, not ${JSON.stringify(issue.input)}`,
      }),
    )
    .default(0.2),
  sleepBetweenRunsMs: z
    .preprocess(
      asNumber,
      z
        .number({
          error: (issue) => `sleepBetweenRunsMs must be a number of ms, not ${JSON.stringify(issue.input)}`,
        })
        .int({ error: "sleepBetweenRunsMs must be a whole number of ms" })
        .min(0, { error: "sleepBetweenRunsMs must be 0 ms or more" })
        .max(60_000, { error: "sleepBetweenRunsMs must be at most 60000 ms" }),
    )
    .default(0),
  disablePayloadLogs: bool("disablePayloadLogs").default(false),
  includeOutputResults: bool("includeOutputResults").default(false),
  onlyColdStarts: bool("onlyColdStarts").default(false),
  allowedExceptions: z
    .array(z.string({ error: "each allowed exception must be an error type name" }), {
      error: "allowedExceptions must be a list of error type names",
    })
    .default([]),
  // Checked on its own below: a fraction, or an object of fractions by kind of error.
  maxErrorRate: z.unknown().optional(),
  approval: z.enum(["auto", "manual"], { error: 'approval must be "auto" or "manual"' }).default("auto"),
  equivalenceMargin: z
    .number({ error: "equivalenceMargin must be a fraction of the best power's metric, e.g. 0.05" })
    .min(0, { error: "equivalenceMargin must be between 0 and 0.5" })
    .max(0.5, { error: "equivalenceMargin must be between 0 and 0.5" })
    .default(DEFAULT_EQUIVALENCE_MARGIN),
  minImprovement: z
    .number({ error: "minImprovement must be a fraction between 0 and 1" })
    .min(0, { error: "minImprovement must be between 0 and 1" })
    .max(1, { error: "minImprovement must be between 0 and 1" })
    .default(0),
  invokeMode: z
    .enum(INVOKE_MODES, {
      error: 'invokeMode must be "auto" (as the function URL says), "RESPONSE_STREAM" or "BUFFERED"',
    })
    .optional(),
  streamresponse: bool("streamresponse").optional(),
  monthlyInvocations: z
    .number({ error: "monthlyInvocations must be a number of invocations per month" })
    .int({ error: "monthlyInvocations must be a whole number of invocations per month" })
    .min(0, { error: "monthlyInvocations must be 0 or more invocations per month" })
    .default(1_000_000),
});

type ParsedInput = z.output<typeof schema>;

/** The validated, normalized input every later state works from. */
export interface TuningInput
  extends Omit<ParsedInput, "powerValues" | "num" | "maxErrorRate" | "invokeMode" | "streamresponse"> {
  /** Invocations per power value, or "auto": measure in rounds until the choice is separated or the budget spent. */
  num: number | "auto";
  /** Sorted, without duplicates, in MB. */
  powerValues: number[];
  /** Every kind's threshold: above it, a power's allowed errors make it infeasible. */
  maxErrorRate: MaxErrorRates;
  /** What the check ignored or changed in the input (unknown fields, clamped values, …), for the output's warnings. */
  warnings: string[];
  /** How the executors invoke the target (`streamresponse` folded in); the initializer resolves "auto". */
  invokeMode: InvokeMode;
}

/** What a JSON value is, for a message: "an array", "a string", "a number", "null", … */
function describeJson(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

export interface ValidationOptions {
  /**
   * The roles this tuner may assume (the stack's targetRoleArns): a targetRoleArn not among them is refused.
   * Left out (the CLI's own check), any role ARN passes; the deployed initializer always gives the list.
   */
  targetRoleArns?: readonly string[];
}

/** What a version or alias target allows: a version never changes, an alias moves only to what it serves. */
type TargetFields = Pick<
  ParsedInput,
  "lambdaARN" | "autoOptimize" | "autoOptimizeAlias" | "approval" | "targetRoleArn"
>;

function checkQualifiedTarget(input: TargetFields, problems: InputProblem[]): void {
  const target = parseTargetArn(input.lambdaARN);
  if (target?.qualifier === undefined) return;
  if (TUNER_ALIAS_PATTERN.test(target.qualifier)) {
    problems.push({
      field: "lambdaARN",
      problem: `${target.qualifier} is one of the tuner's own RAM<power> aliases, which every run deletes: name the function, or one of your versions or aliases`,
    });
    return;
  }
  if (target.qualifierKind === "version" && input.autoOptimizeAlias === undefined) {
    for (const field of ["autoOptimize", "approval"] as const) {
      const applies = field === "autoOptimize" ? input.autoOptimize : input.approval === "manual";
      if (!applies) continue;
      problems.push({
        field,
        problem: `${field === "autoOptimize" ? "autoOptimize" : 'approval "manual"'} on version ${target.qualifier} has nowhere to apply the chosen power: a version never changes. Give autoOptimizeAlias (a new version at that power goes behind that alias), tune an alias of the version, or leave ${field} out`,
      });
    }
  }
  if (
    target.qualifierKind === "alias" &&
    input.autoOptimizeAlias !== undefined &&
    input.autoOptimizeAlias !== target.qualifier
  ) {
    problems.push({
      field: "autoOptimizeAlias",
      problem: `the target is alias ${target.qualifier}, and the chosen power is applied behind it: leave autoOptimizeAlias out (or give ${target.qualifier})`,
    });
  }
}

function checkTargetRole(input: TargetFields, options: ValidationOptions, problems: InputProblem[]): void {
  const role = input.targetRoleArn;
  if (role === undefined || options.targetRoleArns === undefined || options.targetRoleArns.includes(role))
    return;
  const allowed = options.targetRoleArns.length
    ? `it may assume ${options.targetRoleArns.join(", ")}`
    : "it may assume none";
  problems.push({
    field: "targetRoleArn",
    problem: `${role} is not a role this tuner may assume (${allowed}): add it to PowerTunerStack's targetRoleArns prop and deploy, or leave targetRoleArn out to tune a function of the tuner's own account`,
  });
}

/**
 * The input without the fields this tuner does not know, each named in `warnings`: the reference tool reads the
 * fields it knows and ignores the rest, so an input written for it (or for a newer version) must run here too.
 * `autoOptimizeAlias` is dropped the same way when nothing would be applied to it (no `autoOptimize: true` and
 * no manual approval), as the reference tool ignores it then.
 */
function knownFields(raw: Record<string, unknown>, warnings: string[]): Record<string, unknown> {
  const known: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (Object.hasOwn(schema.shape, key)) {
      known[key] = value;
      continue;
    }
    const guess = closestField(key);
    warnings.push(`unknown input field "${key}" ignored${guess ? `; did you mean "${guess}"?` : ""}`);
  }
  if (
    known.autoOptimizeAlias !== undefined &&
    asBoolean(known.autoOptimize) !== true &&
    known.approval !== "manual"
  ) {
    warnings.push(
      `autoOptimizeAlias ${JSON.stringify(known.autoOptimizeAlias)} ignored: it is applied only with autoOptimize: true (or approval: "manual"), as in the reference tool`,
    );
    delete known.autoOptimizeAlias;
  }
  return known;
}

/** value within [min, max], as the reference tool clamps it; a value moved is named in `warnings`. */
function clamped(field: string, value: number, min: number, max: number, warnings: string[]): number {
  const within = Math.min(Math.max(value, min), max);
  if (within !== value) {
    warnings.push(`${field} ${value} is outside ${min}–${max}: ${within} is used, as in the reference tool`);
  }
  return within;
}

/**
 * A comparison (compareWith or architectures) measures two targets side by side and applies nothing: which
 * memory to apply is a question for each function's own run.
 */
function comparisonProblems(
  input: Pick<
    ParsedInput,
    "lambdaARN" | "compareWith" | "architectures" | "autoOptimize" | "approval" | "autoOptimizeAlias"
  >,
): InputProblem[] {
  const problems: InputProblem[] = [];
  const comparing = input.compareWith !== undefined || input.architectures !== undefined;
  if (input.compareWith !== undefined && input.architectures !== undefined) {
    problems.push({
      field: "architectures",
      problem:
        "a run compares two functions (compareWith) or one function on two architectures (architectures), not both: drop one",
    });
  }
  if (input.compareWith !== undefined && input.compareWith === unqualifiedArn(input.lambdaARN)) {
    problems.push({
      field: "compareWith",
      problem:
        'compareWith names lambdaARN itself: name another function, or compare lambdaARN\'s code on both architectures with architectures: ["x86_64", "arm64"]',
    });
  }
  if (input.architectures !== undefined && new Set(input.architectures).size !== 2) {
    problems.push({
      field: "architectures",
      problem: 'architectures must list each architecture once: ["x86_64", "arm64"]',
    });
  }
  if (comparing) {
    const field = input.compareWith !== undefined ? "compareWith" : "architectures";
    if (input.autoOptimize) {
      problems.push({
        field: "autoOptimize",
        problem: `a comparison (${field}) measures two targets and applies nothing: drop autoOptimize, or tune each function on its own run to apply its memory`,
      });
    }
    if (input.approval === "manual") {
      problems.push({
        field: "approval",
        problem: `a comparison (${field}) applies nothing, so there is nothing to approve: drop approval "manual"`,
      });
    }
  }
  return problems;
}

/**
 * Validates a raw execution input. Throws one InvalidTuningInputError naming every bad field.
 * @param defaultPowerValues used when the input has no powerValues (from the stack's props).
 */
export function validateTuningInput(
  raw: unknown,
  defaultPowerValues: readonly number[],
  options: ValidationOptions = {},
): TuningInput {
  const problems: InputProblem[] = [];
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new InvalidTuningInputError([
      {
        field: "(input)",
        problem: `the input must be a JSON object with lambdaARN, num, … (see docs/tuner.md), not ${describeJson(raw)}`,
      },
    ]);
  }
  const warnings: string[] = [];
  const known = knownFields(raw as Record<string, unknown>, warnings);
  const checkedPowerValues = checkPowerValues(known.powerValues, problems);
  const numProblems: InputProblem[] = [];
  const num = checkNum(known.num, numProblems);
  const maxErrorRate = checkMaxErrorRate(known.maxErrorRate, problems);
  const result = schema.safeParse(known);
  if (!result.success || problems.length > 0 || numProblems.length > 0) {
    for (const issue of result.error?.issues ?? []) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) {
          const guess = issue.path.length === 0 ? closestField(key) : undefined;
          problems.push({
            field: fieldName([...issue.path, key]),
            problem: guess ? `unknown field; did you mean ${guess}?` : "unknown field; check its spelling",
          });
        }
      } else {
        problems.push({ field: fieldName(issue.path), problem: issue.message });
      }
    }
    problems.push(...numProblems);
    throw new InvalidTuningInputError(problems);
  }
  const balancedWeight = clamped("balancedWeight", result.data.balancedWeight, 0, 1, warnings);
  // onlyColdStarts measures each version once, cold: nothing is an outlier to trim (the reference tool forces 0).
  const discardTopBottom = result.data.onlyColdStarts
    ? 0
    : clamped("discardTopBottom", result.data.discardTopBottom, 0, 0.4, warnings);
  // payloadS3 wins over payload, as in the reference tool: the inline payload is not sent, checked or carried.
  const { payload: inlinePayload, streamresponse, invokeMode: rawInvokeMode, ...rest } = result.data;
  const input = {
    ...rest,
    ...(rest.payloadS3 === undefined && inlinePayload !== undefined ? { payload: inlinePayload } : {}),
    invokeMode: resolveInvokeModeInput(rawInvokeMode, streamresponse, problems),
    num: num as number | "auto",
    maxErrorRate: maxErrorRate as MaxErrorRates,
    balancedWeight,
    discardTopBottom,
    warnings,
  };
  const auto = input.num === "auto";
  if (auto) {
    if (input.maxInvocations === undefined) input.maxInvocations = DEFAULT_MAX_INVOCATIONS;
    if (input.onlyColdStarts) {
      problems.push({
        field: "onlyColdStarts",
        problem:
          "onlyColdStarts needs a fixed num: every invocation gets its own version, published before measuring; give num a number or drop onlyColdStarts",
      });
    }
  } else {
    for (const field of ["maxInvocations", "maxCostUsd"] as const) {
      if (input[field] !== undefined) {
        problems.push({
          field,
          problem: `${field} is the budget of adaptive sampling: it goes with num "auto" (num ${input.num} fixes the invocations)`,
        });
      }
    }
  }
  const perPower = input.dryRun ? 1 : auto ? (input.maxInvocations as number) : (input.num as number);
  const powerValues =
    checkedPowerValues === "ALL" ? [...ALL_POWER_VALUES] : (checkedPowerValues ?? [...defaultPowerValues]);
  if (checkedPowerValues === undefined && defaultPowerValues.length === 0) {
    problems.push({ field: "powerValues", problem: "powerValues is required (no default is configured)" });
  } else if (Array.isArray(known.powerValues) && known.powerValues.length === 0) {
    warnings.push(
      `powerValues is empty: the default power values are measured (${defaultPowerValues.join(", ")} MB), as in the reference tool`,
    );
  }
  problems.push(...comparisonProblems(input));
  // A comparison measures every power on two targets: twice the measurements pass between states.
  const targets = input.compareWith !== undefined || input.architectures !== undefined ? 2 : 1;
  const stateBytes = estimatedStateBytes(
    powerValues.length * targets,
    perPower,
    input.payload,
    input.onlyColdStarts,
  );
  if (stateBytes > MAX_STATE_BYTES) {
    const countField = auto ? "maxInvocations" : "num";
    problems.push({
      field: payloadStateBytes(powerValues.length, input.payload) > stateBytes / 2 ? "payload" : countField,
      problem: `${countField} ${perPower} × ${powerValues.length} powerValues${targets > 1 ? " × 2 targets" : ""} with this payload would pass about ${Math.round(stateBytes / 1024)} KB between states, over the ${MAX_STATE_BYTES / 1024} KB this tuner allows under Step Functions' 256 KB limit: lower ${countField}, tune fewer powerValues per run, or shrink the payload`,
    });
  }
  if (input.autoOptimizeAlias !== undefined && TUNER_ALIAS_PATTERN.test(input.autoOptimizeAlias)) {
    problems.push({
      field: "autoOptimizeAlias",
      problem: `autoOptimizeAlias ${input.autoOptimizeAlias} looks like the tuner's own RAM<power> aliases, which every run deletes: choose another name`,
    });
  }
  checkQualifiedTarget(input, problems);
  checkTargetRole(input, options, problems);
  if (isWeightedPayloadList(input.payload)) {
    input.payload.forEach((item, i) => {
      for (const key of Object.keys(item).filter((k) => k !== "payload" && k !== "weight")) {
        warnings.push(
          `payload[${i}].${key} ignored: a weighted payload item is read for its payload and weight only`,
        );
      }
    });
    const countField = auto ? "maxInvocations" : "num";
    problems.push(...weightedItemProblems(input.payload, "payload"));
    if (problems.length === 0 && !input.dryRun) {
      problems.push(...weightedCountProblems(input.payload, perPower, countField, "payload"));
    }
  }
  if (problems.length > 0) throw new InvalidTuningInputError(problems);
  return { ...input, powerValues: [...new Set(powerValues)].sort((a, b) => a - b) };
}
