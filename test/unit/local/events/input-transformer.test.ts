import { describe, expect, it } from "vitest";
import { transformInput, valueAtPath } from "../../../../local/events/input-transformer.js";

const event = {
  resources: ["arn:exec:1"],
  detail: { name: 'run "one"', status: "ABORTED", startDate: 1700000000000, input: '{"num":5}' },
};

describe("input transformers", () => {
  it("reads dot names and indexes from the event", () => {
    expect(valueAtPath(event, "$.detail.status")).toBe("ABORTED");
    expect(valueAtPath(event, "$.resources[0]")).toBe("arn:exec:1");
    expect(valueAtPath(event, "$")).toBe(event);
    expect(valueAtPath(event, "$.detail.missing.deeper")).toBeUndefined();
  });

  it("puts a value's JSON where the placeholder is outside quotes (what CDK's RuleTargetInput.fromObject writes)", () => {
    const input = transformInput(
      {
        inputPathsMap: { name: "$.detail.name", started: "$.detail.startDate", input: "$.detail.input" },
        inputTemplate: '{"mode":"cleanup","runId":<name>,"started":<started>,"input":<input>}',
      },
      event,
    );
    expect(JSON.parse(input)).toEqual({
      mode: "cleanup",
      runId: 'run "one"',
      started: 1700000000000,
      input: '{"num":5}',
    });
  });

  it("puts a value's text inside a JSON string, escaped so the result stays JSON", () => {
    const input = transformInput(
      {
        inputPathsMap: { name: "$.detail.name", status: "$.detail.status" },
        inputTemplate: '{"message":"<name> is <status>, not \\"<status>d\\""}',
      },
      event,
    );
    expect(JSON.parse(input)).toEqual({ message: 'run "one" is ABORTED, not "ABORTEDd"' });
  });

  it("gives null for a path the event lacks, and leaves other angle brackets alone", () => {
    expect(
      transformInput(
        { inputPathsMap: { gone: "$.detail.output" }, inputTemplate: '{"out":<gone>,"text":"<b>"}' },
        event,
      ),
    ).toBe('{"out":null,"text":"<b>"}');
  });
});
