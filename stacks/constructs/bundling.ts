import { type BundlingOptions, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";

/**
 * How every function of the app is bundled: minified ESM by the project's own esbuild (never Docker, so synth
 * works on machines without it), for the oldest Node it runs on (the local cloud's Node 20).
 */
export const esmBundling: BundlingOptions = {
  forceDockerBundling: false,
  minify: true,
  sourceMap: false,
  format: OutputFormat.ESM,
  target: "node20",
  mainFields: ["module", "main"],
  // Some bundled CommonJS dependencies call require() for Node built-ins; ESM has none.
  banner:
    "import{createRequire as __bundleRequire}from'module';const require=__bundleRequire(import.meta.url);",
  // The AWS SDK v3 is provided by Lambda's Node.js runtimes (and by the local Lambda service, which emulates
  // that); bundled, it would weigh about 340 KB minified per function. Everything else is bundled.
  externalModules: ["@aws-sdk/*"],
};
