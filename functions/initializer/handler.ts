import { documentClient, lambdaClient, readTunerConfig } from "../tuner/aws/index.js";
import { createInitializer } from "./initializer.js";

export const handler = createInitializer({
  lambda: lambdaClient(),
  ddb: documentClient(),
  config: readTunerConfig(),
});
