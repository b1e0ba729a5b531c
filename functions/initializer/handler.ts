import {
  documentClient,
  readTunerConfig,
  stepFunctionsClient,
  targetLambdaClients,
} from "../tuner/aws/index.js";
import { createInitializer } from "./initializer.js";

export const handler = createInitializer({
  targetLambda: targetLambdaClients(),
  ddb: documentClient(),
  stepFunctions: stepFunctionsClient(),
  config: readTunerConfig(),
});
