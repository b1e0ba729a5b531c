// Spreading a weighted payload list over a power's invocations, deterministically.
import { InvalidTuningInputError } from "./errors.js";
import { invocationsForWeight, isWeightedPayloadList } from "./input.js";

/**
 * Returns exactly `num` payloads, one per invocation. A weighted list follows the reference tool's counts:
 * each item gets floor(weight / totalWeight × num) invocations (an item that would get none is an error,
 * since its weight is too small for this num) and the remainder goes to the last item. The items are
 * interleaved, each spread evenly over the sequence, rather than sent in blocks as the reference tool does: a
 * power is measured in rounds of a few invocations each, and every round, like every stretch of the sequence,
 * should carry the list's mix (drift between rounds would otherwise look like a difference between items).
 * Any other payload (object, string, plain list) is sent as is every time; none, or a falsy one (`0`, `false`,
 * `""`), is `null`, as the reference tool sends only a truthy payload.
 */
export function spreadPayloads(payload: unknown, num: number): unknown[] {
  if (!isWeightedPayloadList(payload)) return Array.from({ length: num }, () => payload || null);
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
  const last = counts.length - 1;
  counts[last] = (counts[last] ?? 0) + num - counts.reduce((sum, c) => sum + c, 0);
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

/**
 * The JSON an invocation is sent, as the reference tool converts a payload: a string that is already JSON is
 * sent unchanged (`"{\"id\": 1}"` sends the object), anything else is encoded as JSON, so a string that is not
 * JSON (`"hello"`) arrives as a JSON string and an absent payload as `null`.
 */
export function payloadJson(payload: unknown): string {
  if (typeof payload === "string" && isJsonText(payload)) return payload;
  return JSON.stringify(payload ?? null);
}

function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
