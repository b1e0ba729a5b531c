// Lambda's Node.js runtimes provide the AWS SDK v3 (`@aws-sdk/*`), so bundles may leave it out, as the crud
// function does. Emulate that: a `node_modules/@aws-sdk` beside the unpacked code points at the SDK this
// project installs, and module resolution from any function folder below finds it.
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The folder holding the installed `@aws-sdk/*` packages (found from a package every install has). */
export function installedSdkScopeDir(): string {
  const require = createRequire(import.meta.url);
  const clientLambda = require.resolve("@aws-sdk/client-lambda/package.json");
  return dirname(dirname(clientLambda));
}

/** Makes `@aws-sdk/*` importable from every function unpacked under `codeRoot`, as on Lambda. */
export function provideRuntimeSdk(codeRoot: string): void {
  const scope = join(codeRoot, "node_modules", "@aws-sdk");
  if (existsSync(scope)) return;
  mkdirSync(dirname(scope), { recursive: true });
  symlinkSync(installedSdkScopeDir(), scope, "dir");
}
