// The synthesized app on an in-process local cloud, as the CLI end-to-end tests boot it: everything it writes
// (its data and the synthesized assembly) under the test's own scratch folder, so the test removes it all.
import { join } from "node:path";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { bootLocalCloudWithApp, type LocalCloud } from "../../local/cloud.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/shared/identity.js";

/** Synthesizes the app into `scratch`/cdk.out and deploys it on a local cloud on a free port, quietly. */
export function bootAppCloudIn(scratch: string, dataDir = join(scratch, "data")): Promise<LocalCloud> {
  return bootLocalCloudWithApp({ port: 0, dataDir, cdkOutDir: join(scratch, "cdk.out"), log: () => {} });
}

/** A Lambda client of the local cloud at `endpoint`, signed with the local cloud's fixed credentials. */
export function localLambdaClient(endpoint: string): LambdaClient {
  return new LambdaClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}
