import { describe, expect, it } from "vitest";
import {
  NO_VALUE,
  type ResolveContext,
  resolveIntrinsics,
  UnresolvableIntrinsicError,
} from "../../../../local/deployer/intrinsics.js";

const context: ResolveContext = {
  ref: (name) =>
    ({
      "AWS::Region": "us-east-1",
      "AWS::AccountId": "000000000000",
      Table: "items-table",
      "AWS::NoValue": NO_VALUE,
    })[name] ??
    (() => {
      throw new UnresolvableIntrinsicError(`unknown ${name}`);
    })(),
  getAtt: (id, attribute) => `${id}.${attribute}`,
  importValue: (name) => `imported:${name}`,
  condition: (name) => name === "IsProd",
};

describe("resolveIntrinsics", () => {
  it("resolves Ref, Fn::GetAtt (list and dotted string) and Fn::Join", () => {
    expect(resolveIntrinsics({ Ref: "Table" }, context)).toBe("items-table");
    expect(resolveIntrinsics({ "Fn::GetAtt": ["Fn", "Arn"] }, context)).toBe("Fn.Arn");
    expect(resolveIntrinsics({ "Fn::GetAtt": "Fn.Arn" }, context)).toBe("Fn.Arn");
    expect(resolveIntrinsics({ "Fn::Join": ["-", ["a", { Ref: "Table" }, "b"]] }, context)).toBe(
      "a-items-table-b",
    );
  });

  it("substitutes Fn::Sub variables, refs, attributes and keeps ${!Literal} escaped", () => {
    expect(resolveIntrinsics({ "Fn::Sub": "arn:${AWS::Region}:${Table}:${Fn.Arn}:${!Keep}" }, context)).toBe(
      "arn:us-east-1:items-table:Fn.Arn:${Keep}",
    );
    expect(resolveIntrinsics({ "Fn::Sub": ["x-${Name}", { Name: { Ref: "Table" } }] }, context)).toBe(
      "x-items-table",
    );
  });

  it("handles Select, Split, ImportValue, If, conditions and AWS::NoValue", () => {
    expect(resolveIntrinsics({ "Fn::Select": [1, { "Fn::Split": [":", "a:b:c"] }] }, context)).toBe("b");
    expect(resolveIntrinsics({ "Fn::ImportValue": "Export1" }, context)).toBe("imported:Export1");
    expect(resolveIntrinsics({ "Fn::If": ["IsProd", "retain", "destroy"] }, context)).toBe("retain");
    expect(resolveIntrinsics({ "Fn::If": ["IsDev", "retain", "destroy"] }, context)).toBe("destroy");
    expect(resolveIntrinsics({ "Fn::Equals": ["a", "a"] }, context)).toBe(true);
    expect(resolveIntrinsics({ a: 1, b: { Ref: "AWS::NoValue" } }, context)).toEqual({ a: 1 });
    expect(resolveIntrinsics([1, { Ref: "AWS::NoValue" }, 2], context)).toEqual([1, 2]);
  });

  it("leaves plain objects alone and refuses functions it does not know, naming them", () => {
    expect(resolveIntrinsics({ Key: "Value", n: [1, { x: true }] }, context)).toEqual({
      Key: "Value",
      n: [1, { x: true }],
    });
    expect(() => resolveIntrinsics({ "Fn::Transform": {} }, context)).toThrow(
      /Fn::Transform is not supported/,
    );
    expect(() => resolveIntrinsics({ Ref: "Missing" }, context)).toThrow(UnresolvableIntrinsicError);
  });
});
