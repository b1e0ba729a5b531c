// payloadS3 in the pure core: the URL's rules and messages, the input schema's handling of it, and how an object's
// text becomes what each invocation is sent (the same conversion as the input's payload).
import { describe, expect, it } from "vitest";
import {
  encodePayload,
  InvalidTuningInputError,
  MAX_PAYLOAD_OBJECT_BYTES,
  type PayloadS3Task,
  parseS3Url,
  payloadFromObjectText,
  payloadObjectSizeProblem,
  payloadOfObject,
  spreadPayloads,
  validateTuningInput,
} from "../../../../../functions/tuner/core/index.js";

const ARN = "arn:aws:lambda:us-east-1:123456789012:function:crud";
const DEFAULTS = [128, 256];
const problem = (url: string) => {
  const parsed = parseS3Url(url);
  return "problem" in parsed ? parsed.problem : undefined;
};

/** The problems validateTuningInput reports for `input`, as "field: problem". */
function refusal(input: Record<string, unknown>): string[] {
  try {
    validateTuningInput(input, DEFAULTS);
  } catch (error) {
    if (error instanceof InvalidTuningInputError)
      return error.problems.map((p) => `${p.field}: ${p.problem}`);
    throw error;
  }
  return [];
}

describe("parseS3Url", () => {
  it("reads the bucket and the key, the key percent-decoded as the reference tool does", () => {
    expect(parseS3Url("s3://my-payloads/tuning/event.json")).toEqual({
      location: { bucket: "my-payloads", key: "tuning/event.json" },
    });
    expect(parseS3Url("s3://my.payloads/a%20b/c%2Fd.json")).toEqual({
      location: { bucket: "my.payloads", key: "a b/c/d.json" },
    });
  });

  it("says how to write the URL when it is not s3://, has no bucket or no key", () => {
    expect(problem("https://my-payloads.s3.amazonaws.com/event.json")).toBe(
      'payloadS3 "https://my-payloads.s3.amazonaws.com/event.json" must be an S3 URL, s3://BUCKET/KEY (e.g. s3://my-payloads/tuning/event.json)',
    );
    expect(problem("my-payloads/event.json")).toMatch(/must be an S3 URL, s3:\/\/BUCKET\/KEY/);
    expect(problem("s3:///event.json")).toMatch(/names no bucket: write s3:\/\/BUCKET\/KEY/);
    expect(problem("s3://my-payloads")).toBe(
      'payloadS3 "s3://my-payloads" names no object: add its key after the bucket, s3://my-payloads/KEY',
    );
    expect(problem("s3://my-payloads/")).toMatch(/names no object/);
  });

  it("refuses a bucket S3 could not have, and a key S3 could not hold or that does not decode", () => {
    expect(problem("s3://My_Payloads/event.json")).toMatch(
      /the bucket "My_Payloads" is not an S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens/,
    );
    expect(problem("s3://ab/event.json")).toMatch(/is not an S3 bucket name/);
    expect(problem("s3://10.0.0.1/event.json")).toMatch(/is not an S3 bucket name/);
    expect(problem(`s3://my-payloads/${"k".repeat(1025)}`)).toMatch(/longer than S3's 1024 bytes/);
    expect(problem("s3://my-payloads/100%.json")).toMatch(
      /a % that starts no escape; write a % in a key as %25/,
    );
  });
});

describe("payloadS3 in the input", () => {
  it("is kept as given, and wins over payload: the inline payload is neither sent, carried nor checked", () => {
    const input = validateTuningInput(
      {
        lambdaARN: ARN,
        num: 5,
        payloadS3: "s3://my-payloads/event.json",
        // A weighted list num 5 could not carry: ignored, as the reference ignores payload here.
        payload: [1, 2, 3, 4, 5, 6].map((n) => ({ payload: n, weight: 1 })),
      },
      DEFAULTS,
    );
    expect(input.payloadS3).toBe("s3://my-payloads/event.json");
    expect(input).not.toHaveProperty("payload");
  });

  it("refuses a malformed URL and a URL that is not a string, naming the field and the fix", () => {
    expect(refusal({ lambdaARN: ARN, num: 5, payloadS3: "s3://my-payloads" })).toEqual([
      'payloadS3: payloadS3 "s3://my-payloads" names no object: add its key after the bucket, s3://my-payloads/KEY',
    ]);
    expect(refusal({ lambdaARN: ARN, num: 5, payloadS3: { bucket: "b" } })).toEqual([
      "payloadS3: payloadS3 must be an S3 URL, s3://BUCKET/KEY",
    ]);
  });

  it("suggests payloadS3 for a misspelt payloadS3", () => {
    expect(refusal({ lambdaARN: ARN, num: 5, payloadsS3: "s3://b-1/k" })).toEqual([
      "payloadsS3: unknown field; did you mean payloadS3?",
    ]);
  });
});

const fixed = (dryRun = false): PayloadS3Task => ({ url: "s3://b-1/k", dryRun, countField: "num" });

describe("payloadOfObject: an object's text, as payload would hold it", () => {
  it("sends JSON as its value, and text that is not JSON as a JSON string", () => {
    expect(payloadOfObject('{"httpMethod":"GET"}', fixed(), 10)).toEqual({ httpMethod: "GET" });
    expect(payloadOfObject("[1,2]", fixed(), 10)).toEqual([1, 2]);
    expect(payloadOfObject("just some text", fixed(), 10)).toBe("just some text");
    expect(new TextDecoder().decode(encodePayload(payloadFromObjectText("just some text")))).toBe(
      '"just some text"',
    );
    expect(new TextDecoder().decode(encodePayload(payloadFromObjectText('{"a": 1}')))).toBe('{"a":1}');
  });

  it("spreads a weighted list over the run's sequence as an inline one", () => {
    const list = [
      { payload: { id: "a" }, weight: 3 },
      { payload: { id: "b" }, weight: 1 },
    ];
    const payload = payloadOfObject(JSON.stringify(list), fixed(), 8);
    expect(spreadPayloads(payload, 8)).toEqual(spreadPayloads(list, 8));
    expect(spreadPayloads(payload, 8).filter((p) => (p as { id: string }).id === "a")).toHaveLength(6);
  });

  it("checks a weighted list as the Initializer checks an inline one, naming payloadS3 and the count field", () => {
    const three = JSON.stringify([1, 2, 3].map((n) => ({ payload: n, weight: 1 })));
    expect(() => payloadOfObject(three, fixed(), 2)).toThrow(
      "payloadS3: a weighted payload list of 3 items needs num of at least 3",
    );
    const skewed = JSON.stringify([
      { payload: "a", weight: 99 },
      { payload: "b", weight: 1 },
    ]);
    expect(() => payloadOfObject(skewed, { ...fixed(), countField: "maxInvocations" }, 20)).toThrow(
      "payloadS3[1].weight: weight 1 of 100 gives no invocation out of maxInvocations 20; raise the weight or maxInvocations",
    );
    const badWeight = JSON.stringify([
      { payload: "a", weight: 1 },
      { payload: "b", weight: -1 },
    ]);
    expect(() => payloadOfObject(badWeight, fixed(), 10)).toThrow(
      "payloadS3[1].weight: weight must be a positive number",
    );
  });

  it("in a dry run sends a weighted list's first payload", () => {
    const list = JSON.stringify([1, 2, 3].map((n) => ({ payload: { n }, weight: 1 })));
    expect(payloadOfObject(list, fixed(true), 1)).toEqual({ n: 1 });
  });
});

describe("encodePayload: the reference tool's conversion", () => {
  const text = (payload: unknown) => new TextDecoder().decode(encodePayload(payload));
  it("passes a JSON string through, makes any other string a JSON string, and sends {} for none or null", () => {
    expect(text('{"id":1}')).toBe('{"id":1}');
    expect(text('"quoted"')).toBe('"quoted"');
    expect(text("ping")).toBe('"ping"');
    expect(text({ id: 1 })).toBe('{"id":1}');
    expect(text(undefined)).toBe("{}");
    expect(text(null)).toBe("{}");
  });
});

describe("payloadObjectSizeProblem", () => {
  it("takes 6 MiB, what one Invoke carries, and refuses a byte more, saying the sizes", () => {
    expect(MAX_PAYLOAD_OBJECT_BYTES).toBe(6_291_456);
    expect(payloadObjectSizeProblem(6_291_456)).toBeUndefined();
    expect(payloadObjectSizeProblem(6_291_457)).toBe(
      "the object is 6291457 bytes (6.0 MiB), over the 6291456 bytes (6.0 MiB) Lambda accepts in one Invoke: shrink the payload",
    );
  });
});
