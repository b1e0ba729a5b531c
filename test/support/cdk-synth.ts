// `cdk synth` of the app, run as a user runs it, into a scratch folder the calling describe block removes.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll } from "vitest";

const root = join(import.meta.dirname, "../..");
const cdk = join(root, "node_modules", ".bin", "cdk");

export interface SynthResult {
  code: number;
  output: string;
  /** The cloud assembly folder. */
  out: string;
}

/** A synth function over one scratch folder (removed after the block's tests); it never throws. */
export function cdkSynthInScratch(
  prefix: string,
): (name: string, ...context: string[]) => Promise<SynthResult> {
  const scratch = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  return async (name, ...context) => {
    const out = join(scratch, name);
    const args = ["synth", "--quiet", "-o", out, ...context.flatMap((c) => ["-c", c])];
    try {
      const { stdout, stderr } = await promisify(execFile)(cdk, args, { cwd: root, maxBuffer: 1 << 24 });
      return { code: 0, output: `${stdout}${stderr}`, out };
    } catch (error) {
      const { code, stdout, stderr } = error as { code?: number; stdout?: string; stderr?: string };
      return { code: code ?? 1, output: `${stdout ?? ""}${stderr ?? ""}`, out };
    }
  };
}
