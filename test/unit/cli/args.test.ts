import { describe, expect, it } from "vitest";
import { parseCommandArgs } from "../../../cli/args.js";

const options = { input: { type: "string" as const }, json: { type: "boolean" as const } };
const messageOf = (argv: string[]) => {
  try {
    parseCommandArgs("tune", argv, options);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
};

describe("parseCommandArgs errors", () => {
  it("name the option and what is wrong with it, then point at --help", () => {
    expect(messageOf(["--bogus"])).toBe("powertune tune: unknown option --bogus. See: powertune tune --help");
    expect(messageOf(["--input"])).toBe(
      "powertune tune: option --input needs a value. See: powertune tune --help",
    );
    expect(messageOf(["--input", "--json"])).toContain(
      "option --input needs a value, and the next argument looks like an option",
    );
    expect(messageOf(["--json=yes"])).toBe(
      "powertune tune: option --json takes no value. See: powertune tune --help",
    );
  });
});
