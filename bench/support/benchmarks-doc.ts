// docs/benchmarks.md: one `## ` section per benchmark, each rewritten in place by its own run.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BENCHMARKS_DOC = join(dirname(fileURLToPath(import.meta.url)), "../../docs/benchmarks.md");

/** `Run: <date> · <cpu model> · <n> cores · Node <version>`: what the numbers were measured on. */
export function machineLine(): string {
  const cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown CPU";
  return `Run: ${new Date().toISOString().slice(0, 10)} · ${cpuModel} · ${availableParallelism()} cores · Node ${process.version}`;
}

/** Replaces the section headed `heading` (up to the next `## `) with `section`, or appends it. */
export function rewriteSection(heading: string, section: string, doc = BENCHMARKS_DOC): void {
  let text = existsSync(doc) ? readFileSync(doc, "utf8") : "# Benchmarks\n";
  const start = text.indexOf(`${heading}\n`);
  if (start >= 0) {
    const next = text.indexOf("\n## ", start + heading.length);
    text = text.slice(0, start) + section + (next >= 0 ? text.slice(next + 1) : "");
  } else {
    text = `${text.trimEnd()}\n\n${section}`;
  }
  writeFileSync(doc, text);
}
