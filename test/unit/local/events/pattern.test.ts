import { describe, expect, it } from "vitest";
import {
  checkEventPattern,
  matchesEventPattern,
  UnsupportedEventPatternError,
} from "../../../../local/events/pattern.js";

const stopped = {
  source: "aws.states",
  "detail-type": "Step Functions Execution Status Change",
  resources: ["arn:exec:1"],
  detail: { stateMachineArn: "arn:sm:Tuning", status: "ABORTED", error: null },
};
const rule = {
  source: ["aws.states"],
  "detail-type": ["Step Functions Execution Status Change"],
  detail: { stateMachineArn: ["arn:sm:Tuning"], status: ["ABORTED", "TIMED_OUT"] },
};

describe("event patterns", () => {
  it("matches when every field of the pattern has one of its values, nested objects included", () => {
    expect(matchesEventPattern(rule, stopped)).toBe(true);
    expect(
      matchesEventPattern(rule, { ...stopped, detail: { ...stopped.detail, status: "TIMED_OUT" } }),
    ).toBe(true);
  });

  it("does not match another status, another state machine, or an event without the field", () => {
    expect(
      matchesEventPattern(rule, { ...stopped, detail: { ...stopped.detail, status: "SUCCEEDED" } }),
    ).toBe(false);
    expect(
      matchesEventPattern(rule, { ...stopped, detail: { ...stopped.detail, stateMachineArn: "x" } }),
    ).toBe(false);
    expect(matchesEventPattern(rule, { source: "aws.states" })).toBe(false);
    expect(matchesEventPattern({ detail: { error: [null] } }, stopped)).toBe(true);
    expect(matchesEventPattern({ detail: { cause: [null] } }, stopped)).toBe(false);
  });

  it("matches a list in the event when any of its elements matches", () => {
    expect(matchesEventPattern({ resources: ["arn:exec:1"] }, stopped)).toBe(true);
    expect(matchesEventPattern({ resources: ["arn:exec:2"] }, stopped)).toBe(false);
  });

  it("knows prefix, anything-but and exists", () => {
    expect(matchesEventPattern({ source: [{ prefix: "aws." }] }, stopped)).toBe(true);
    expect(matchesEventPattern({ detail: { status: [{ "anything-but": ["RUNNING"] }] } }, stopped)).toBe(
      true,
    );
    expect(matchesEventPattern({ detail: { status: [{ "anything-but": "ABORTED" }] } }, stopped)).toBe(false);
    expect(matchesEventPattern({ detail: { output: [{ exists: false }] } }, stopped)).toBe(true);
    expect(matchesEventPattern({ detail: { status: [{ exists: true }] } }, stopped)).toBe(true);
  });

  it("refuses, naming where, a filter it does not match like EventBridge", () => {
    expect(() => checkEventPattern(rule)).not.toThrow();
    expect(() => checkEventPattern({ detail: { n: [{ numeric: [">", 1] }] } })).toThrow(
      UnsupportedEventPatternError,
    );
    expect(() => checkEventPattern({ detail: { n: [{ numeric: [">", 1] }] } })).toThrow(
      /pattern\.detail\.n\[0\]/,
    );
    expect(() => checkEventPattern({ source: "aws.states" })).toThrow(
      /must be a list of values or an object/,
    );
  });
});
