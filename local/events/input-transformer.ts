// EventBridge input transformers: values picked from the event by InputPathsMap, put into InputTemplate. A
// placeholder outside quotes becomes the value's JSON (a string with its quotes); inside a JSON string, its text.

export interface InputTransformer {
  /** Placeholder name → path into the event (`$.detail.name`, `$.resources[0]`). */
  inputPathsMap: Record<string, string>;
  inputTemplate: string;
}

/** The value at a path of dot names and [index]es; undefined when there is none. */
export function valueAtPath(event: unknown, path: string): unknown {
  if (!path.startsWith("$")) return undefined;
  const steps = path.slice(1).match(/\.[^.[\]]+|\[\d+\]/g) ?? [];
  if (steps.join("") !== path.slice(1)) return undefined;
  let value: unknown = event;
  for (const step of steps) {
    if (typeof value !== "object" || value === null) return undefined;
    const key = step.startsWith("[") ? Number(step.slice(1, -1)) : step.slice(1);
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

export function transformInput(transformer: InputTransformer, event: unknown): string {
  const { inputPathsMap, inputTemplate } = transformer;
  let out = "";
  let inString = false;
  for (let i = 0; i < inputTemplate.length; i++) {
    const ch = inputTemplate[i] as string;
    if (inString && ch === "\\") {
      out += inputTemplate.slice(i, i + 2);
      i++;
      continue;
    }
    if (ch === '"') inString = !inString;
    const placeholder = ch === "<" ? /^<([^<>]+)>/.exec(inputTemplate.slice(i)) : null;
    const name = placeholder?.[1];
    if (placeholder && name !== undefined && name in inputPathsMap) {
      // A path with no value in the event gives null, as EventBridge does.
      const value = valueAtPath(event, inputPathsMap[name] as string) ?? null;
      const json = JSON.stringify(value);
      out += inString ? JSON.stringify(typeof value === "string" ? value : json).slice(1, -1) : json;
      i += placeholder[0].length - 1;
      continue;
    }
    out += ch;
  }
  return out;
}
