// Per-environment cgroups: CPU quota (the memory→CPU law) and memory limit. v2 when its cpu controller is
// enabled, else v1 under /sys/fs/cgroup/{cpu,memory}/powertune/<env>. Every cgroup made here is removed again.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isProcessAlive } from "../shared/process.js";
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
  /** The parents shared with other service instances, removed at close when nothing else uses them. */
  sharedParents?: string[];
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

/** Each service instance has a cgroup of its own under the shared parent: `<pid>-<n>`. */
let instances = 0;
const INSTANCE_NAME = /^(\d+)-\d+$/;

function subdirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(dir, entry.name));
  } catch {
    return [];
  }
}

/** Removes a cgroup and everything below it, ending any process still inside. */
function removeTree(dir: string): void {
  for (const child of subdirectories(dir)) removeTree(child);
  killMembers(dir);
  try {
    rmdirSync(dir);
  } catch {
    // a process is still being reaped: the next sweep gets it
  }
}

/**
 * Cgroups left under the shared parent by a service whose process died without closing (kill -9, a crash):
 * instance cgroups of dead processes, and empty environment cgroups of older layouts, are removed at start.
 */
function sweepStale(sharedParent: string): void {
  for (const dir of subdirectories(sharedParent)) {
    const name = dir.slice(sharedParent.length + 1);
    const owner = INSTANCE_NAME.exec(name)?.[1];
    if (owner !== undefined) {
      if (!isProcessAlive(Number(owner))) removeTree(dir);
    } else {
      let members = "";
      try {
        members = readFileSync(join(dir, "cgroup.procs"), "utf8");
      } catch {
        continue; // gone meanwhile
      }
      if (members.trim() === "") removeTree(dir);
    }
  }
}

function enableControllers(dir: string): void {
  try {
    writeFileSync(join(dir, "cgroup.subtree_control"), "+cpu +memory");
  } catch {
    writeFileSync(join(dir, "cgroup.subtree_control"), "+cpu");
  }
}

function v2Layout(base: string, parentName: string, instance: string): CgroupLayout | undefined {
  try {
    const controllers = readFileSync(join(base, "cgroup.controllers"), "utf8").split(/\s+/);
    if (!controllers.includes("cpu")) return undefined;
    const subtree = readFileSync(join(base, "cgroup.subtree_control"), "utf8").split(/\s+/);
    if (!subtree.includes("cpu")) writeFileSync(join(base, "cgroup.subtree_control"), "+cpu +memory");
    const shared = join(base, parentName);
    if (!tryMkdir(shared)) return undefined;
    const inner = readFileSync(join(shared, "cgroup.controllers"), "utf8").split(/\s+/);
    if (!inner.includes("cpu")) return undefined;
    enableControllers(shared);
    sweepStale(shared);
    const root = join(shared, instance);
    if (!tryMkdir(root)) return undefined;
    enableControllers(root);
    return { flavour: "v2", cpuRoot: root, memoryRoot: root, sharedParents: [shared] };
  } catch {
    return undefined;
  }
}

function v1Layout(parentName: string, instance: string): CgroupLayout | undefined {
  if (!existsSync(join(V1_CPU, "cpu.cfs_quota_us"))) return undefined;
  const sharedCpu = join(V1_CPU, parentName);
  if (!tryMkdir(sharedCpu)) return undefined;
  sweepStale(sharedCpu);
  const cpuRoot = join(sharedCpu, instance);
  if (!tryMkdir(cpuRoot)) return undefined;
  const sharedMemory = join(V1_MEMORY, parentName);
  let memoryRoot: string | undefined = join(sharedMemory, instance);
  if (!existsSync(join(V1_MEMORY, "memory.limit_in_bytes")) || !tryMkdir(sharedMemory)) {
    memoryRoot = undefined;
  } else {
    sweepStale(sharedMemory);
    if (!tryMkdir(memoryRoot)) memoryRoot = undefined;
  }
  const sharedParents = memoryRoot ? [sharedCpu, sharedMemory] : [sharedCpu];
  return { flavour: "v1", cpuRoot, memoryRoot, sharedParents };
}

/** Finds a writable cgroup hierarchy with a CPU controller, or undefined (then the fallback applies). */
export function detectCgroups(mode: CgroupMode, parentName = "powertune"): CgroupLayout | undefined {
  if (mode === "off") return undefined;
  const instance = `${process.pid}-${++instances}`;
  if (mode === "v2" || mode === "auto") {
    const layout = v2Layout(V2_ROOT, parentName, instance) ?? v2Layout(V2_UNIFIED, parentName, instance);
    if (layout || mode === "v2") return layout;
  }
  return v1Layout(parentName, instance);
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

/** Removes this instance's cgroups, then the shared parents if no other instance still uses them. */
export function removeParentCgroups(layout: CgroupLayout): void {
  for (const dir of new Set([layout.cpuRoot, layout.memoryRoot])) if (dir) removeTree(dir);
  for (const dir of layout.sharedParents ?? []) {
    try {
      rmdirSync(dir);
    } catch {
      // another service instance still has its cgroups there
    }
  }
}
