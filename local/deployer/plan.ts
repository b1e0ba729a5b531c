// Turns a cloud assembly into a deployment plan for the local cloud: every resource it emulates, planned by its
// kind with every intrinsic resolved to local names and ARNs, the stacks' outputs, and the types it skips.
import type { LocalIdentity } from "../shared/identity.js";
import type { CfnTemplate, CloudAssembly } from "./assembly.js";
import { KIND_KEYS, type KindKey, type PlannedResources, RESOURCE_KINDS } from "./kinds/index.js";
import { countSkipped, type SkippedTypes } from "./skipped-types.js";
import { type StackContext, stackContext, type TemplateResource } from "./stack-context.js";

export interface DeploymentPlan extends PlannedResources {
  /** stack → output → value, like `cdk deploy --outputs-file`. */
  outputs: Record<string, Record<string, string>>;
  /** Resource types present in the templates that the local cloud does not emulate, with their count. */
  skipped: SkippedTypes;
}

/** The kind that plans each template type. */
const KIND_OF_TYPE = new Map<string, KindKey>(KIND_KEYS.map((key) => [RESOURCE_KINDS[key].type, key]));

/** The types the kinds plan from or read while planning: all the others are skipped. */
const EMULATED_TYPES = new Set(
  KIND_KEYS.flatMap((key) => [RESOURCE_KINDS[key].type, ...RESOURCE_KINDS[key].covers]),
);

function planResource<K extends KindKey>(
  key: K,
  resource: TemplateResource,
  stack: StackContext,
  into: PlannedResources,
): void {
  const kind: (typeof RESOURCE_KINDS)[K] = RESOURCE_KINDS[key];
  into[key].push(kind.plan(resource, stack));
}

/** The stack's outputs as text, and its exports added to `exports` for the stacks after it. */
function stackOutputs(
  stack: StackContext,
  template: CfnTemplate,
  exports: Map<string, unknown>,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Condition !== undefined && !stack.condition(output.Condition)) continue;
    const value = stack.resolve(output.Value);
    if (output.Export) exports.set(String(stack.resolve(output.Export.Name)), value);
    values[name] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return values;
}

export function planDeployment(assembly: CloudAssembly, identity: LocalIdentity): DeploymentPlan {
  const plan: DeploymentPlan = {
    tables: [],
    functions: [],
    apis: [],
    stateMachines: [],
    rules: [],
    outputs: {},
    skipped: {},
  };
  const exports = new Map<string, unknown>();
  // In dependency order, so that every Fn::ImportValue finds the export of a stack planned before.
  for (const assemblyStack of assembly.stacks) {
    const stack = stackContext(assemblyStack, assembly, identity, exports);
    for (const resource of stack.resources) {
      const key = KIND_OF_TYPE.get(resource.type);
      if (key !== undefined) planResource(key, resource, stack, plan);
      else if (!EMULATED_TYPES.has(resource.type)) countSkipped(plan.skipped, resource.type);
    }
    plan.outputs[stack.stackName] = stackOutputs(stack, assemblyStack.template, exports);
  }
  return plan;
}
