// Resolves the CloudFormation intrinsic functions a synthesized CDK template uses, to local values.

/** Thrown for an intrinsic or reference the local cloud cannot resolve; names where it was found. */
export class UnresolvableIntrinsicError extends Error {
  override readonly name = "UnresolvableIntrinsicError";
}

export interface ResolveContext {
  /** Ref of a logical id (resources and parameters) or a pseudo parameter such as AWS::Region. */
  ref(logicalId: string): unknown;
  /** Fn::GetAtt of a resource attribute. */
  getAtt(logicalId: string, attribute: string): unknown;
  /** Fn::ImportValue of another stack's export. */
  importValue(exportName: string): unknown;
  /** Whether a named template condition holds. */
  condition(name: string): boolean;
}

/** AWS::NoValue: the property it stands in for is removed. */
export const NO_VALUE = Symbol("AWS::NoValue");

function asString(value: unknown, where: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new UnresolvableIntrinsicError(`${where}: expected a string, got ${JSON.stringify(value)}`);
}

function substitute(template: string, variables: Record<string, unknown>, context: ResolveContext): string {
  // ${!Literal} is an escaped "${Literal}"; ${Name} is a variable, a Ref, or (with a dot) a GetAtt.
  return template.replace(/\$\{([^}]+)\}/g, (_match, name: string) => {
    if (name.startsWith("!")) return `\${${name.slice(1)}}`;
    if (name in variables) return asString(variables[name], `Fn::Sub \${${name}}`);
    const dot = name.indexOf(".");
    if (dot > 0 && !name.startsWith("AWS::")) {
      return asString(context.getAtt(name.slice(0, dot), name.slice(dot + 1)), `Fn::Sub \${${name}}`);
    }
    return asString(context.ref(name), `Fn::Sub \${${name}}`);
  });
}

/** Resolves every intrinsic in a template fragment, depth first; plain values pass through unchanged. */
export function resolveIntrinsics(value: unknown, context: ResolveContext): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => resolveIntrinsics(item, context)).filter((item) => item !== NO_VALUE);
  }
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, argument] = entries[0] as [string, unknown];
    const resolved = resolveFunction(key, argument, context);
    if (resolved !== NOT_A_FUNCTION) return resolved;
  }
  const result: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const resolved = resolveIntrinsics(item, context);
    if (resolved !== NO_VALUE) result[key] = resolved;
  }
  return result;
}

const NOT_A_FUNCTION = Symbol("not an intrinsic");

function resolveFunction(key: string, argument: unknown, context: ResolveContext): unknown {
  const resolve = (v: unknown) => resolveIntrinsics(v, context);
  switch (key) {
    case "Ref": {
      const name = asString(argument, "Ref");
      return name === "AWS::NoValue" ? NO_VALUE : context.ref(name);
    }
    case "Fn::GetAtt": {
      const [logicalId, attribute] =
        typeof argument === "string" ? argument.split(/\.(.*)/s) : (resolve(argument) as string[]);
      return context.getAtt(asString(logicalId, "Fn::GetAtt"), asString(attribute, "Fn::GetAtt"));
    }
    case "Fn::Join": {
      const [separator, list] = argument as [string, unknown];
      const items = resolve(list);
      if (!Array.isArray(items))
        throw new UnresolvableIntrinsicError("Fn::Join: the second argument must be a list");
      return items.map((item) => asString(item, "Fn::Join")).join(separator);
    }
    case "Fn::Sub": {
      if (typeof argument === "string") return substitute(argument, {}, context);
      const [template, variables] = argument as [string, Record<string, unknown>];
      return substitute(template, resolve(variables) as Record<string, unknown>, context);
    }
    case "Fn::Select": {
      const [index, list] = resolve(argument) as [number | string, unknown[]];
      const item = list[Number(index)];
      if (item === undefined) throw new UnresolvableIntrinsicError(`Fn::Select: index ${index} out of range`);
      return item;
    }
    case "Fn::Split": {
      const [separator, source] = resolve(argument) as [string, unknown];
      return asString(source, "Fn::Split").split(separator);
    }
    case "Fn::ImportValue":
      return context.importValue(asString(resolve(argument), "Fn::ImportValue"));
    case "Fn::If": {
      const [condition, whenTrue, whenFalse] = argument as [string, unknown, unknown];
      return resolve(context.condition(condition) ? whenTrue : whenFalse);
    }
    case "Fn::Equals": {
      const [a, b] = resolve(argument) as [unknown, unknown];
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case "Fn::Not":
      return !(resolve(argument) as [boolean])[0];
    case "Fn::And":
      return (resolve(argument) as boolean[]).every(Boolean);
    case "Fn::Or":
      return (resolve(argument) as boolean[]).some(Boolean);
    case "Condition":
      return context.condition(asString(argument, "Condition"));
    case "Fn::GetAZs":
      return ["a", "b", "c"].map((zone) => `${asString(context.ref("AWS::Region"), "Fn::GetAZs")}${zone}`);
    case "Fn::Base64":
      return Buffer.from(asString(resolve(argument), "Fn::Base64")).toString("base64");
    default:
      if (key.startsWith("Fn::"))
        throw new UnresolvableIntrinsicError(`${key} is not supported by the local cloud`);
      return NOT_A_FUNCTION;
  }
}
