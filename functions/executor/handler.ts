import { readTunerConfig, targetLambdaClients } from "../tuner/aws/index.js";
import { createExecutor } from "./executor.js";

export const handler = createExecutor({ targetLambda: targetLambdaClients(), config: readTunerConfig() });
