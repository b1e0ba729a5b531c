import {
  cloudWatchClient,
  documentClient,
  lambdaClient,
  readTunerConfig,
  stepFunctionsClient,
} from "../tuner/aws/index.js";
import { createOptimizer } from "./optimizer.js";

export const handler = createOptimizer({
  lambda: lambdaClient(),
  ddb: documentClient(),
  cloudwatch: cloudWatchClient(),
  stepFunctions: stepFunctionsClient(),
  config: readTunerConfig(),
});
