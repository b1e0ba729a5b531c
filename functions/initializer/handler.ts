import { documentClient, lambdaClient } from "../shared/aws/clients.js";
import { readTunerConfig } from "../shared/aws/config.js";
import { createInitializer } from "./initializer.js";

export const handler = createInitializer({
  lambda: lambdaClient(),
  ddb: documentClient(),
  config: readTunerConfig(),
});
