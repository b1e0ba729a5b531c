import { readTunerConfig } from "../tuner/aws/index.js";
import { createAnalyzer } from "./analyzer.js";

export const handler = createAnalyzer({ config: readTunerConfig() });
