// The function the input names, read before anything else: a name that matches no function is an input error.
import { ResourceNotFoundException } from "@aws-sdk/client-lambda";
import { type LambdaApi, readTargetConfig } from "../tuner/aws/index.js";
import { InvalidTuningInputError } from "../tuner/core/index.js";

export type TargetConfig = Awaited<ReturnType<typeof readTargetConfig>>;

export async function readTargetNamedByInput(
  lambda: LambdaApi,
  functionArn: string,
  field: "lambdaARN" | "compareWith" = "lambdaARN",
): Promise<TargetConfig> {
  try {
    return await readTargetConfig(lambda, functionArn);
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    const region = functionArn.split(":")[3] ?? "its region";
    throw new InvalidTuningInputError(
      [
        {
          field,
          problem: `no function ${functionArn} in ${region} (check the name, region and account)`,
        },
      ],
      { cause: error },
    );
  }
}
