// Names of the aliases the tuner creates on a target, shared by input validation and cleanup.

/** Aliases the tuner creates: `RAM<power>`, and `RAM<power>-<n>` per invocation with onlyColdStarts. */
export const TUNER_ALIAS_PATTERN = /^RAM\d+(-\d+)?$/;
