import { describe, expect, it } from "vitest";
import { createEventBus, type EventRule } from "../../../../local/events/bus.js";
import type { BusEvent } from "../../../../local/events/event.js";
import type { RuleTarget } from "../../../../local/events/targets.js";

const event = (status: string): BusEvent => ({
  version: "0",
  id: "e",
  "detail-type": "Step Functions Execution Status Change",
  source: "aws.states",
  account: "000000000000",
  time: "2025-01-01T00:00:00Z",
  region: "us-east-1",
  resources: [],
  detail: { name: "run-1", status },
});

const cleanupRule = (enabled: boolean): EventRule => ({
  name: "StoppedRunCleanup",
  eventPattern: { source: ["aws.states"], detail: { status: ["ABORTED", "TIMED_OUT"] } },
  enabled,
  targets: [
    {
      arn: "arn:aws:lambda:us-east-1:000000000000:function:optimizer",
      inputTransformer: { inputPathsMap: { name: "$.detail.name" }, inputTemplate: '{"runId":<name>}' },
    },
  ],
});

/** A rule sending every Step Functions event to one target, `t`. */
const ANY_STATES_EVENT: EventRule = {
  name: "R",
  eventPattern: { source: ["aws.states"] },
  enabled: true,
  targets: [{ arn: "t" }],
};

/** A bus whose deliveries are recorded; an input naming "fail" fails, one naming "flaky" fails the first time. */
function recordingBus() {
  const delivered: { target: RuleTarget; input: string }[] = [];
  const log: string[] = [];
  const bus = createEventBus(
    async (target, input) => {
      delivered.push({ target, input });
      if (input.includes("fail")) throw new Error("the function failed");
      if (input.includes("flaky") && delivered.length === 1) throw new Error("init timed out");
      return "invoked";
    },
    (line) => log.push(line),
    [10, 20],
  );
  return { bus, delivered, log };
}

describe("the local events bus", () => {
  it("sends a matching event to the rule's targets, through their input transformer", async () => {
    const { bus, delivered, log } = recordingBus();
    bus.register(cleanupRule(true));
    bus.put(event("ABORTED"));
    bus.put(event("SUCCEEDED"));
    await bus.drain(1_000);
    expect(delivered.map((d) => d.input)).toEqual(['{"runId":"run-1"}']);
    expect(log).toEqual(["rule StoppedRunCleanup: invoked"]);
  });

  it("sends nothing for a disabled rule, and the event itself to a target without an input", async () => {
    const { bus, delivered } = recordingBus();
    bus.register(cleanupRule(false));
    bus.register({
      name: "All",
      eventPattern: { source: ["aws.states"] },
      enabled: true,
      targets: [{ arn: "t" }],
    });
    bus.put(event("TIMED_OUT"));
    await bus.drain(1_000);
    expect(delivered.map((d) => d.target.arn)).toEqual(["t"]);
    expect(JSON.parse(delivered[0]?.input ?? "")).toEqual(event("TIMED_OUT"));
  });

  it("logs a target's failure after three attempts instead of throwing it at the service that put the event (failures injected)", async () => {
    const { bus, delivered, log } = recordingBus();
    bus.register(ANY_STATES_EVENT);
    expect(() => bus.put({ ...event("ABORTED"), detail: { name: "fail" } })).not.toThrow();
    await bus.drain(1_000);
    expect(delivered).toHaveLength(3);
    expect(log).toEqual([
      "rule R: target t failed (attempt 1 of 3), retrying in 10 ms: the function failed",
      "rule R: target t failed (attempt 2 of 3), retrying in 20 ms: the function failed",
      "rule R: target t failed after 3 attempts: the function failed",
    ]);
  });

  it("retries a delivery that failed once, as Lambda retries an asynchronous invocation (the failure injected)", async () => {
    const { bus, delivered, log } = recordingBus();
    bus.register(ANY_STATES_EVENT);
    bus.put({ ...event("ABORTED"), detail: { name: "flaky" } });
    await bus.drain(1_000);
    expect(delivered).toHaveLength(2);
    expect(log).toEqual([
      "rule R: target t failed (attempt 1 of 3), retrying in 10 ms: init timed out",
      "rule R: invoked",
    ]);
  });

  it("refuses a rule whose pattern it cannot match", () => {
    const { bus } = recordingBus();
    expect(() =>
      bus.register({ ...cleanupRule(true), eventPattern: { detail: { n: [{ numeric: [">", 1] }] } } }),
    ).toThrow(/rule StoppedRunCleanup: EventPattern\.detail\.n\[0\]/);
    expect(bus.rules()).toEqual([]);
  });
});
