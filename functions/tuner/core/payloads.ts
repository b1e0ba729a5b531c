// Spreading a weighted payload list over a power's invocations, deterministically.
import { InvalidTuningInputError } from "./errors.js";
import { invocationsForWeight, isWeightedPayloadList } from "./input.js";

/**
 * Returns exactly `num` payloads, one per invocation. A weighted list follows the original tool's counts:
 * each item gets floor(weight / totalWeight × num) invocations (an item that would get none is an error,
 * since its weight is too small for this num) and the remainder goes to the first item. The items are
 * interleaved, each spread evenly over the sequence, rather than sent in blocks: a power is measured in rounds of a
 * few invocations each, and every round, like every stretch of the sequence, should carry the list's mix.
 * Any other payload (object, string, plain list, absent) is sent as is every time.
 */
export function spreadPayloads(payload: unknown, num: number): unknown[] {
  if (!isWeightedPayloadList(payload)) return Array.from({ length: num }, () => payload);
  const total = payload.reduce((sum, p) => sum + p.weight, 0);
  const counts = payload.map((item, i) => {
    const count = invocationsForWeight(item.weight, total, num);
    if (count < 1) {
      throw new InvalidTuningInputError([
        {
          field: `payload[${i}].weight`,
          problem: `weight ${item.weight} of ${total} gives no invocation out of num ${num}; raise the weight or num`,
        },
      ]);
    }
    return count;
  });
  counts[0] = (counts[0] ?? 0) + num - counts.reduce((sum, c) => sum + c, 0);
  // Each item's invocations sit at evenly spaced points of the sequence, (k + phase) / count of the way
  // through, each item with its own phase so that small items do not bunch together; sending them in the order
  // of those points spreads every item evenly (ties: the earlier item first).
  const slots = counts.flatMap((count, item) =>
    Array.from({ length: count }, (_, k) => ({ at: (k + (item + 0.5) / counts.length) / count, item })),
  );
  slots.sort((a, b) => a.at - b.at || a.item - b.item);
  return slots.map((slot) => payload[slot.item]?.payload);
}

/** The payloads of invocations `offset` … `offset + count − 1` of a sequence `length` long. */
export function payloadSlice(payload: unknown, length: number, offset: number, count: number): unknown[] {
  return spreadPayloads(payload, length).slice(offset, offset + count);
}
