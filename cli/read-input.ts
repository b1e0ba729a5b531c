import { readFile } from "node:fs/promises";
import { DEFAULT_POWER_VALUES } from "../contract/index.js";
import {
  InvalidTuningInputError,
  type TuningInput,
  validateTuningInput,
} from "../functions/tuner/core/index.js";
import { UsageError } from "./usage-error.js";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads `--input FILE|-` as JSON; a missing file or bad JSON is a usage error naming the file. */
export async function readInputJson(source: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = source === "-" ? await readStdin() : await readFile(source, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String(error);
    throw new UsageError(`--input ${source}: ${reason}`);
  }
  const name = source === "-" ? "standard input" : source;
  // Editors on some systems save a byte-order mark: it is not part of the JSON.
  text = text.replace(/^\uFEFF/, "");
  if (text.trim() === "") {
    throw new UsageError(
      `--input ${source}: ${name} is empty: give a JSON object with at least lambdaARN and num`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--input ${source}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(
      `--input ${source}: the input must be a JSON object with at least lambdaARN and num`,
    );
  }
  return parsed as Record<string, unknown>;
}

/** Checks the input with the initializer's own schema before anything starts, so bad input exits 2 at once. */
export function checkTuningInput(source: string, raw: unknown): TuningInput {
  try {
    return validateTuningInput(raw, DEFAULT_POWER_VALUES);
  } catch (error) {
    if (error instanceof InvalidTuningInputError) {
      const lines = error.problems.map((p) => `  ${p.field}: ${p.problem}`);
      throw new UsageError(`--input ${source}: invalid tuning input\n${lines.join("\n")}`);
    }
    throw error;
  }
}
