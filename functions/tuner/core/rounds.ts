// How a run's invocations are split into rounds: the numbers the input check, the planner and the state-size
// estimate share.
/** The input settings that decide how many invocations a run makes and in how many rounds. */
export interface RoundSettings {
  num: number | "auto";
  maxInvocations?: number | undefined;
  dryRun?: boolean | undefined;
  parallelInvocation?: boolean | undefined;
}

/**
 * Invocations per power in one round. Rounds interleave the powers in time, so drift of the whole machine
 * (or of a shared dependency) hits every power alike; small rounds interleave more, at a few state
 * transitions per round.
 */
export const ROUND_INVOCATIONS = 10;

/** Per power at most, with num "auto" and no maxInvocations. */
export const DEFAULT_MAX_INVOCATIONS = 100;

/** Invocations each power gets in all (fixed num), or at most (num "auto"); 1 in a dry run. */
export function invocationsPerPower(input: Omit<RoundSettings, "parallelInvocation">): number {
  if (input.dryRun) return 1;
  return input.num === "auto" ? (input.maxInvocations ?? DEFAULT_MAX_INVOCATIONS) : input.num;
}

/**
 * Invocations per power in one round. parallelInvocation keeps the original tool's meaning with a fixed num,
 * all num invocations at once, so it measures in one round; with num "auto" each round's are concurrent.
 */
export function roundInvocations(input: RoundSettings): number {
  const perPower = invocationsPerPower(input);
  if (input.parallelInvocation && input.num !== "auto") return perPower;
  return Math.min(ROUND_INVOCATIONS, perPower);
}

/** Rounds a run of fixed num takes, or at most with num "auto". */
export function maxRounds(input: RoundSettings): number {
  return Math.ceil(invocationsPerPower(input) / roundInvocations(input));
}
