import { lambdaClient, readTunerConfig } from "../tuner/aws/index.js";
import { createExecutor } from "./executor.js";

export const handler = createExecutor({ lambda: lambdaClient(), config: readTunerConfig() });
