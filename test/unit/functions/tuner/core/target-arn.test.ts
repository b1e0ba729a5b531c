import { describe, expect, it } from "vitest";
import { InvalidTuningInputError } from "../../../../../functions/tuner/core/errors.js";
import { validateTuningInput } from "../../../../../functions/tuner/core/input.js";
import { type RunSettings, runSettingDifferences } from "../../../../../functions/tuner/core/served-code.js";
import {
  parseTargetArn,
  roleSessionName,
  targetAccess,
  unqualifiedArn,
} from "../../../../../functions/tuner/core/target-arn.js";

const FN = "arn:aws:lambda:eu-west-1:111122223333:function:orders";
const ROLE = "arn:aws:iam::111122223333:role/powertune-target";

function problemsOf(raw: unknown, targetRoleArns?: string[]) {
  try {
    validateTuningInput(raw, [128, 256], targetRoleArns ? { targetRoleArns } : {});
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTuningInputError);
    return (error as InvalidTuningInputError).problems;
  }
  throw new Error("expected the input to be rejected");
}

describe("parseTargetArn", () => {
  it("reads the function, its region and account, and a version or an alias", () => {
    expect(parseTargetArn(FN)).toEqual({
      functionArn: FN,
      region: "eu-west-1",
      accountId: "111122223333",
      functionName: "orders",
    });
    expect(parseTargetArn(`${FN}:7`)).toMatchObject({
      functionArn: FN,
      qualifier: "7",
      qualifierKind: "version",
    });
    expect(parseTargetArn(`${FN}:live`)).toMatchObject({
      functionArn: FN,
      qualifier: "live",
      qualifierKind: "alias",
    });
    expect(unqualifiedArn(`${FN}:live`)).toBe(FN);
  });

  it("refuses what is not a function ARN, and $LATEST as a qualifier", () => {
    expect(parseTargetArn("orders")).toBeUndefined();
    expect(parseTargetArn(`${FN}:$LATEST`)).toBeUndefined();
    expect(parseTargetArn("arn:aws:lambda:eu-west-1:111122223333:layer:x:1")).toBeUndefined();
  });
});

describe("roleSessionName and targetAccess", () => {
  it("names the run, in STS's alphabet, within 64 characters keeping the run's end", () => {
    expect(roleSessionName("run-42")).toBe("powertune-run-42");
    const long = `${"a".repeat(70)}-end`;
    const name = roleSessionName(long);
    expect(name).toHaveLength(64);
    expect(name.endsWith("-end")).toBe(true);
    expect(roleSessionName("a b/c")).toBe("powertune-a-b-c");
  });

  it("follows the ARN's region and carries the role only when there is one", () => {
    expect(targetAccess(FN, "r1", ROLE)).toEqual({
      region: "eu-west-1",
      roleArn: ROLE,
      sessionName: "powertune-r1",
    });
    expect(targetAccess(FN, "r1", undefined)).toEqual({ region: "eu-west-1", sessionName: "powertune-r1" });
  });
});

describe("validateTuningInput: versions, aliases and roles", () => {
  it("accepts a version or an alias, and a role the tuner may assume", () => {
    expect(validateTuningInput({ lambdaARN: `${FN}:7`, num: 5 }, [128]).lambdaARN).toBe(`${FN}:7`);
    const input = validateTuningInput(
      { lambdaARN: `${FN}:live`, num: 5, autoOptimize: true, targetRoleArn: ROLE },
      [128],
      { targetRoleArns: [ROLE] },
    );
    expect(input).toMatchObject({ autoOptimize: true, targetRoleArn: ROLE });
    // On a version, the winner goes behind the alias the input names.
    expect(
      validateTuningInput(
        { lambdaARN: `${FN}:7`, num: 5, autoOptimize: true, autoOptimizeAlias: "live" },
        [128],
      ).autoOptimizeAlias,
    ).toBe("live");
  });

  it("refuses autoOptimize and a manual approval on a version without an alias to apply to", () => {
    const [auto] = problemsOf({ lambdaARN: `${FN}:7`, num: 5, autoOptimize: true });
    expect(auto).toMatchObject({ field: "autoOptimize" });
    expect(auto?.problem).toContain("a version never changes. Give autoOptimizeAlias");
    expect(problemsOf({ lambdaARN: `${FN}:7`, num: 5, approval: "manual" })[0]?.field).toBe("approval");
  });

  it("refuses an autoOptimizeAlias other than the target alias", () => {
    const [problem] = problemsOf({
      lambdaARN: `${FN}:live`,
      num: 5,
      autoOptimize: true,
      autoOptimizeAlias: "beta",
    });
    expect(problem).toMatchObject({ field: "autoOptimizeAlias" });
    expect(problem?.problem).toContain("the target is alias live");
  });

  it("refuses a targetRoleArn the stack does not list, naming the prop to add it to", () => {
    const [problem] = problemsOf({ lambdaARN: FN, num: 5, targetRoleArn: ROLE }, []);
    expect(problem?.field).toBe("targetRoleArn");
    expect(problem?.problem).toBe(
      `${ROLE} is not a role this tuner may assume (it may assume none): add it to PowerTunerStack's targetRoleArns prop and deploy, or leave targetRoleArn out to tune a function of the tuner's own account`,
    );
    const other = "arn:aws:iam::111122223333:role/other";
    expect(problemsOf({ lambdaARN: FN, num: 5, targetRoleArn: ROLE }, [other])[0]?.problem).toContain(
      `it may assume ${other}`,
    );
  });
});

describe("runSettingDifferences", () => {
  const settings: RunSettings = {
    codeSha256: "abc",
    handler: "index.handler",
    runtime: "nodejs22.x",
    architectures: ["arm64"],
    layers: [],
    environment: { A: "1", B: "2" },
    timeoutSeconds: 30,
    ephemeralStorageMb: 512,
  };

  it("finds none when only the order of the environment differs", () => {
    expect(runSettingDifferences(settings, { ...settings, environment: { B: "2", A: "1" } })).toEqual([]);
  });

  it("names each setting that differs", () => {
    expect(
      runSettingDifferences(settings, {
        ...settings,
        codeSha256: "def",
        environment: { A: "1" },
        timeoutSeconds: 3,
      }),
    ).toEqual(["code (CodeSha256)", "environment variables", "timeout"]);
  });
});
