// EventBridge event patterns, the part of their language the local bus matches: lists of literal values, nested
// objects, and the `prefix`, `anything-but` and `exists` filters. A pattern using anything else is refused when
// its rule is registered, rather than matching differently from AWS.

export class UnsupportedEventPatternError extends Error {
  override readonly name = "UnsupportedEventPatternError";
}

type Literal = string | number | boolean | null;
const isLiteral = (value: unknown): value is Literal =>
  value === null || ["string", "number", "boolean"].includes(typeof value);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function checkFilter(filter: unknown, where: string): void {
  if (isLiteral(filter)) return;
  const [name, ...more] = isRecord(filter) ? Object.keys(filter) : [];
  const value = isRecord(filter) && name !== undefined ? filter[name] : undefined;
  const ok =
    more.length === 0 &&
    ((name === "prefix" && typeof value === "string") ||
      (name === "exists" && typeof value === "boolean") ||
      (name === "anything-but" && (isLiteral(value) || (Array.isArray(value) && value.every(isLiteral)))));
  if (!ok) {
    throw new UnsupportedEventPatternError(
      `${where}: ${JSON.stringify(filter)} is not a filter the local events bus matches (literal values, prefix, anything-but, exists)`,
    );
  }
}

/** Throws UnsupportedEventPatternError naming the first part of `pattern` the bus cannot match. */
export function checkEventPattern(pattern: unknown, where = "pattern"): void {
  if (!isRecord(pattern)) throw new UnsupportedEventPatternError(`${where} must be a JSON object`);
  for (const [key, value] of Object.entries(pattern)) {
    if (Array.isArray(value)) {
      value.forEach((filter, i) => {
        checkFilter(filter, `${where}.${key}[${i}]`);
      });
    } else if (isRecord(value)) {
      checkEventPattern(value, `${where}.${key}`);
    } else {
      throw new UnsupportedEventPatternError(`${where}.${key} must be a list of values or an object`);
    }
  }
}

function matchesFilter(filter: unknown, present: boolean, value: unknown): boolean {
  if (isLiteral(filter)) return present && value === filter;
  const [[name, operand] = []] = Object.entries(filter as Record<string, unknown>);
  if (name === "exists") return present === operand;
  if (!present) return false;
  if (name === "prefix") return typeof value === "string" && value.startsWith(operand as string);
  if (name === "anything-but") return !(Array.isArray(operand) ? operand : [operand]).includes(value);
  return false;
}

/** True when the event has, for every field of the pattern, a value one of that field's filters accepts. */
export function matchesEventPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  return Object.entries(pattern).every(([key, filters]) => {
    const present = isRecord(event) && key in event;
    const value = present ? event[key] : undefined;
    if (!Array.isArray(filters))
      return isRecord(value) && matchesEventPattern(filters as Record<string, unknown>, value);
    // A list in the event matches when any of its elements does.
    const candidates = Array.isArray(value) ? value : [value];
    return filters.some((filter) =>
      candidates.some((candidate) => matchesFilter(filter, present, candidate)),
    );
  });
}
