import { documentClient, lambdaClient, readTunerConfig, stepFunctionsClient } from "../tuner/aws/index.js";
import { createInitializer } from "./initializer.js";

export const handler = createInitializer({
  lambda: lambdaClient(),
  ddb: documentClient(),
  stepFunctions: stepFunctionsClient(),
  config: readTunerConfig(),
});
