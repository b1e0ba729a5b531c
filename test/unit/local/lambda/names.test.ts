import { describe, expect, it } from "vitest";
import { InvalidParameterValueError, ResourceNotFoundError } from "../../../../local/lambda/errors.js";
import {
  assertAliasName,
  assertNewFunctionName,
  functionArn,
  parseFunctionName,
} from "../../../../local/lambda/names.js";

const here = { region: "us-east-1", accountId: "000000000000" };

describe("function names and ARNs", () => {
  it("reads a plain name, a partial ARN and a full ARN, each with or without a qualifier", () => {
    expect(parseFunctionName(here, "crud")).toEqual({ name: "crud", qualifier: undefined });
    expect(parseFunctionName(here, "crud:live")).toEqual({ name: "crud", qualifier: "live" });
    expect(parseFunctionName(here, "000000000000:function:crud:7")).toEqual({ name: "crud", qualifier: "7" });
    expect(parseFunctionName(here, "arn:aws:lambda:us-east-1:000000000000:function:crud:$LATEST")).toEqual({
      name: "crud",
      qualifier: "$LATEST",
    });
    expect(parseFunctionName(here, "crud", "3")).toEqual({ name: "crud", qualifier: "3" });
  });

  it("refuses a qualifier in the name that the Qualifier parameter contradicts", () => {
    expect(() => parseFunctionName(here, "crud:1", "2")).toThrow(InvalidParameterValueError);
    expect(parseFunctionName(here, "crud:1", "1").qualifier).toBe("1");
  });

  it("finds no function in another region or account", () => {
    expect(() => parseFunctionName(here, "arn:aws:lambda:eu-west-1:000000000000:function:crud")).toThrow(
      ResourceNotFoundError,
    );
    expect(() => parseFunctionName(here, "111111111111:function:crud")).toThrow(
      /region us-east-1, account 000000000000/,
    );
  });

  it("refuses what is neither a name nor an ARN", () => {
    expect(() => parseFunctionName(here, "no spaces")).toThrow(/is not a function name or ARN/);
  });

  it("builds ARNs, treating an empty qualifier as none", () => {
    expect(functionArn(here, "crud")).toBe("arn:aws:lambda:us-east-1:000000000000:function:crud");
    expect(functionArn(here, "crud", "")).toBe("arn:aws:lambda:us-east-1:000000000000:function:crud");
    expect(functionArn(here, "crud", "live")).toBe(
      "arn:aws:lambda:us-east-1:000000000000:function:crud:live",
    );
  });

  it("keeps CreateFunction's and CreateAlias's naming rules", () => {
    expect(assertNewFunctionName("crud-2_x")).toBe("crud-2_x");
    expect(() => assertNewFunctionName(undefined)).toThrow("FunctionName (missing) is invalid");
    expect(() => assertNewFunctionName("x".repeat(65))).toThrow(InvalidParameterValueError);
    expect(assertAliasName("live")).toBe("live");
    expect(() => assertAliasName("42")).toThrow(/not only digits/);
    expect(() => assertAliasName("")).toThrow("Alias name (missing) is invalid");
  });
});
