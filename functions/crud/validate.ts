// Checks on client-supplied DynamoDB parameters. Every error names the field and the fix.
import { CrudRequestError } from "./errors.js";
import { describeType, isPlainObject, kib } from "./http.js";
import type { Attributes } from "./plan.js";

/** DynamoDB's item size limit. */
export const MAX_ITEM_BYTES = 400 * 1024;
/** DynamoDB's partition key limit is 2048 bytes; ids are kept well inside it. */
export const MAX_ID_BYTES = 1024;
/** DynamoDB's limit on any one expression string. */
export const MAX_EXPRESSION_BYTES = 4096;
/** DynamoDB nests maps and lists at most 32 levels deep. */
const MAX_DEPTH = 32;

export function invalid(field: string, message: string): CrudRequestError {
  return new CrudRequestError(400, "INVALID_PARAMETER", `${field} ${message}`);
}

/** Refuses keys outside the allow-list, naming them; `TableName` gets its own answer. */
export function rejectUnknownKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  where: string,
): void {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    if (key === "TableName") {
      throw new CrudRequestError(
        400,
        "PARAMETER_NOT_ALLOWED",
        `${where}.TableName is not allowed: the table is fixed by the service (use the top-level tableName)`,
      );
    }
    throw new CrudRequestError(
      400,
      "UNKNOWN_PARAMETER",
      `${where}.${key} is not a recognised parameter: allowed are ${allowed.join(", ")}`,
    );
  }
}

export function validateId(id: unknown, field: string): string {
  if (typeof id !== "string") {
    throw new CrudRequestError(
      400,
      "INVALID_KEY",
      `${field} is ${describeType(id)}: it must be a non-empty string`,
    );
  }
  if (id.length === 0)
    throw new CrudRequestError(400, "INVALID_KEY", `${field} is empty: give a non-empty string`);
  if (Buffer.byteLength(id, "utf8") > MAX_ID_BYTES) {
    throw new CrudRequestError(
      400,
      "INVALID_KEY",
      `${field} is longer than ${MAX_ID_BYTES} bytes: shorten it`,
    );
  }
  return id;
}

/** A primary key: exactly `{ "id": "<string>" }`. */
export function validateKey(value: unknown, field: string): Attributes {
  if (value === undefined) {
    throw new CrudRequestError(400, "MISSING_PARAMETER", `${field} is missing: give {"id": "<string>"}`);
  }
  if (!isPlainObject(value)) {
    throw new CrudRequestError(
      400,
      "INVALID_KEY",
      `${field} is ${describeType(value)}: give {"id": "<string>"}`,
    );
  }
  const extra = Object.keys(value).filter((name) => name !== "id");
  if (extra.length > 0) {
    throw new CrudRequestError(
      400,
      "INVALID_KEY",
      `${field} has ${extra.join(", ")}: the table's key is "id" alone, give {"id": "<string>"}`,
    );
  }
  return { id: validateId(value.id, `${field}.id`) };
}

/** An item to write: an object with a string `id`, within DynamoDB's size and depth limits. */
export function validateItem(value: unknown, field: string): Attributes {
  if (value === undefined) {
    throw new CrudRequestError(
      400,
      "MISSING_PARAMETER",
      `${field} is missing: give an object with an "id" string`,
    );
  }
  if (!isPlainObject(value)) {
    throw new CrudRequestError(400, "INVALID_ITEM", `${field} is ${describeType(value)}: give an object`);
  }
  validateId(value.id, `${field}.id`);
  const bytes = itemSizeBytes(value, field);
  if (bytes > MAX_ITEM_BYTES) {
    throw new CrudRequestError(
      413,
      "ITEM_TOO_LARGE",
      `${field} is about ${kib(bytes)} KB: a DynamoDB item may hold at most ${MAX_ITEM_BYTES / 1024} KB`,
    );
  }
  return value;
}

/**
 * The size DynamoDB charges for an item, from its published rules: attribute names and strings by UTF-8
 * length, numbers about one byte per two significant digits plus one, booleans and nulls one byte,
 * maps and lists three bytes plus one per element.
 */
export function itemSizeBytes(item: Record<string, unknown>, field = "Item"): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) {
    checkAttributeName(name, field);
    total += Buffer.byteLength(name, "utf8") + attributeSizeBytes(value, `${field}.${name}`, 1);
  }
  return total;
}

