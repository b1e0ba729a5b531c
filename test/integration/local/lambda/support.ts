// Shared setup for the local Lambda service tests: a service on a random port, a real SDK client, zips.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CreateFunctionCommand, type CreateFunctionCommandInput, LambdaClient } from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import {
  createLambdaService,
  type LambdaServiceOptions,
  type LocalLambdaService,
} from "../../../../local/lambda/index.js";

export const FIXTURES = join(import.meta.dirname, "../../../fixtures/functions");

export function zipFixture(name: string): Uint8Array {
  const dir = join(FIXTURES, name);
  const files: Record<string, Uint8Array> = {};
  for (const file of readdirSync(dir)) files[file] = readFileSync(join(dir, file));
  return zipSync(files);
}

export interface Harness {
  lambda: LocalLambdaService;
  client: LambdaClient;
  url: string;
  create(name: string, fixture: string, extra?: Partial<CreateFunctionCommandInput>): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(options: LambdaServiceOptions = {}): Promise<Harness> {
  const lambda = createLambdaService({ warn: () => {}, ...options });
  const { url } = await lambda.listen();
  const client = new LambdaClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  return {
    lambda,
    client,
    url,
    async create(name, fixture, extra = {}) {
      await client.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: "nodejs20.x",
          Role: "arn:aws:iam::000000000000:role/test",
          Handler: "index.handler",
          Code: { ZipFile: zipFixture(fixture) },
          ...extra,
        }),
      );
    },
    async close() {
      client.destroy();
      await lambda.close();
    },
  };
}

export function decode(payload: Uint8Array | undefined): unknown {
  return JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString("utf8"));
}

export function tail(logResult: string | undefined): string {
  return Buffer.from(logResult ?? "", "base64").toString("utf8");
}

export const REPORT_PATTERN =
  /^REPORT RequestId: ([0-9a-f-]{36})\tDuration: (\d+\.\d{2}) ms\tBilled Duration: (\d+) ms\tMemory Size: (\d+) MB\tMax Memory Used: (\d+) MB\t(?:Init Duration: (\d+\.\d{2}) ms\t)?/m;

export { bootstrapChildren } from "../../../support/processes.js";
