import { describe, expect, it } from "vitest";
import { z } from "zod";
import { NO_VALUE, UnresolvableIntrinsicError } from "../../../../local/deployer/intrinsics.js";
import {
  cfnBoolean,
  cfnNumber,
  type PropertySource,
  readProperties,
} from "../../../../local/deployer/template-properties.js";

/** Resolves a Ref to `Known`, AWS::NoValue, and nothing else. */
function source(properties: Record<string, unknown>): PropertySource {
  return {
    where: "S/R (AWS::Test::Thing)",
    properties,
    resolve(value) {
      if (typeof value !== "object" || value === null || !("Ref" in value)) return value;
      if (value.Ref === "Known") return "known-value";
      if (value.Ref === "AWS::NoValue") return NO_VALUE;
      throw new UnresolvableIntrinsicError(`cannot resolve ${JSON.stringify(value)}`);
    },
  };
}

const schema = z.object({
  Name: z.string(),
  Size: cfnNumber.default(1),
  On: cfnBoolean.optional(),
});

describe("readProperties", () => {
  it("resolves the properties the schema names and no other", () => {
    const props = readProperties(source({ Name: { Ref: "Known" }, Other: { Ref: "Unknown" } }), schema);
    expect(props).toEqual({ Name: "known-value", Size: 1 });
  });

  it("treats a property resolved to AWS::NoValue as absent, so its default applies", () => {
    expect(readProperties(source({ Name: "n", Size: { Ref: "AWS::NoValue" } }), schema).Size).toBe(1);
  });

  it("takes CloudFormation's string forms of numbers and booleans", () => {
    expect(readProperties(source({ Name: "n", Size: "12", On: "false" }), schema)).toEqual({
      Name: "n",
      Size: 12,
      On: false,
    });
  });

  it("names the resource and every property of the wrong shape, keeping the schema error as the cause", () => {
    let thrown: unknown;
    try {
      readProperties(source({ Name: 3, Size: "twelve" }), schema);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      name: "ValidationError",
      message: expect.stringMatching(
        /^S\/R \(AWS::Test::Thing\): Name: .*expected string.*; Size: .*expected number/,
      ),
      cause: expect.any(z.ZodError),
    });
  });

  it("reads members of an object property, prefixing their path, and an absent object as an empty one", () => {
    const code = z.object({ S3Key: z.string().optional() });
    expect(readProperties(source({ Code: { S3Key: { Ref: "Known" } } }), code, "Code")).toEqual({
      S3Key: "known-value",
    });
    expect(readProperties(source({}), code, "Code")).toEqual({});
    expect(() => readProperties(source({ Code: { S3Key: 1 } }), code, "Code")).toThrow(/: Code\.S3Key: /);
    expect(() => readProperties(source({ Code: "inline" }), code, "Code")).toThrow(
      'S/R (AWS::Test::Thing): Code must be an object, got "inline"',
    );
  });
});
