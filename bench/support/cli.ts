// Every benchmark's command line: `--help` prints its usage, and a mistyped option gets one line naming it,
// not a stack trace (and not a benchmark that runs for minutes with the option ignored).
import { type ParseArgsConfig, parseArgs } from "node:util";
import { describeArgsError } from "../../cli/args.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Prints `message` and the usage to stderr, and exits 2 (a usage error). */
export function exitWithUsage(message: string, usage: string): never {
  process.stderr.write(`${message}\n\n${usage}`);
  process.exit(2);
}

export function parseBenchArgs<T extends Options>(
  usage: string,
  options: T,
  { allowPositionals = false }: { allowPositionals?: boolean } = {},
) {
  const config = {
    options: { ...options, help: { type: "boolean", short: "h", default: false } },
    allowPositionals,
    strict: true,
  } as const;
  let parsed: ReturnType<typeof parseArgs<typeof config>>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    exitWithUsage(`${describeArgsError(error)}. See --help`, usage);
  }
  // The union of parseArgs' result types hides the added flag from the checker; it is always parsed.
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  return parsed;
}
