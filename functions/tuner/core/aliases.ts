// Names of what the tuner creates for a target (its aliases, a temporary copy on the other architecture), shared
// by input validation, the round planner, cleanup and the stack's IAM.

/** Aliases the tuner creates: `RAM<power>`, and `RAM<power>-<n>` per invocation with onlyColdStarts. */
export const TUNER_ALIAS_PATTERN = /^RAM\d+(-\d+)?$/;

/** `RAM<power>`, or with onlyColdStarts `RAM<power>-<n>` for the power's n-th invocation. */
export const aliasName = (power: number, index?: number) =>
  index === undefined ? `RAM${power}` : `RAM${power}-${index}`;

/**
 * `<name>-pt-<architecture>`: the temporary copy of a function on another architecture. Fixed per function, so
 * a cleanup finds a copy no lock recorded, and IAM can name it exactly.
 */
export const copyFunctionName = (functionName: string, architecture: string) =>
  `${functionName}-pt-${architecture}`;

/** The copy's ARN: the function's ARN (or a token standing for it) with `-pt-<architecture>` appended. */
export const copyFunctionArn = (functionArn: string, architecture: string) =>
  copyFunctionName(functionArn, architecture);
