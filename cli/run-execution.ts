// Starts one execution, follows its history for live progress, and returns its output.
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import {
  applyHistoryEvents,
  emptyProgress,
  type InvocationProgress,
  invocationsPerPower,
  renderProgressLine,
} from "./progress.js";
import { ExecutionFailedError } from "./usage-error.js";

export interface RunExecutionOptions {
  sfn: SFNClient;
  stateMachineArn: string;
  input: Record<string, unknown>;
  /** Power values in Map order, for the progress line (replaced by each round's own list once seen). */
  powers: number[];
  /** Invocations each power gets (num), or at most (maxInvocations with num "auto"), for per-power progress. */
  num?: number;
  /** Finished invocations of the target by qualifier, where the cloud can tell (the local cloud can). */
  countInvocations?: () => Promise<Record<string, number> | undefined>;
  /** Where progress goes (stderr), or undefined for none. */
  progressStream?: NodeJS.WriteStream;
  pollIntervalMs?: number;
}

export interface ExecutionResult {
  executionArn: string;
  output: unknown;
  startedAt: Date;
  finishedAt: Date;
}

/** The initializer's and each analyzer's state carries the next round's Map items; their powers give its order. */
function powersFromEvent(event: HistoryEvent): number[] | undefined {
  const output = event.stateExitedEventDetails?.output;
  if (!output?.includes('"sampling"')) return undefined;
  try {
    const parsed = JSON.parse(output) as { sampling?: { tasks?: { power: number }[] } };
    const powers = parsed.sampling?.tasks?.map((task) => task.power);
    // After the last round there is no next one: the line keeps showing how that round ended.
    return powers && powers.length > 0 ? powers : undefined;
  } catch {
    return undefined;
  }
}

export async function runExecution(options: RunExecutionOptions): Promise<ExecutionResult> {
  const { sfn, progressStream } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const started = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: options.stateMachineArn,
      input: JSON.stringify(options.input),
    }),
  );
  const executionArn = started.executionArn;
  if (!executionArn) throw new ExecutionFailedError("StartExecution returned no executionArn");
  const startedAt = started.startDate ?? new Date();
  const progress = emptyProgress();
  let powers = options.powers;
  let lastSeenEventId = 0;
  let lastLine = "";
  const baseline = (await options.countInvocations?.()) ?? {};
  const interactive = progressStream?.isTTY === true;
  progressStream?.write(`execution ${executionArn}\n`);

  while (progress.finished === undefined) {
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    // The history API has no "since" filter: read every page and fold in only the events not yet seen.
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }),
      );
      const fresh = (page.events ?? []).filter((event) => (event.id ?? 0) > lastSeenEventId);
      applyHistoryEvents(progress, fresh);
      for (const event of fresh) {
        powers = powersFromEvent(event) ?? powers;
        lastSeenEventId = Math.max(lastSeenEventId, event.id ?? 0);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    let invocations: InvocationProgress | undefined;
    const counts = options.num !== undefined ? await options.countInvocations?.() : undefined;
    if (counts && options.num !== undefined) {
      invocations = { done: invocationsPerPower(counts, baseline), num: options.num };
    }
    const line = renderProgressLine(progress, powers, Date.now() - startedAt.getTime(), invocations);
    // A terminal gets one line rewritten in place; a log gets a new line only when something but the clock moved.
    const news = line.replace(/^ *[\d.]+ s/, "");
    if (interactive) progressStream?.write(`\r\x1b[2K${line}`);
    else if (news !== lastLine) progressStream?.write(`${line}\n`);
    lastLine = news;
  }
  if (interactive) progressStream?.write("\n");

  const description = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  const finishedAt = description.stopDate ?? new Date();
  if (progress.finished !== "succeeded") {
    const error = description.error ?? progress.failure?.error ?? progress.finished;
    const cause = description.cause ?? progress.failure?.cause ?? "";
    const reason = readableCause(cause);
    throw new ExecutionFailedError(`execution ${progress.finished}: ${error}${reason ? `\n${reason}` : ""}`, {
      executionArn,
    });
  }
  return { executionArn, output: JSON.parse(description.output ?? "null"), startedAt, finishedAt };
}

/**
 * A failed state's cause as a person reads it: a Lambda error's JSON (`errorType`, `errorMessage`, `trace`)
 * becomes its message alone, without the stack trace; any other cause is kept as it is.
 */
export function readableCause(cause: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cause);
  } catch {
    return cause;
  }
  const message = (parsed as { errorMessage?: unknown } | null)?.errorMessage;
  return typeof message === "string" ? message : cause;
}
