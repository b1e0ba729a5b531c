// The function the input names, read before anything else: a name that matches no function, a role that cannot
// be assumed, or a version or alias whose code $LATEST does not run is an input error.
import { ResourceNotFoundException } from "@aws-sdk/client-lambda";
import {
  type LambdaApi,
  readServedTarget,
  readTargetConfig,
  type TargetConfig,
  TargetRoleNotAssumedError,
} from "../tuner/aws/index.js";
import {
  InvalidTuningInputError,
  runSettingDifferences,
  type TargetArn,
  type TuningInput,
} from "../tuner/core/index.js";

export type { TargetConfig };

/** What the run tunes: $LATEST's configuration (what the tuner changes and restores), and what the target serves. */
export interface NamedTarget {
  latest: TargetConfig;
  /** The memory the target serves, MB: $LATEST's, or the qualified version's. */
  servedMemoryMb: number;
  /** The version a qualifier resolves to. */
  version?: string;
  codeSha256?: string;
}

const inputError = (field: string, problem: string, cause: unknown) =>
  new InvalidTuningInputError([{ field, problem }], { cause });

/** `field`: the input field that names the target, lambdaARN or a comparison's compareWith. */
export async function readTargetNamedByInput(
  lambda: LambdaApi,
  input: Pick<TuningInput, "lambdaARN" | "targetRoleArn">,
  target: TargetArn,
  field: "lambdaARN" | "compareWith" = "lambdaARN",
): Promise<NamedTarget> {
  try {
    const latest = await readTargetConfig(lambda, target.functionArn);
    if (target.qualifier === undefined) {
      return {
        latest,
        servedMemoryMb: latest.memoryMb,
        ...(latest.runSettings.codeSha256 ? { codeSha256: latest.runSettings.codeSha256 } : {}),
      };
    }
    const served = await readServedTarget(lambda, target.functionArn, target.qualifier);
    const what =
      target.qualifierKind === "alias"
        ? `alias ${target.qualifier} (version ${served.version})`
        : `version ${target.qualifier}`;
    if (served.weightedVersions.length > 0) {
      throw inputError(
        "lambdaARN",
        `${what} also routes traffic to version ${served.weightedVersions.join(", ")}: it runs two versions' code, and a tune measures one. Tune one of the versions (NAME:${served.version}), or remove the alias's routing`,
        undefined,
      );
    }
    // Lambda publishes versions from $LATEST only: the tuner's versions run the target's code only if $LATEST does.
    const differences = runSettingDifferences(latest.runSettings, served.runSettings);
    if (differences.length > 0) {
      throw inputError(
        "lambdaARN",
        `$LATEST's ${differences.join(", ")} differ from ${what}'s, and the tuner publishes its versions from $LATEST (Lambda publishes nothing else), so they would not run the code ${target.qualifier} serves. Deploy that version's code and configuration to $LATEST (memory aside) and tune again, or tune $LATEST (the unqualified ARN)`,
        undefined,
      );
    }
    return {
      latest,
      servedMemoryMb: served.memoryMb,
      version: served.version,
      ...(served.runSettings.codeSha256 ? { codeSha256: served.runSettings.codeSha256 } : {}),
    };
  } catch (error) {
    if (error instanceof TargetRoleNotAssumedError) {
      throw inputError(
        "targetRoleArn",
        `${error.message}: the role's trust policy must trust the tuner's initializer, executor and optimizer roles, and the stack's targetRoleArns prop must list it`,
        error,
      );
    }
    if (!(error instanceof ResourceNotFoundException)) throw error;
    const [what, check] =
      target.qualifier === undefined
        ? ["function", "the name, region and account"]
        : ["function, version or alias", "the name, qualifier, region and account"];
    const role = input.targetRoleArn ? "; targetRoleArn must be a role of that account" : "";
    throw inputError(
      field,
      `no ${what} ${field === "lambdaARN" ? input.lambdaARN : target.functionArn} in ${target.region} (check ${check}${role})`,
      error,
    );
  }
}