/** `__proto__` survives JSON.parse as a key but not the SDK's marshalling: it would vanish silently. */
function checkAttributeName(name: string, field: string): void {
  if (name === "__proto__") throw invalid(`${field}.__proto__`, "is not a usable attribute name: rename it");
}

function attributeSizeBytes(value: unknown, field: string, depth: number): number {
  if (depth > MAX_DEPTH) {
    throw invalid(field, `nests deeper than ${MAX_DEPTH} levels: DynamoDB allows at most ${MAX_DEPTH}`);
  }
  if (typeof value === "string") return Buffer.byteLength(value, "utf8");
  if (typeof value === "number") {
    if (!Number.isFinite(value))
      throw invalid(field, "is not a finite number: DynamoDB stores finite numbers only");
    if (Math.abs(value) > Number.MAX_SAFE_INTEGER) {
      throw new CrudRequestError(
        400,
        "NUMBER_OUT_OF_RANGE",
        `${field} is ${value}: numbers must lie within ±${Number.MAX_SAFE_INTEGER} (2^53 − 1) to keep every digit through JSON; send larger ones as strings`,
      );
    }
    const digits = value
      .toExponential()
      .replace(/e.*$/, "")
      .replace(/[^0-9]/g, "").length;
    return Math.ceil(digits / 2) + 1;
  }
  if (typeof value === "boolean" || value === null) return 1;
  if (Array.isArray(value)) {
    return value.reduce<number>(
      (sum, element, index) => sum + 1 + attributeSizeBytes(element, `${field}[${index}]`, depth + 1),
      3,
    );
  }
  if (isPlainObject(value)) {
    let total = 3;
    for (const [name, element] of Object.entries(value)) {
      checkAttributeName(name, field);
      total +=
        1 + Buffer.byteLength(name, "utf8") + attributeSizeBytes(element, `${field}.${name}`, depth + 1);
    }
    return total;
  }
  throw invalid(field, `is ${describeType(value)}: use a JSON value`);
}

export function validateExpression(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "") {
    throw invalid(
      field,
      `is ${describeType(value)}${value === "" ? " (empty)" : ""}: give a non-empty string`,
    );
  }
  if (Buffer.byteLength(value, "utf8") > MAX_EXPRESSION_BYTES) {
    throw invalid(field, `is longer than ${MAX_EXPRESSION_BYTES} bytes: DynamoDB's limit for an expression`);
  }
  return value;
}

/** `{"#name": "attribute"}`: placeholders start with `#`, values are strings. */
export function validateAttributeNames(value: unknown, field: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw invalid(field, `is ${describeType(value)}: give {"#placeholder": "name"}`);
  for (const [placeholder, name] of Object.entries(value)) {
    if (!/^#[A-Za-z0-9_]+$/.test(placeholder)) {
      throw invalid(`${field}.${placeholder}`, 'is not a placeholder: names must look like "#name"');
    }
    if (typeof name !== "string" || name === "") {
      throw invalid(
        `${field}.${placeholder}`,
        `is ${describeType(name)}: give the attribute name as a string`,
      );
    }
  }
  return value as Record<string, string>;
}

/** `{":value": <JSON>}`: placeholders start with `:`. */
export function validateAttributeValues(value: unknown, field: string): Attributes | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value))
    throw invalid(field, `is ${describeType(value)}: give {":placeholder": <value>}`);
  for (const [placeholder, element] of Object.entries(value)) {
    if (!/^:[A-Za-z0-9_]+$/.test(placeholder)) {
      throw invalid(`${field}.${placeholder}`, 'is not a placeholder: values must look like ":value"');
    }
    attributeSizeBytes(element, `${field}.${placeholder}`, 1);
  }
  return value;
}

export function validateBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw invalid(field, `is ${describeType(value)}: give true or false`);
  return value;
}

export function validateLimit(value: unknown, field: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalid(field, `is ${JSON.stringify(value)}: give an integer from 1 to ${max}`);
  }
  return value;
}

export function validateChoice<T extends string>(
  value: unknown,
  field: string,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !choices.includes(value as T)) {
    throw invalid(field, `is ${JSON.stringify(value)}: give one of ${choices.join(", ")}`);
  }
  return value as T;
}
