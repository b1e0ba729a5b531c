import { describe, expect, it } from "vitest";
import { readableCause } from "../../../cli/run-execution.js";

describe("readableCause", () => {
  it("keeps a Lambda error's message and drops its stack trace", () => {
    const cause = JSON.stringify({
      errorType: "ResourceNotFoundException",
      errorMessage: "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope",
      trace: [
        "ResourceNotFoundException: Function not found",
        "    at handleError (/var/task/index.mjs:1:2)",
      ],
    });
    expect(readableCause(cause)).toBe(
      "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope",
    );
  });

  it("keeps any other cause as it is", () => {
    expect(readableCause("States.Timeout after 900 s")).toBe("States.Timeout after 900 s");
    expect(readableCause('{"other":"json"}')).toBe('{"other":"json"}');
    expect(readableCause("")).toBe("");
  });
});
