// The tuner's default power values, apart from the input schema so the config reader can use them without zod.

/**
 * MB values measured when the input names none and the stack sets no others: the original tool's defaults.
 * The stack passes them to the functions, and the functions' config falls back on them.
 */
export const DEFAULT_POWER_VALUES: readonly number[] = [128, 256, 512, 1024, 1536, 3008];
