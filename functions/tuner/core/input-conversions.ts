// How the input check reads values written for the reference tool (numeric strings, string booleans) and
// suggests the field a misspelt one meant.

/**
 * true/false, the words "true"/"false" (any case) and 1/0 as booleans; anything else is left for the schema
 * to refuse. The reference tool takes any value's truthiness, which makes the string "false" true: a run
 * that silently does the opposite of what its input says is worse than a refused input.
 */
export function asBoolean(value: unknown): unknown {
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== "string") return value;
  const word = value.trim().toLowerCase();
  return word === "true" ? true : word === "false" ? false : value;
}

const NUMERIC_STRING = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/**
 * A decimal numeric string ("10", "0.3") as its number, as the reference tool's parseInt and arithmetic
 * take it; anything else is left for the schema to refuse, naming the field.
 */
export function asNumber(value: unknown): unknown {
  return typeof value === "string" && NUMERIC_STRING.test(value) ? Number(value) : value;
}

/** Levenshtein distance: the edits (insert, delete, substitute) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** An issue's path as the input's field: `payload[2].weight`; "(input)" for the input itself. */
export function fieldName(path: readonly PropertyKey[]): string {
  let name = "";
  for (const part of path) {
    name += typeof part === "number" ? `[${part}]` : `${name ? "." : ""}${String(part)}`;
  }
  return name || "(input)";
}
