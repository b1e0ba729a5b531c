import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./usage-error.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Strict option parsing: an unknown flag or a missing value is a UsageError naming the flag. */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(
      `powertune ${command}: ${describeArgsError(error)}. See: powertune ${command} --help`,
    );
  }
}

/** node:util's parseArgs messages, in the CLI's words: which option, and what is wrong with it. */
export function describeArgsError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const option = /--[A-Za-z][\w-]*/.exec(message)?.[0];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const given = /Unknown option '([^']+)'/.exec(message)?.[1] ?? option;
    return `unknown option ${given}`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && option) {
    if (/ambiguous/.test(message)) {
      return `option ${option} needs a value, and the next argument looks like an option (write ${option}=VALUE if it is the value)`;
    }
    if (/argument missing/.test(message)) return `option ${option} needs a value`;
    if (/does not take an argument/.test(message)) return `option ${option} takes no value`;
  }
  return message.replace(/\.$/, "");
}

/** Parses a TCP port option, naming the flag when the value is not a port. */
export function parsePort(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--${flag} must be a TCP port between 0 and 65535, got "${value}"`);
  }
  return port;
}
