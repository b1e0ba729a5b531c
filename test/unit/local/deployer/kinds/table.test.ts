import { describe, expect, it } from "vitest";
import { planStack } from "./support.js";

const keys = {
  KeySchema: [
    { AttributeName: "pk", KeyType: "HASH" },
    { AttributeName: "sk", KeyType: "RANGE" },
  ],
  AttributeDefinitions: [
    { AttributeName: "pk", AttributeType: "S" },
    { AttributeName: "sk", AttributeType: "N" },
  ],
};

describe("table planning", () => {
  it("plans keys and global secondary indexes in CreateTable's shape", () => {
    const plan = planStack({
      Items: {
        Type: "AWS::DynamoDB::Table",
        Properties: {
          ...keys,
          GlobalSecondaryIndexes: [
            {
              IndexName: "bySk",
              KeySchema: [{ AttributeName: "sk", KeyType: "HASH" }],
              Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["name"] },
              ContributorInsightsSpecification: { Enabled: true },
            },
          ],
        },
      },
    });
    expect(plan.tables).toEqual([
      {
        stack: "S",
        logicalId: "Items",
        tableName: "S-Items",
        keySchema: keys.KeySchema,
        attributeDefinitions: keys.AttributeDefinitions,
        globalSecondaryIndexes: [
          {
            IndexName: "bySk",
            KeySchema: [{ AttributeName: "sk", KeyType: "HASH" }],
            Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["name"] },
          },
        ],
      },
    ]);
  });

  it("plans time to live only when the template enables it", () => {
    const ttl = (Enabled: unknown) =>
      planStack({
        T: {
          Type: "AWS::DynamoDB::Table",
          Properties: { ...keys, TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled } },
        },
      }).tables[0]?.timeToLiveAttribute;
    expect(ttl(true)).toBe("expiresAt");
    expect(ttl("true")).toBe("expiresAt");
    expect(ttl(false)).toBeUndefined();
    expect(ttl("false")).toBeUndefined();
  });

  it("names the table and the property when a key type is not one DynamoDB knows", () => {
    const plan = () =>
      planStack({
        Items: {
          Type: "AWS::DynamoDB::Table",
          Properties: { ...keys, KeySchema: [{ AttributeName: "pk", KeyType: "PRIMARY" }] },
        },
      });
    expect(plan).toThrow(/^S\/Items \(AWS::DynamoDB::Table\): KeySchema\[0\]\.KeyType: .*"HASH"\|"RANGE"/);
    expect(plan).toThrow(expect.objectContaining({ name: "ValidationError" }));
  });

  it("refuses a table without a key schema instead of creating a broken one", () => {
    expect(() =>
      planStack({ T: { Type: "AWS::DynamoDB::Table", Properties: { AttributeDefinitions: [] } } }),
    ).toThrow(/S\/T \(AWS::DynamoDB::Table\): KeySchema: /);
  });
});
