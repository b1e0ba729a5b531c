// Names of the aliases the tuner creates on a target, shared by input validation, the round planner and cleanup.

/** Aliases the tuner creates: `RAM<power>`, and `RAM<power>-<n>` per invocation with onlyColdStarts. */
export const TUNER_ALIAS_PATTERN = /^RAM\d+(-\d+)?$/;

/** `RAM<power>`, or with onlyColdStarts `RAM<power>-<n>` for the power's n-th invocation. */
export const aliasName = (power: number, index?: number) =>
  index === undefined ? `RAM${power}` : `RAM${power}-${index}`;
