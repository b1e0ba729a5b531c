import { readdirSync, readFileSync } from "node:fs";

/** Execution environments started by this test process: bootstrap processes whose parent is this process. */
export function bootstrapChildren(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (parent === process.pid && cmdline.includes("bootstrap.mjs")) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}
