// The local cloud's own routes beside the AWS APIs on the edge port (paths no AWS API uses).

/** GET: the stack outputs of the last deploy, shaped like `cdk deploy --outputs-file`. */
export const OUTPUTS_PATH = "/_powertune/outputs";
/** POST: synthesize and deploy the app inside the running local cloud's process. */
export const DEPLOY_PATH = "/_powertune/deploy";
/** GET `?function=NAME|ARN`: finished invocations of a function by the qualifier they named, for progress. */
export const INVOCATIONS_PATH = "/_powertune/invocations";

/** Finished invocations of a function on a local cloud, by qualifier; undefined when not available. */
export async function fetchInvocationCounts(
  endpoint: string,
  functionName: string,
): Promise<Record<string, number> | undefined> {
  try {
    const url = new URL(INVOCATIONS_PATH, endpoint);
    url.searchParams.set("function", functionName);
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return response.ok ? ((await response.json()) as Record<string, number>) : undefined;
  } catch {
    return undefined;
  }
}
