// A weighted payload list ({payload, weight} items): how many invocations each item gets, and what makes a
// list unusable, for the inline payload and for one read from S3 alike.
import { z } from "zod";
import type { InputProblem } from "./errors.js";
import { fieldName } from "./input-conversions.js";

// Not strict: the reference tool reads payload and weight and ignores any other key of an item (named in warnings).
const weightedPayload = z.object({
  payload: z.unknown(),
  weight: z
    .number({ error: "weight must be a positive number" })
    .positive({ error: "weight must be a positive number" }),
});

/**
 * Invocations a weighted entry gets: floor(weight / total × num), the original tool's rule. Multiplying first
 * keeps whole shares whole: (1 / 49) × 49 is 0.999… in floating point.
 */
export function invocationsForWeight(weight: number, total: number, num: number): number {
  return Math.floor((weight * num) / total + 1e-9);
}

/**
 * A payload list is weighted when every item is an object with both `payload` and `weight`. (The reference tool
 * also wants both truthy; an item with a zero weight is refused here rather than sent as part of a plain list.)
 */
export function isWeightedPayloadList(payload: unknown): payload is { payload: unknown; weight: number }[] {
  return (
    Array.isArray(payload) &&
    payload.length > 0 &&
    payload.every((p) => typeof p === "object" && p !== null && "payload" in p && "weight" in p)
  );
}

/** Each item of a weighted list is `{payload, weight}` with a positive weight. @param field what holds the list. */
export function weightedItemProblems(
  list: readonly { payload: unknown; weight: number }[],
  field: string,
): InputProblem[] {
  return list.flatMap((item, i) => {
    const parsed = weightedPayload.safeParse(item);
    return parsed.success
      ? []
      : parsed.error.issues.map((issue) => ({
          field: fieldName([field, i, ...issue.path]),
          problem: issue.message,
        }));
  });
}

/**
 * A weighted list fits a sequence of `perPower` invocations: no more items than invocations, and every item gets
 * at least one (a dry run sends the first payload once, so it is not checked). With num "auto" the weights spread
 * over the longest run, maxInvocations; rounds take the sequence in order.
 */
export function weightedCountProblems(
  list: readonly { payload: unknown; weight: number }[],
  perPower: number,
  countField: "num" | "maxInvocations",
  field: string,
): InputProblem[] {
  if (list.length > perPower) {
    return [
      {
        field,
        problem: `a weighted payload list of ${list.length} items needs ${countField} of at least ${list.length}`,
      },
    ];
  }
  const total = list.reduce((sum, item) => sum + item.weight, 0);
  return list.flatMap((item, i) =>
    invocationsForWeight(item.weight, total, perPower) < 1
      ? [
          {
            field: `${field}[${i}].weight`,
            problem: `weight ${item.weight} of ${total} gives no invocation out of ${countField} ${perPower}; raise the weight or ${countField}`,
          },
        ]
      : [],
  );
}
