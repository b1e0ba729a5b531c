// Per-environment cgroups: CPU quota (the memory→CPU law) and memory limit. v2 when its cpu controller is
// enabled, else v1 under /sys/fs/cgroup/{cpu,memory}/powertune/<env>. Every cgroup made here is removed again.

import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CFS_PERIOD_US, cfsQuotaUs } from "./cpu-law.js";

export type CgroupMode = "auto" | "v2" | "v1" | "off";
export type CgroupFlavour = "v2" | "v1";

export interface CgroupLayout {
  flavour: CgroupFlavour;
  /** Directories under which per-environment cgroups are made (v2: one; v1: cpu and memory). */
  cpuRoot: string;
  memoryRoot: string | undefined;
  /** Environment cgroups made through this layout and not yet removed: close() sweeps what is left. */
  live?: Set<EnvironmentCgroup>;
}

const V2_ROOT = "/sys/fs/cgroup";
const V2_UNIFIED = "/sys/fs/cgroup/unified";
const V1_CPU = "/sys/fs/cgroup/cpu";
const V1_MEMORY = "/sys/fs/cgroup/memory";

function tryMkdir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    return true;
  } catch {
    return false;
  }
}

function v2Layout(base: string, parentName: string): CgroupLayout | undefined {
  try {
    const controllers = readFileSync(join(base, "cgroup.controllers"), "utf8").split(/\s+/);
    if (!controllers.includes("cpu")) return undefined;
    const subtree = readFileSync(join(base, "cgroup.subtree_control"), "utf8").split(/\s+/);
    if (!subtree.includes("cpu")) writeFileSync(join(base, "cgroup.subtree_control"), "+cpu +memory");
    const root = join(base, parentName);
    if (!tryMkdir(root)) return undefined;
    const inner = readFileSync(join(root, "cgroup.controllers"), "utf8").split(/\s+/);
    if (!inner.includes("cpu")) return undefined;
    try {
      writeFileSync(join(root, "cgroup.subtree_control"), "+cpu +memory");
    } catch {
      writeFileSync(join(root, "cgroup.subtree_control"), "+cpu");
    }
    return { flavour: "v2", cpuRoot: root, memoryRoot: root };
  } catch {
    return undefined;
  }
}

function v1Layout(parentName: string): CgroupLayout | undefined {
  if (!existsSync(join(V1_CPU, "cpu.cfs_quota_us"))) return undefined;
  const cpuRoot = join(V1_CPU, parentName);
  if (!tryMkdir(cpuRoot)) return undefined;
  let memoryRoot: string | undefined = join(V1_MEMORY, parentName);
  if (!existsSync(join(V1_MEMORY, "memory.limit_in_bytes")) || !tryMkdir(memoryRoot)) memoryRoot = undefined;
  return { flavour: "v1", cpuRoot, memoryRoot };
}

/** Finds a writable cgroup hierarchy with a CPU controller, or undefined (then the fallback applies). */
export function detectCgroups(mode: CgroupMode, parentName = "powertune"): CgroupLayout | undefined {
  if (mode === "off") return undefined;
  if (mode === "v2" || mode === "auto") {
    const layout = v2Layout(V2_ROOT, parentName) ?? v2Layout(V2_UNIFIED, parentName);
    if (layout || mode === "v2") return layout;
  }
  return v1Layout(parentName);
}

/** One environment's cgroup(s). */
export class EnvironmentCgroup {
  readonly cpuDir: string;
  readonly memoryDir: string | undefined;

  constructor(
    readonly layout: CgroupLayout,
    name: string,
  ) {
    this.cpuDir = join(layout.cpuRoot, name);
    mkdirSync(this.cpuDir, { recursive: true });
    this.memoryDir = layout.memoryRoot ? join(layout.memoryRoot, name) : undefined;
    if (this.memoryDir && this.memoryDir !== this.cpuDir) mkdirSync(this.memoryDir, { recursive: true });
    layout.live ??= new Set();
    layout.live.add(this);
  }

  /** Directories whose `cgroup.procs` the child joins before it runs any code. */
  procsFiles(): string[] {
    const files = [join(this.cpuDir, "cgroup.procs")];
    if (this.memoryDir && this.memoryDir !== this.cpuDir) files.push(join(this.memoryDir, "cgroup.procs"));
    return files;
  }

  setCpuShare(shareCores: number): void {
    const quota = cfsQuotaUs(shareCores);
    if (this.layout.flavour === "v2") {
      writeFileSync(join(this.cpuDir, "cpu.max"), `${quota} ${CFS_PERIOD_US}`);
    } else {
      // Lower the quota before shrinking the period and vice versa, so the pair is valid at every step.
      writeFileSync(join(this.cpuDir, "cpu.cfs_period_us"), String(CFS_PERIOD_US));
      writeFileSync(join(this.cpuDir, "cpu.cfs_quota_us"), String(quota));
    }
  }

  setMemoryLimitMb(memoryMb: number): void {
    if (!this.memoryDir) return;
    const bytes = String(memoryMb * 1024 * 1024);
    if (this.layout.flavour === "v2") {
      writeFileSync(join(this.memoryDir, "memory.max"), bytes);
      try {
        writeFileSync(join(this.memoryDir, "memory.swap.max"), "0");
      } catch {
        // no swap accounting: nothing to cap
      }
    } else {
      writeFileSync(join(this.memoryDir, "memory.limit_in_bytes"), bytes);
      try {
        writeFileSync(join(this.memoryDir, "memory.memsw.limit_in_bytes"), bytes);
      } catch {
        // no swap accounting: nothing to cap
      }
    }
  }

  /** Removes the cgroup(s); the processes in them must have exited. Retries briefly while the kernel reaps. */
  async remove(): Promise<void> {
    const dirs = [this.cpuDir];
    if (this.memoryDir && this.memoryDir !== this.cpuDir) dirs.push(this.memoryDir);
    // A cgroup with a process in it cannot be removed: end any that outlived the environment's own kill.
    for (const dir of dirs) killMembers(dir);
    for (const dir of dirs) {
      for (let attempt = 0; ; attempt++) {
        try {
          if (existsSync(dir)) rmdirSync(dir);
          break;
        } catch (error) {
          if (attempt >= 50) throw error;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }
    this.layout.live?.delete(this);
  }
}

/** Removes the service's parent cgroup directories if empty (other services may still use them). */
function killMembers(dir: string): void {
  let pids: number[] = [];
  try {
    pids = readFileSync(join(dir, "cgroup.procs"), "utf8").split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return; // already gone
  }
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // exited meanwhile
    }
  }
}

/** Removes every environment cgroup of this layout still present (an environment whose kill did not finish). */
export async function removeLiveCgroups(layout: CgroupLayout): Promise<void> {
  await Promise.allSettled([...(layout.live ?? [])].map((cgroup) => cgroup.remove()));
}

export function removeParentCgroups(layout: CgroupLayout): void {
  for (const dir of new Set([layout.cpuRoot, layout.memoryRoot])) {
    if (!dir) continue;
    try {
      rmdirSync(dir);
    } catch {
      // still in use by another service instance in this process tree, or already gone
    }
  }
}
