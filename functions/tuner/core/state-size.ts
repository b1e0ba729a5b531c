// The largest state a run passes between its states, estimated from the input before the run starts: the
// input check refuses a run that would pass Step Functions' limit.
import { ROUND_INVOCATIONS } from "./rounds.js";

/** What a run may pass between states, leaving room under Step Functions' 256 KB for everything else. */
export const MAX_STATE_BYTES = 200 * 1024;
/** JSON of one invocation's raw measurements (duration, billed, init, memory), generously. */
const BYTES_PER_INVOCATION = 32;
/** An onlyColdStarts alias name in an executor task's qualifier list (`"RAM10240-999",`). */
const BYTES_PER_COLD_START_ALIAS = 16;
/** Per power and round: its invocation count in `perRound`, and its share of the round's choice record. */
const BYTES_PER_POWER_ROUND = 8;
/** Per power: its statistics, p-value and chart points in the last round's analysis, and its task's fields. */
const BYTES_PER_POWER = 2048;
/**
 * Per power: its failures, beyond what BYTES_PER_POWER leaves: up to MAX_TALLIES_PER_POWER tallies (one message
 * of at most MESSAGE_CHARS) in its samples, its last measurements and its stats, and the warning naming it.
 */
const BYTES_PER_POWER_FAILURES = 512;

/**
 * The largest state is the Analyzer's, after the last round: every invocation's raw measurements, the last
 * round's measurements once more, the analysis, and the payload carried by the run's context and by each
 * power's executor task. Past the limit the execution would fail in a way no Catch can handle, leaving the
 * target's aliases and the lock behind.
 * @param invocations per power: num, or maxInvocations with num "auto".
 */
export function estimatedStateBytes(
  powers: number,
  invocations: number,
  payload: unknown,
  onlyColdStarts = false,
): number {
  const rounds = Math.ceil(invocations / ROUND_INVOCATIONS);
  const lastRound = Math.min(invocations, ROUND_INVOCATIONS);
  const measurements = powers * (invocations + lastRound) * BYTES_PER_INVOCATION;
  const aliases = onlyColdStarts ? powers * lastRound * BYTES_PER_COLD_START_ALIAS : 0;
  const bookkeeping =
    powers * rounds * BYTES_PER_POWER_ROUND + powers * (BYTES_PER_POWER + BYTES_PER_POWER_FAILURES);
  return measurements + aliases + bookkeeping + payloadStateBytes(powers, payload) + 8192;
}

/** The payload's copies in that state: the execution's input, the run's context, one per executor task. */
export function payloadStateBytes(powers: number, payload: unknown): number {
  return JSON.stringify(payload ?? null).length * (powers + 2);
}
