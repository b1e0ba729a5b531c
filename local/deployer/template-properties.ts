// Reads what a resource kind needs from a resource's template properties. Only the properties its schema names
// are resolved (any other may hold an intrinsic the local cloud has no value for); the resolved values are then
// checked against the schema, and a wrong shape fails naming the resource and the property.
import { z } from "zod";
import { InvalidTemplateError } from "./errors.js";
import { NO_VALUE } from "./intrinsics.js";

/** One resource's raw template properties, with where they come from and how to resolve their intrinsics. */
export interface PropertySource {
  /** `Stack/LogicalId (Type)`, for messages. */
  readonly where: string;
  readonly properties: Record<string, unknown>;
  resolve(value: unknown): unknown;
}

/** `{ "Ref": … }`, `{ "Fn::…": … }` or `{ "Condition": … }`: a value that only exists once resolved. */
function isIntrinsicCall(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const [key] = keys;
  return (
    keys.length === 1 && key !== undefined && (key === "Ref" || key === "Condition" || key.startsWith("Fn::"))
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function propertyPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`))
    .join("");
}

/**
 * The properties `schema` names, resolved and checked. With `within`, reads them from that object property
 * instead (`Code`, say), resolving only its named members too; an absent object reads as an empty one.
 */
export function readProperties<T extends z.ZodObject>(
  source: PropertySource,
  schema: T,
  within?: string,
): z.output<T> {
  let container: unknown = within === undefined ? source.properties : source.properties[within];
  if (isIntrinsicCall(container)) container = source.resolve(container);
  container ??= {};
  if (!isRecord(container)) {
    throw new InvalidTemplateError(
      `${source.where}: ${within} must be an object, got ${JSON.stringify(container)}`,
    );
  }
  const resolved: Record<string, unknown> = {};
  for (const name of Object.keys(schema.shape)) {
    if (!(name in container)) continue;
    const value = source.resolve(container[name]);
    if (value !== NO_VALUE) resolved[name] = value;
  }
  const parsed = schema.safeParse(resolved);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const path = propertyPath([...(within === undefined ? [] : [within]), ...issue.path]);
    return `${path}: ${issue.message}`;
  });
  throw new InvalidTemplateError(`${source.where}: ${problems.join("; ")}`, { cause: parsed.error });
}

/** A number, or a numeric string: CloudFormation takes both for a numeric property. */
export const cfnNumber = z.preprocess(
  (value) => (typeof value === "string" && value.trim() !== "" ? Number(value) : value),
  z.number(),
);

/** true/false, or "true"/"false": CloudFormation takes both for a boolean property. */
export const cfnBoolean = z.preprocess(
  (value) => (value === "true" ? true : value === "false" ? false : value),
  z.boolean(),
);

/** A string, or a number or boolean CloudFormation would turn into one (a tag value, say). */
export const cfnString = z.preprocess(
  (value) => (typeof value === "number" || typeof value === "boolean" ? String(value) : value),
  z.string(),
);
