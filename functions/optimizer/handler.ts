import { cloudWatchClient, documentClient, lambdaClient } from "../shared/aws/clients.js";
import { readTunerConfig } from "../shared/aws/config.js";
import { createOptimizer } from "./optimizer.js";

export const handler = createOptimizer({
  lambda: lambdaClient(),
  ddb: documentClient(),
  cloudwatch: cloudWatchClient(),
  config: readTunerConfig(),
});
