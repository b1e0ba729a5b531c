import { cloudWatchClient, documentClient, lambdaClient, readTunerConfig } from "../tuner/aws/index.js";
import { createOptimizer } from "./optimizer.js";

export const handler = createOptimizer({
  lambda: lambdaClient(),
  ddb: documentClient(),
  cloudwatch: cloudWatchClient(),
  config: readTunerConfig(),
});
