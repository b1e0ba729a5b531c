// Plans one inline stack, as the deployer would plan it from a cloud assembly, for the per-kind tests.
import type { CfnResource } from "../../../../../local/deployer/assembly.js";
import { type DeploymentPlan, planDeployment } from "../../../../../local/deployer/index.js";
import { DEFAULT_IDENTITY } from "../../../../../local/shared/identity.js";

/** The object key the functions' Code names and the folder the assembly's asset manifest gives for it. */
export const CODE = { S3Bucket: "assets", S3Key: "code.zip" };
export const CODE_DIR = "/cdk.out/asset.code";

/** The plan for a stack named `S` holding these resources. */
export function planStack(resources: Record<string, CfnResource>): DeploymentPlan {
  return planDeployment(
    {
      outDir: "/cdk.out",
      stacks: [{ stackName: "S", template: { Resources: resources }, dependencies: [] }],
      assetsByObjectKey: new Map([[CODE.S3Key, CODE_DIR]]),
    },
    DEFAULT_IDENTITY,
  );
}
