// Local Step Functions on the JSON protocol @aws-sdk/client-sfn speaks
// (`X-Amz-Target: AWSStepFunctions.<Operation>`, `application/x-amz-json-1.0`).
import type { IncomingMessage, ServerResponse } from "node:http";
import { LambdaClient } from "@aws-sdk/client-lambda";
import type { BusEvent } from "../events/event.js";
import { internalFailure, LocalServiceError } from "../shared/errors.js";
import { AMZ_JSON_1_0, parseJsonObject, readBody, sendAwsJsonError, sendJson } from "../shared/http.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../shared/identity.js";
import type { LocalService } from "../shared/types.js";
import type { HistoryEvent } from "./history.js";
import { type ExecutionRecord, type StateMachineRecord, StepFunctionsState } from "./service.js";

export const STEP_FUNCTIONS_TARGET_PREFIX = "AWSStepFunctions.";

export interface StepFunctionsServiceOptions {
  /** Finished executions are written to `<dataDir>/executions/<name>.json`. */
  dataDir?: string;
  /**
   * Where Lambda tasks are invoked, e.g. the edge's URL. Omitted = the SDK's standard configuration
   * (AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL, region and credential chain).
   */
  lambdaEndpoint?: string;
  /** @default "us-east-1" */
  region?: string;
  /** Receives each execution's "Step Functions Execution Status Change" events (the local events bus). */
  onStatusChange?: (event: BusEvent) => void;
}

export interface StepFunctionsService extends LocalService {
  readonly state: StepFunctionsState;
}

/** JSON protocol timestamps are epoch seconds. */
function seconds(date: Date | undefined): number | undefined {
  return date === undefined ? undefined : date.getTime() / 1000;
}

function describeMachine(m: StateMachineRecord): object {
  return {
    stateMachineArn: m.arn,
    name: m.name,
    status: "ACTIVE",
    definition: m.definition,
    roleArn: m.roleArn,
    type: m.type,
    creationDate: seconds(m.creationDate),
  };
}

function executionSummary(e: ExecutionRecord): object {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: seconds(e.startDate),
    ...(e.stopDate ? { stopDate: seconds(e.stopDate) } : {}),
  };
}

function historyEvent(event: HistoryEvent): object {
  const { mapIterationIndex: _index, ...rest } = event;
  return { ...rest, timestamp: seconds(event.timestamp) };
}

export function createStepFunctionsService(options: StepFunctionsServiceOptions = {}): StepFunctionsService {
  const lambdaClient = new LambdaClient({
    region: options.region ?? process.env.AWS_REGION ?? LOCAL_REGION,
    ...(options.lambdaEndpoint !== undefined
      ? { endpoint: options.lambdaEndpoint, credentials: LOCAL_CREDENTIALS }
      : {}),
    // A tune's Map runs many invocations at once; retries would hide the throttling a test wants to see.
    maxAttempts: 1,
  });
  const state = new StepFunctionsState({
    lambdaClient,
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.onStatusChange !== undefined ? { onStatusChange: options.onStatusChange } : {}),
  });

  const operations: Record<string, (input: Record<string, unknown>) => object> = {
    CreateStateMachine(input) {
      const m = state.createStateMachine(input);
      return { stateMachineArn: m.arn, creationDate: seconds(m.creationDate) };
    },
    UpdateStateMachine(input) {
      const m = state.updateStateMachine(input);
      return { updateDate: seconds(m.updateDate) };
    },
    DescribeStateMachine: (input) => describeMachine(state.machine(input.stateMachineArn)),
    ListStateMachines: () => ({
      stateMachines: state.listStateMachines().map((m) => ({
        stateMachineArn: m.arn,
        name: m.name,
        type: m.type,
        creationDate: seconds(m.creationDate),
      })),
    }),
    DeleteStateMachine(input) {
      state.deleteStateMachine(input.stateMachineArn);
      return {};
    },
    StartExecution(input) {
      const e = state.startExecution(input);
      return { executionArn: e.executionArn, startDate: seconds(e.startDate) };
    },
    DescribeExecution(input) {
      const e = state.execution(input.executionArn);
      return {
        ...executionSummary(e),
        input: e.input,
        inputDetails: { included: true },
        ...(e.output !== undefined ? { output: e.output, outputDetails: { included: true } } : {}),
        ...(e.error !== undefined ? { error: e.error } : {}),
        ...(e.cause !== undefined ? { cause: e.cause } : {}),
      };
    },
    StopExecution(input) {
      const e = state.stopExecution(input.executionArn, input.error, input.cause);
      return { stopDate: seconds(e.stopDate) };
    },
    ListExecutions(input) {
      return paginate(
        state.listExecutions(input.stateMachineArn, input.statusFilter).map(executionSummary),
        input,
        "executions",
      );
    },
    GetExecutionHistory(input) {
      const e = state.execution(input.executionArn);
      const events = e.events.map(historyEvent);
      if (input.reverseOrder === true) events.reverse();
      return paginate(events, input, "events");
    },
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = String(req.headers["x-amz-target"] ?? "");
    const body = await readBody(req);
    const operation = target.startsWith(STEP_FUNCTIONS_TARGET_PREFIX)
      ? operations[target.slice(STEP_FUNCTIONS_TARGET_PREFIX.length)]
      : undefined;
    if (operation === undefined) {
      throw new LocalServiceError(
        "UnknownOperationException",
        `${target || "(no X-Amz-Target)"} is not emulated; supported: ${Object.keys(operations).join(", ")}`,
      );
    }
    sendJson(res, 200, operation(parseJsonObject(body)), {}, AMZ_JSON_1_0);
  }

  return {
    state,
    handle(req, res) {
      serve(req, res).catch((error: unknown) => {
        const known = internalFailure(error);
        sendAwsJsonError(res, known.statusCode, known.code, known.message);
      });
    },
    async close() {
      await state.close();
      lambdaClient.destroy();
    },
  };
}

/** Step Functions pagination: maxResults (default 100, 1000 max) with an opaque nextToken. */
function paginate(items: object[], input: Record<string, unknown>, key: string): object {
  const max =
    typeof input.maxResults === "number" && input.maxResults > 0 ? Math.min(input.maxResults, 1000) : 100;
  const start =
    typeof input.nextToken === "string" ? Number(Buffer.from(input.nextToken, "base64url").toString()) : 0;
  if (!Number.isInteger(start) || start < 0) {
    throw new LocalServiceError(
      "InvalidToken",
      "nextToken is not one this service returned: omit it to start over",
    );
  }
  const page = items.slice(start, start + max);
  const next =
    start + max < items.length ? Buffer.from(String(start + max)).toString("base64url") : undefined;
  return { [key]: page, ...(next !== undefined ? { nextToken: next } : {}) };
}
