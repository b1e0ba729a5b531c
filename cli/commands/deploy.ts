import { DEPLOY_PATH } from "../../local/admin.js";
import { parseCommandArgs } from "../args.js";
import { DEFAULT_LOCAL_ENDPOINT } from "../cloud-target.js";
import { EXIT_OK, UsageError } from "../usage-error.js";

export const deployHelp = `usage: powertune deploy [--endpoint URL]

Synthesizes the CDK app (stacks/app.ts) and deploys it to a running local cloud (\`powertune up\`):
tables are created once and keep their data, functions get the new code (their configuration changes only
where the template changed it), the state machine, API routes and schedule rules are replaced.
To deploy to AWS, use \`npx cdk deploy\`.

options:
  --endpoint URL     the running local cloud (default ${DEFAULT_LOCAL_ENDPOINT})
  -h, --help         this help
`;

export async function runDeploy(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("deploy", argv, {
    endpoint: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(deployHelp);
    return EXIT_OK;
  }
  if (positionals.length > 0)
    throw new UsageError(`powertune deploy: unexpected argument "${positionals[0]}"`);
  const endpoint = values.endpoint ?? DEFAULT_LOCAL_ENDPOINT;
  let response: Response;
  try {
    response = await fetch(new URL(DEPLOY_PATH, endpoint), { method: "POST" });
  } catch {
    throw new UsageError(
      `powertune deploy: no local cloud answers at ${endpoint}; start one with \`powertune up\``,
    );
  }
  const body = (await response.json()) as {
    outputs?: Record<string, Record<string, string>>;
    error?: { message: string };
  };
  if (!response.ok) throw new Error(`deploy failed: ${body.error?.message ?? response.statusText}`);
  for (const [stack, outputs] of Object.entries(body.outputs ?? {})) {
    for (const [name, value] of Object.entries(outputs))
      process.stdout.write(`${stack}.${name} = ${value}\n`);
  }
  return EXIT_OK;
}
