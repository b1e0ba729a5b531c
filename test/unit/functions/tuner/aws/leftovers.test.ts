// deleteLeftovers with a paginating client (mocked client: ListAliases / ListVersionsByFunction pages, which the
// local Lambda service never splits) and the naming rules of what counts as a tuner leftover.
import { describe, expect, it } from "vitest";
import {
  deleteLeftovers,
  isRunMarker,
  type LambdaApi,
  versionMarker,
} from "../../../../../functions/tuner/aws/lambda-ops.js";
import { TUNER_ALIAS_PATTERN } from "../../../../../functions/tuner/core/index.js";

const ARN = "arn:aws:lambda:us-east-1:000000000000:function:target";
const retry = { attempts: 2, baseDelayMs: 1, maxWaitSeconds: 1 };

/** Two pages of each listing; records every delete. */
function pagingClient() {
  const deleted: string[] = [];
  const aliasPages: Record<string, { Aliases: unknown[]; NextMarker?: string }> = {
    first: {
      Aliases: [
        { Name: "RAM128", FunctionVersion: "1" },
        { Name: "live", FunctionVersion: "3" },
      ],
      NextMarker: "a2",
    },
    a2: {
      Aliases: [
        { Name: "RAM256-4", FunctionVersion: "2" },
        { Name: "canary", FunctionVersion: "5", RoutingConfig: { AdditionalVersionWeights: { "4": 0.1 } } },
      ],
    },
  };
  const versionPages: Record<string, { Versions: unknown[]; NextMarker?: string }> = {
    first: {
      Versions: [
        { Version: "$LATEST", Description: versionMarker("now") },
        { Version: "1", Description: versionMarker("run-a") },
        { Version: "2", Description: versionMarker("run-a") },
      ],
      NextMarker: "v2",
    },
    v2: {
      Versions: [
        { Version: "3", Description: versionMarker("run-b") }, // the user moved `live` onto it
        { Version: "4", Description: versionMarker("run-b") }, // `canary` routes 10 % to it
        { Version: "5", Description: "release 5" },
        { Version: "6", Description: versionMarker("run-c") },
      ],
    },
  };
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const marker = (command.input.Marker as string | undefined) ?? "first";
      switch (command.constructor.name) {
        case "ListAliasesCommand":
          return aliasPages[marker];
        case "ListVersionsByFunctionCommand":
          return versionPages[marker];
        case "DeleteAliasCommand":
          deleted.push(`alias ${command.input.Name}`);
          return {};
        case "DeleteFunctionCommand":
          deleted.push(`version ${command.input.Qualifier}`);
          return {};
        default:
          throw new Error(`unexpected command ${command.constructor.name}`);
      }
    },
  };
  return { client: client as unknown as LambdaApi, deleted };
}

describe("deleteLeftovers", () => {
  it("(mocked client: paginated listings) follows every page and deletes only tuner aliases and unreferenced marked versions", async () => {
    const { client, deleted } = pagingClient();
    const result = await deleteLeftovers(client, ARN, retry);
    expect(deleted).toEqual(["alias RAM128", "alias RAM256-4", "version 1", "version 2", "version 6"]);
    expect(result).toEqual({ aliases: 2, versions: 3 });
  });
});

describe("leftover naming", () => {
  it("matches RAM<power> and RAM<power>-<n> only", () => {
    for (const name of ["RAM128", "RAM3008", "RAM512-0", "RAM512-49"])
      expect(TUNER_ALIAS_PATTERN.test(name)).toBe(true);
    for (const name of ["live", "RAM", "RAMx", "ram128", "RAM128-", "RAM128-a", "prodRAM128", "RAM128-1-2"])
      expect(TUNER_ALIAS_PATTERN.test(name)).toBe(false);
  });

  it("recognises a run marker in a version description and nothing else", () => {
    expect(isRunMarker(versionMarker("3f1c"))).toBe(true);
    expect(isRunMarker("powertune: 512 MB (run 3f1c)")).toBe(false); // an applied winner is the user's
    expect(isRunMarker("release 1")).toBe(false);
    expect(isRunMarker(undefined)).toBe(false);
  });
});
