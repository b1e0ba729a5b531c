import { readTunerConfig, s3Client, targetLambdaClients } from "../tuner/aws/index.js";
import { createExecutor } from "./executor.js";

export const handler = createExecutor({
  targetLambda: targetLambdaClients(),
  s3: s3Client(),
  config: readTunerConfig(),
});
