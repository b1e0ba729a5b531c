import { lambdaClient, readTunerConfig, s3Client } from "../tuner/aws/index.js";
import { createExecutor } from "./executor.js";

export const handler = createExecutor({
  lambda: lambdaClient(),
  s3: s3Client(),
  config: readTunerConfig(),
});
