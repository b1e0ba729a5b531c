// JSON as aws-local-stepfunctions takes and gives it (its type is not exported by name).
import type { StateMachine } from "aws-local-stepfunctions";

export type JsonValue = Parameters<StateMachine["run"]>[0];
