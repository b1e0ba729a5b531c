// The steps `npm start` takes on a freshly deployed local cloud, shared with the tune benchmark.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { STACKS, sampleItems, stackOutput } from "../contract/index.js";
import { expireAllLocks } from "../functions/tuner/aws/index.js";
import type { LocalCloud } from "../local/cloud.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../local/shared/identity.js";

/** PUTs the sample items the weekly tuning input reads through the REST API (ids are stable: reruns overwrite). */
export async function seedSampleItems(
  apiUrl: string,
  count: number,
  log: (line: string) => void,
): Promise<void> {
  for (const item of sampleItems(count)) {
    const response = await fetch(new URL(`items/${item.id}`, apiUrl), {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(item),
    });
    if (!response.ok) {
      throw new Error(
        `seeding ${item.id} through ${apiUrl}items failed: ${response.status} ${await response.text()}`,
      );
    }
  }
  log(`seeded ${count} items through ${apiUrl}items`);
}

/** The input of the deployed schedule rule (the tuner stack's weekly tuning of the crud function). */
export function weeklyTuningInput(cloud: LocalCloud): Record<string, unknown> {
  const input = cloud.rules().flatMap((rule) => rule.targets.map((target) => target.input))[0];
  if (!input)
    throw new Error(
      `the deployed app has no schedule rule with a tuning input (${STACKS.tuner}'s weekly rule)`,
    );
  return JSON.parse(input) as Record<string, unknown>;
}

/**
 * A tune interrupted with the previous local cloud (Ctrl-C, kill) left its function locked in the persisted
 * TuningHistory table. A cloud booted just now runs no execution, so every lock there is stale: expire them,
 * and the next run undoes what the interrupted one left instead of refusing for the lock's whole TTL.
 */
export async function expireInterruptedRuns(cloud: LocalCloud, log: (line: string) => void): Promise<void> {
  const table = stackOutput(cloud.outputs, "tuner", "historyTableName");
  if (!table) return;
  const ddb = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: cloud.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
  );
  try {
    for (const functionArn of await expireAllLocks(ddb, table)) {
      log(`${functionArn}: a tuning interrupted earlier left it locked; the next run cleans up after it`);
    }
  } finally {
    ddb.destroy();
  }
}
