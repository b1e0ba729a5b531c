// Reads a CDK cloud assembly (cdk.out): its stacks in dependency order, with their templates.
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  Condition?: string;
  DependsOn?: string | string[];
}

export interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown }; Condition?: string }>;
  Conditions?: Record<string, unknown>;
  Parameters?: Record<string, { Default?: unknown }>;
}

export interface AssemblyStack {
  stackName: string;
  template: CfnTemplate;
  dependencies: string[];
}

export interface CloudAssembly {
  outDir: string;
  stacks: AssemblyStack[];
  /** Asset object key (`<hash>.zip`, as a Lambda's Code.S3Key names it) → absolute path of its source folder. */
  assetsByObjectKey: Map<string, string>;
}

interface AssetManifest {
  files?: Record<string, { source: { path: string }; destinations: Record<string, { objectKey: string }> }>;
}

interface ManifestArtifact {
  type: string;
  properties?: { templateFile?: string; stackName?: string; file?: string };
  dependencies?: string[];
  displayName?: string;
}

/** Orders stacks so that each comes after the stacks it imports from (the manifest's dependencies). */
function inDependencyOrder(stacks: Map<string, AssemblyStack & { artifactId: string }>): AssemblyStack[] {
  const ordered: AssemblyStack[] = [];
  const placed = new Set<string>();
  const visit = (id: string, trail: string[]) => {
    if (placed.has(id)) return;
    const stack = stacks.get(id);
    if (!stack) return; // a dependency that is not a stack (an asset manifest, say)
    if (trail.includes(id))
      throw new Error(`stacks depend on each other in a cycle: ${[...trail, id].join(" → ")}`);
    for (const dependency of stack.dependencies) visit(dependency, [...trail, id]);
    placed.add(id);
    ordered.push(stack);
  };
  for (const id of stacks.keys()) visit(id, []);
  return ordered;
}

export async function readCloudAssembly(outDir: string): Promise<CloudAssembly> {
  const manifestPath = join(outDir, "manifest.json");
  let manifest: { artifacts?: Record<string, ManifestArtifact> };
  try {
    manifest = JSON.parse(await readFile(manifestPath, "utf8"));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot read the cloud assembly at ${manifestPath} (${reason}); run the synth first`, {
      cause: error,
    });
  }
  const stacks = new Map<string, AssemblyStack & { artifactId: string }>();
  const assetsByObjectKey = new Map<string, string>();
  for (const [artifactId, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === "cdk:asset-manifest" && artifact.properties?.file) {
      const assets = JSON.parse(
        await readFile(join(outDir, artifact.properties.file), "utf8"),
      ) as AssetManifest;
      for (const file of Object.values(assets.files ?? {})) {
        for (const destination of Object.values(file.destinations)) {
          assetsByObjectKey.set(destination.objectKey, join(outDir, file.source.path));
        }
      }
      continue;
    }
    if (artifact.type !== "aws:cloudformation:stack" || !artifact.properties?.templateFile) continue;
    const template = JSON.parse(
      await readFile(join(outDir, artifact.properties.templateFile), "utf8"),
    ) as CfnTemplate;
    stacks.set(artifactId, {
      artifactId,
      stackName: artifact.properties.stackName ?? artifactId,
      template,
      dependencies: artifact.dependencies ?? [],
    });
  }
  return { outDir, stacks: inDependencyOrder(stacks), assetsByObjectKey };
}
