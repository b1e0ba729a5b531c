// The view of one stack that the resource kinds plan from: its resources present in this deployment, every
// intrinsic resolved against the local physical names, pseudo parameters and earlier stacks' exports.
import type { z } from "zod";
import type { LocalIdentity } from "../shared/identity.js";
import type { AssemblyStack, CloudAssembly } from "./assembly.js";
import {
  NO_VALUE,
  type ResolveContext,
  resolveIntrinsics,
  UnresolvableIntrinsicError,
} from "./intrinsics.js";
import { type PhysicalValues, physicalValues } from "./physical-names.js";
import { readProperties } from "./template-properties.js";

/** One resource of a template, as a kind plans it. */
export interface TemplateResource {
  readonly logicalId: string;
  readonly type: string;
  /** Its Properties as written in the template, intrinsics unresolved. */
  readonly properties: Record<string, unknown>;
}

export interface StackContext {
  readonly stackName: string;
  /** The resources whose condition holds (all, without conditions), in template order. */
  readonly resources: readonly TemplateResource[];
  resolve(value: unknown): unknown;
  condition(name: string): boolean;
  /** What Ref of one of the stack's resources gives locally. */
  ref(logicalId: string): string;
  /** What Fn::GetAtt of one of the stack's resources gives locally. */
  attribute(logicalId: string, attribute: string): string;
  /** The source folder of a bundled asset, by the object key a template names it with. */
  assetFolder(objectKey: string): string | undefined;
  /** `Stack/LogicalId (Type)`: how messages name a resource. */
  where(resource: TemplateResource): string;
  /** The resource's properties that `schema` names, resolved and checked (see readProperties). */
  read<T extends z.ZodObject>(resource: TemplateResource, schema: T, within?: string): z.output<T>;
}

/** The values of the pseudo parameters (AWS::Region, …), or undefined for any other name. */
function pseudoParameter(name: string, stackName: string, identity: LocalIdentity): unknown {
  switch (name) {
    case "AWS::Region":
      return identity.region;
    case "AWS::AccountId":
      return identity.accountId;
    case "AWS::Partition":
      return "aws";
    case "AWS::URLSuffix":
      return "amazonaws.com";
    case "AWS::StackName":
      return stackName;
    case "AWS::StackId":
      return `arn:aws:cloudformation:${identity.region}:${identity.accountId}:stack/${stackName}/local`;
    case "AWS::NoValue":
      return NO_VALUE;
    default:
      return undefined;
  }
}

/** Fn::GetAtt of one of the stack's resources, as the local cloud names it. */
function attributeOf(
  physical: ReadonlyMap<string, PhysicalValues>,
  stackName: string,
  logicalId: string,
  attribute: string,
): string {
  const value = physical.get(logicalId)?.attributes[attribute];
  if (value === undefined) {
    throw new UnresolvableIntrinsicError(
      `${stackName}: Fn::GetAtt ${logicalId}.${attribute} is not known to the local cloud`,
    );
  }
  return value;
}

function resolveContext(
  stack: AssemblyStack,
  physical: ReadonlyMap<string, PhysicalValues>,
  identity: LocalIdentity,
  exports: ReadonlyMap<string, unknown>,
): ResolveContext {
  const { stackName, template } = stack;
  const conditions = new Map<string, boolean>();
  const context: ResolveContext = {
    ref(name) {
      const pseudo = pseudoParameter(name, stackName, identity);
      if (pseudo !== undefined) return pseudo;
      const resource = physical.get(name);
      if (resource !== undefined) return resource.ref;
      const parameter = template.Parameters?.[name];
      if (parameter) return parameter.Default ?? "";
      throw new UnresolvableIntrinsicError(`${stackName}: Ref to unknown logical id "${name}"`);
    },
    getAtt: (logicalId, attribute) => attributeOf(physical, stackName, logicalId, attribute),
    importValue(exportName) {
      if (!exports.has(exportName)) {
        throw new UnresolvableIntrinsicError(
          `${stackName}: Fn::ImportValue of unknown export "${exportName}"`,
        );
      }
      return exports.get(exportName);
    },
    condition(name) {
      const known = conditions.get(name);
      if (known !== undefined) return known;
      const expression = template.Conditions?.[name];
      if (expression === undefined)
        throw new UnresolvableIntrinsicError(`${stackName}: unknown condition ${name}`);
      const value = Boolean(resolveIntrinsics(expression, context));
      conditions.set(name, value);
      return value;
    },
  };
  return context;
}

/** The planning view of one stack; `exports` holds what the stacks before it exported. */
export function stackContext(
  stack: AssemblyStack,
  assembly: CloudAssembly,
  identity: LocalIdentity,
  exports: ReadonlyMap<string, unknown>,
): StackContext {
  const { stackName } = stack;
  const templateResources = stack.template.Resources ?? {};
  const physical = new Map<string, PhysicalValues>();
  for (const [logicalId, resource] of Object.entries(templateResources)) {
    physical.set(logicalId, physicalValues(stackName, logicalId, resource, identity));
  }
  const context = resolveContext(stack, physical, identity, exports);
  const resolve = (value: unknown) => resolveIntrinsics(value, context);
  const where = (resource: TemplateResource) => `${stackName}/${resource.logicalId} (${resource.type})`;
  const resources = Object.entries(templateResources)
    .filter(([, resource]) => resource.Condition === undefined || context.condition(resource.Condition))
    .map(([logicalId, resource]) => ({
      logicalId,
      type: resource.Type,
      properties: resource.Properties ?? {},
    }));
  return {
    stackName,
    resources,
    resolve,
    condition: (name) => context.condition(name),
    ref(logicalId) {
      const values = physical.get(logicalId);
      if (values === undefined) {
        throw new UnresolvableIntrinsicError(`${stackName}: Ref to unknown logical id "${logicalId}"`);
      }
      return values.ref;
    },
    attribute: (logicalId, attribute) => attributeOf(physical, stackName, logicalId, attribute),
    assetFolder: (objectKey) => assembly.assetsByObjectKey.get(objectKey),
    where,
    read: (resource, schema, within) =>
      readProperties({ where: where(resource), properties: resource.properties, resolve }, schema, within),
  };
}
