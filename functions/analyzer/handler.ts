import { readTunerConfig } from "../shared/aws/config.js";
import { createAnalyzer } from "./analyzer.js";

export const handler = createAnalyzer({ config: readTunerConfig() });
