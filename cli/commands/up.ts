import { bootLocalCloudWithApp } from "../../local/cloud.js";
import { parseCommandArgs, parsePort } from "../args.js";
import { expireInterruptedRuns } from "../demo-steps.js";
import { EXIT_OK, UsageError } from "../usage-error.js";

export const upHelp = `usage: powertune up [--port 4566] [--data-dir .powertune] [--no-deploy]

Runs the local cloud in the foreground: DynamoDB, Lambda, Step Functions, CloudWatch and API Gateway on
one loopback port, with the synthesized app deployed. Writes <data-dir>/outputs.json (like
\`cdk deploy --outputs-file\`). Stops on Ctrl-C (SIGINT) or SIGTERM, ending every function process and
removing every cgroup it made. Tables and items, functions (configuration, code, versions, aliases,
concurrency) and finished executions persist in the data directory; docs/local-cloud.md lists what
survives a restart.

Any AWS SDK or the AWS CLI reaches it with AWS_ENDPOINT_URL=http://127.0.0.1:<port> and dummy credentials.

options:
  --port PORT        the edge port (default 4566; 0 picks a free one)
  --data-dir DIR     where data lives (default .powertune)
  --no-deploy        start the services only (deploy later with \`powertune deploy\`)
  -h, --help         this help
`;

export async function runUp(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("up", argv, {
    port: { type: "string" },
    "data-dir": { type: "string" },
    "no-deploy": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(upHelp);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new UsageError(`powertune up: unexpected argument "${positionals[0]}"`);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const dataDir = values["data-dir"] ?? ".powertune";
  const port = parsePort("port", values.port, 4566);
  const { startLocalCloud } = await import("../../local/cloud.js");
  const cloud = values["no-deploy"]
    ? await startLocalCloud({ port, dataDir, log })
    : await bootLocalCloudWithApp({ port, dataDir, log });
  if (!values["no-deploy"]) await expireInterruptedRuns(cloud, log);

  process.stdout.write(`endpoint: ${cloud.endpoint}\n`);
  for (const [stack, outputs] of Object.entries(cloud.outputs)) {
    for (const [name, value] of Object.entries(outputs))
      process.stdout.write(`${stack}.${name} = ${value}\n`);
  }
  process.stdout.write(
    `export AWS_ENDPOINT_URL=${cloud.endpoint} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local\n`,
  );
  process.stdout.write("running; Ctrl-C stops it\n");

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log(`${signal}: stopping the local cloud`);
      resolve();
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  await cloud.close();
  log("stopped");
  return EXIT_OK;
}
