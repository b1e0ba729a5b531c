// The `powertune` command: dispatches to one module per subcommand.
import { readFile } from "node:fs/promises";
import { DataDirInUseError } from "../local/data-dir-lock.js";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, ExecutionFailedError, UsageError } from "./usage-error.js";

interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const commands: Record<string, Command> = {
  up: {
    summary: "run the local cloud in the foreground with the app deployed",
    run: async (argv) => (await import("./commands/up.js")).runUp(argv),
  },
  deploy: {
    summary: "synthesize the CDK app and deploy it to a running local cloud",
    run: async (argv) => (await import("./commands/deploy.js")).runDeploy(argv),
  },
  input: {
    summary: "print the crud function's weekly tuning input for a deployment, with an approval mode",
    run: async (argv) => (await import("./commands/input.js")).runInput(argv),
  },
  tune: {
    summary: "start a power-tuning execution, show its progress and write a report",
    run: async (argv) => (await import("./commands/tune.js")).runTune(argv),
  },
  loadtest: {
    summary: "HTTP load against the CRUD API at each memory size (autocannon), memory put back after",
    run: async (argv) => (await import("./commands/loadtest.js")).runLoadtest(argv),
  },
  smoke: {
    summary: "run the shipped Postman collection against the CRUD API (newman) and write its report",
    run: async (argv) => (await import("./commands/smoke.js")).runSmoke(argv),
  },
  history: {
    summary: "a function's tuning trend from the TuningHistory table: chosen power, cost, p90",
    run: async (argv) => (await import("./commands/history.js")).runHistory(argv),
  },
  approve: {
    summary: "apply a pending (manual-approval) recommendation to a function",
    run: async (argv) => (await import("./commands/decide.js")).runDecision("approve", argv),
  },
  deny: {
    summary: "reject a pending (manual-approval) recommendation for a function",
    run: async (argv) => (await import("./commands/decide.js")).runDecision("deny", argv),
  },
  demo: {
    summary: "what `npm start` runs: boot, deploy, seed, tune the crud function, stop",
    run: async (argv) => (await import("./commands/demo.js")).runDemo(argv),
  },
};

export function mainHelp(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    "usage: powertune <command> [options]",
    "",
    "Tune the memory of a Lambda function for cost and speed, on AWS or on the local cloud.",
    "",
    "commands:",
    ...lines,
    "",
    "Run `powertune <command> --help` (or `powertune help <command>`) for the options of a command;",
    "`powertune --version` prints the version.",
    "",
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  // `powertune help tune` is `powertune tune --help`.
  if (name === "help" && rest[0] !== undefined && commands[rest[0]] !== undefined) {
    return main([rest[0], "--help"]);
  }
  if (name === "--version" || name === "-v" || name === "version") {
    const { version } = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    process.stdout.write(`powertune ${version}\n`);
    return EXIT_OK;
  }
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(mainHelp());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`powertune: unknown command "${name}"\n\n${mainHelp()}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      const prefix = error.message.startsWith("powertune") ? "" : `powertune ${name}: `;
      process.stderr.write(`${prefix}${error.message}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof DataDirInUseError) {
      process.stderr.write(`powertune ${name}: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof ExecutionFailedError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT_FAILED;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`powertune ${name}: ${message}\n`);
    return EXIT_FAILED;
  }
}
