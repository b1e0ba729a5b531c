// aws-local-stepfunctions 3.0 writes a state's result into a key named "$" when the state says
// `ResultPath: "$"`, where Step Functions replaces the whole state with the result. "$" is also the default
// ResultPath, so dropping it gives AWS's behaviour; every other path is left as it is.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function withoutRootResultPath(states: Json | undefined): Json | undefined {
  if (!isObject(states)) return states;
  const fixed: { [key: string]: Json } = {};
  for (const [name, state] of Object.entries(states)) {
    if (!isObject(state)) {
      fixed[name] = state;
      continue;
    }
    const { ResultPath, ...rest } = state;
    const copy: { [key: string]: Json } = ResultPath === "$" ? rest : { ...state };
    // States nested in a Map (ItemProcessor, or the older Iterator) and in each Parallel branch.
    for (const key of ["ItemProcessor", "Iterator"]) {
      const processor = copy[key];
      if (isObject(processor)) copy[key] = withoutRootQuirk(processor);
    }
    const branches = copy.Branches;
    if (Array.isArray(branches)) copy.Branches = branches.map((b) => (isObject(b) ? withoutRootQuirk(b) : b));
    fixed[name] = copy;
  }
  return fixed;
}

function withoutRootQuirk(machine: { [key: string]: Json }): { [key: string]: Json } {
  const states = withoutRootResultPath(machine.States);
  return states === undefined ? machine : { ...machine, States: states };
}

/** The definition as the library must be given it to behave like Step Functions. */
export function avoidLibraryQuirks<T extends object>(definition: T): T {
  // The definition is parsed JSON; the walk copies what it changes and keeps its shape.
  return withoutRootQuirk(definition as unknown as { [key: string]: Json }) as unknown as T;
}
