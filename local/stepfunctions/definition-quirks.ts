// aws-local-stepfunctions 3.0 departs from Step Functions in two ways this walk undoes, in every state (those
// nested in a Map's processor and in Parallel branches too):
// - it writes a state's result into a key named "$" when the state says `ResultPath: "$"`, where Step
//   Functions replaces the whole state with the result. "$" is also the default ResultPath, so dropping it
//   gives AWS's behaviour; every other path is left as it is;
// - it times a Task without TimeoutSeconds out after 60 s, where Step Functions has no such limit (its default
//   is 99,999,999 s): an Executor measuring a slow function for longer would fail locally and not on AWS.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The Task timeout given where a definition sets none: the longest a Node timer can wait (about 24.8 days), far
 * beyond any execution's own timeout; a longer one would fire at once.
 */
export const UNSET_TASK_TIMEOUT_SECONDS = 2_147_483;

function asStepFunctionsStates(states: Json | undefined): Json | undefined {
  if (!isObject(states)) return states;
  const fixed: { [key: string]: Json } = {};
  for (const [name, state] of Object.entries(states)) {
    if (!isObject(state)) {
      fixed[name] = state;
      continue;
    }
    const { ResultPath, ...rest } = state;
    const copy: { [key: string]: Json } = ResultPath === "$" ? rest : { ...state };
    if (copy.Type === "Task" && copy.TimeoutSeconds === undefined && copy.TimeoutSecondsPath === undefined)
      copy.TimeoutSeconds = UNSET_TASK_TIMEOUT_SECONDS;
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
  const states = asStepFunctionsStates(machine.States);
  return states === undefined ? machine : { ...machine, States: states };
}

/** The definition as the library must be given it to behave like Step Functions. */
export function avoidLibraryQuirks<T extends object>(definition: T): T {
  // The definition is parsed JSON; the walk copies what it changes and keeps its shape.
  return withoutRootQuirk(definition as unknown as { [key: string]: Json }) as unknown as T;
}
