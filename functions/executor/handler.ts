import { lambdaClient } from "../shared/aws/clients.js";
import { readTunerConfig } from "../shared/aws/config.js";
import { createExecutor } from "./executor.js";

export const handler = createExecutor({ lambda: lambdaClient(), config: readTunerConfig() });
