// Spreading a weighted payload list over a power's invocations, deterministically.
import { InvalidTuningInputError } from "./errors.js";
import { payloadFromObjectText } from "./payload-s3.js";
import type { PayloadS3Task } from "./types.js";
import {
  invocationsForWeight,
  isWeightedPayloadList,
  weightedCountProblems,
  weightedItemProblems,
} from "./weighted-payload.js";

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

/** What a run sends: a dry run's one invocation takes the first payload of a weighted list, the rest as given. */
export function runPayload(payload: unknown, dryRun: boolean): unknown {
  return dryRun && isWeightedPayloadList(payload) ? payload[0]?.payload : payload;
}

function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The bytes one invocation is sent, the reference tool's conversion: a string that is JSON text is sent as it
 * is (`"{\"id\":1}"` sends `{"id":1}`), any other string as a JSON string (`"ping"` sends `"ping"`: Lambda
 * refuses a payload that is not JSON), anything else as its JSON; no payload as `null`, as the reference tool
 * sends it (see spreadPayloads for a falsy one).
 */
export function encodePayload(payload: unknown): Uint8Array {
  const text = typeof payload === "string" && isJsonText(payload) ? payload : JSON.stringify(payload ?? null);
  return new TextEncoder().encode(text);
}

/**
 * What an executor task sends when the input named payloadS3: the object's text as `payload` would hold it, then
 * as the Initializer would have checked and prepared it, had it been inline (the Initializer cannot read the
 * object): a weighted list must fit the run's `sequenceLength` invocations, and a dry run sends its first payload.
 */
export function payloadOfObject(text: string, source: PayloadS3Task, sequenceLength: number): unknown {
  const payload = payloadFromObjectText(text);
  if (isWeightedPayloadList(payload)) {
    const problems = weightedItemProblems(payload, "payloadS3");
    if (problems.length === 0 && !source.dryRun) {
      problems.push(...weightedCountProblems(payload, sequenceLength, source.countField, "payloadS3"));
    }
    if (problems.length > 0) throw new InvalidTuningInputError(problems);
  }
  return runPayload(payload, source.dryRun);
}
