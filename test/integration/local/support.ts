// A local cloud slice for tests: the edge with the real local Lambda service plus the services under test.
import { join } from "node:path";
import { createEdge, type Edge, type ServiceName } from "../../../local/edge/index.js";
import { createLambdaService, type LocalLambdaService } from "../../../local/lambda/index.js";
import type { LocalService } from "../../../local/shared/types.js";

export const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };
export const REGION = "us-east-1";
export const LOCAL_FIXTURES = join(import.meta.dirname, "fixtures/functions");
export const SHARED_FIXTURES = join(import.meta.dirname, "../../fixtures/functions");

export interface CloudSlice {
  edge: Edge;
  url: string;
  lambda: LocalLambdaService;
  /** Registers a function from a fixture folder; returns its ARN. */
  addFunction(name: string, codeDir: string, memorySize?: number): string;
  close(): Promise<void>;
}

export async function startCloudSlice(
  services: (edgeUrl: string) => Partial<Record<ServiceName, LocalService>> & { apiGateway?: LocalService },
): Promise<CloudSlice> {
  const lambda = createLambdaService({ warn: () => {} });
  const edge = createEdge({ services: { lambda } });
  const { url } = await edge.listen(0);
  const { apiGateway, ...rest } = services(url);
  for (const [name, service] of Object.entries(rest)) edge.mount(name as ServiceName, service);
  if (apiGateway !== undefined) edge.mountApiGateway(apiGateway);
  return {
    edge,
    url,
    lambda,
    addFunction(name, codeDir, memorySize = 1024) {
      const config = lambda.createFunctionFromDirectory({
        FunctionName: name,
        Handler: "index.handler",
        Runtime: "nodejs20.x",
        MemorySize: memorySize,
        Timeout: 10,
        codeDir,
      });
      return config.FunctionArn;
    },
    close: () => edge.close(),
  };
}
