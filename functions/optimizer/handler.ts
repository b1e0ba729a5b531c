import {
  cloudWatchClient,
  documentClient,
  readTunerConfig,
  stepFunctionsClient,
  targetLambdaClients,
} from "../tuner/aws/index.js";
import { createOptimizer } from "./optimizer.js";

export const handler = createOptimizer({
  targetLambda: targetLambdaClients(),
  ddb: documentClient(),
  cloudwatch: cloudWatchClient(),
  stepFunctions: stepFunctionsClient(),
  config: readTunerConfig(),
});
