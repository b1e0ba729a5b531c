// The app's contract: the names and data that the stacks, the CLI, the benchmarks and the tests must agree on.
// The functions never import it: they learn what they need (table names, power values) from their environment.
export {
  ARCHITECTURES,
  bucketNameProblem,
  copyFunctionArn,
  DEFAULT_POWER_VALUES,
  DEFAULT_VISUALIZATION_URL,
} from "../functions/tuner/core/index.js";
export {
  type ApiGatewayProxyEvent,
  crudPingPayload,
  crudTuningPayload,
  SAMPLE_ITEM_COUNT,
  type SampleItem,
  sampleItems,
  TUNING_READ_IDS,
  type WeightedPayload,
} from "./sample-data.js";
export {
  type AppStack,
  type DeployedOutputs,
  OUTPUTS,
  type OutputOf,
  outputLabel,
  STACKS,
  stackOutput,
} from "./stacks.js";
export {
  CRUD_TUNING_NUM,
  CRUD_TUNING_SLEEP_MS,
  type CrudTuningInput,
  crudTuningInput,
  type TuningDecisionSettings,
} from "./tuning-input.js";
