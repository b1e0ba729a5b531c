// Spreading a weighted payload list over `num` invocations, deterministically.
import { InvalidTuningInputError } from "./errors.js";
import { invocationsForWeight, isWeightedPayloadList } from "./input.js";

/**
 * Returns exactly `num` payloads, one per invocation. A weighted list follows the original tool's rule:
 * each item gets floor(weight / totalWeight × num) invocations in list order (an item that would get none is
 * an error, since its weight is too small for this num) and the remainder goes to the first item.
 * Any other payload (object, string, plain list, absent) is sent as is every time.
 */
export function spreadPayloads(payload: unknown, num: number): unknown[] {
  if (!isWeightedPayloadList(payload)) return Array.from({ length: num }, () => payload);
  const total = payload.reduce((sum, p) => sum + p.weight, 0);
  const result: unknown[] = [];
  payload.forEach((item, i) => {
    const count = invocationsForWeight(item.weight, total, num);
    if (count < 1) {
      throw new InvalidTuningInputError([
        {
          field: `payload[${i}].weight`,
          problem: `weight ${item.weight} of ${total} gives no invocation out of num ${num}; raise the weight or num`,
        },
      ]);
    }
    for (let k = 0; k < count; k++) result.push(item.payload);
  });
  const first = payload[0];
  while (result.length < num) result.push(first?.payload);
  return result;
}
