// Per-environment cgroups: CPU quota (the memory→CPU law), CPU accounting and memory limit. v2 when its cpu
// controller is enabled, else v1 under /sys/fs/cgroup/{cpu,cpuacct,memory}/powertune/<instance>/<env>. Every
// cgroup made here is removed again.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isProcessAlive } from "../shared/process.js";
import { CFS_PERIOD_US, cfsQuotaUs } from "./cpu-law.js";
import { type CgroupCpuCounters, CgroupCpuReader, type CgroupCpuSource } from "./runtime/cpu-accounting.mjs";

export type CgroupMode = "auto" | "v2" | "v1" | "off";
export type CgroupFlavour = "v2" | "v1";

export interface CgroupLayout {
  flavour: CgroupFlavour;
  /** Directories under which per-environment cgroups are made (v2: one; v1: cpu and memory). */
  cpuRoot: string;
  memoryRoot: string | undefined;
  /**
   * v1: where the environments' cpuacct cgroups are made (cpuRoot itself when cpu and cpuacct share a
   * hierarchy); undefined when there is no cpuacct controller, and for v2 (its cpu.stat counts usage).
   */
  cpuacctRoot?: string | undefined;
  /** A cpuset every environment joins (CpuLawSettings.cpus), or undefined for every CPU. */
  cpusetDir?: string | undefined;
  /** Environment cgroups made through this layout and not yet removed: close() sweeps what is left. */
  live?: Set<EnvironmentCgroup>;
  /** The parents shared with other service instances, removed at close when nothing else uses them. */
  sharedParents?: string[];
}

const V2_ROOT = "/sys/fs/cgroup";
const V2_UNIFIED = "/sys/fs/cgroup/unified";
const V1_CPU = "/sys/fs/cgroup/cpu";
const V1_CPUACCT = "/sys/fs/cgroup/cpuacct";
const V1_CPUSET = "/sys/fs/cgroup/cpuset";
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

function v2Layout(
  base: string,
  parentName: string,
  instance: string,
  cpus: string | undefined,
): CgroupLayout | undefined {
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
    let cpusetDir: string | undefined;
    if (cpus !== undefined) {
      // The instance's cgroup holds the cpuset; its environments inherit it.
      for (const dir of [base, shared]) writeFileSync(join(dir, "cgroup.subtree_control"), "+cpuset");
      writeFileSync(join(root, "cpuset.cpus"), cpus);
      writeFileSync(join(root, "cgroup.subtree_control"), "+cpuset");
      cpusetDir = root;
    }
    return { flavour: "v2", cpuRoot: root, memoryRoot: root, cpusetDir, sharedParents: [shared] };
  } catch {
    return undefined;
  }
}

/** A v1 controller's `<parent>/<instance>` cgroup, stale instances swept; undefined if it cannot be made. */
function v1InstanceRoot(
  controllerDir: string,
  probeFile: string,
  parentName: string,
  instance: string,
  sharedParents: string[],
): string | undefined {
  if (!existsSync(join(controllerDir, probeFile))) return undefined;
  const shared = join(controllerDir, parentName);
  if (!tryMkdir(shared)) return undefined;
  sweepStale(shared);
  const root = join(shared, instance);
  if (!tryMkdir(root)) return undefined;
  sharedParents.push(shared);
  return root;
}

/** A v1 cpuset cgroup is empty until its CPUs and memory nodes are written, its parent's first. */
function v1Cpuset(parentName: string, instance: string, cpus: string, sharedParents: string[]): string {
  const shared = join(V1_CPUSET, parentName);
  const root = join(shared, instance);
  mkdirSync(shared, { recursive: true });
  sweepStale(shared);
  mkdirSync(root, { recursive: true });
  const mems = readFileSync(join(V1_CPUSET, "cpuset.mems"), "utf8").trim();
  for (const dir of [shared, root]) {
    writeFileSync(join(dir, "cpuset.cpus"), cpus);
    writeFileSync(join(dir, "cpuset.mems"), mems);
  }
  sharedParents.push(shared);
  return root;
}

function v1Layout(parentName: string, instance: string, cpus: string | undefined): CgroupLayout | undefined {
  const sharedParents: string[] = [];
  const cpuRoot = v1InstanceRoot(V1_CPU, "cpu.cfs_quota_us", parentName, instance, sharedParents);
  if (!cpuRoot) return undefined;
  const memoryRoot = v1InstanceRoot(V1_MEMORY, "memory.limit_in_bytes", parentName, instance, sharedParents);
  // cpuacct may share the cpu hierarchy (cpu,cpuacct) or have its own.
  const cpuacctRoot = existsSync(join(V1_CPU, "cpuacct.usage"))
    ? cpuRoot
    : v1InstanceRoot(V1_CPUACCT, "cpuacct.usage", parentName, instance, sharedParents);
  const cpusetDir = cpus === undefined ? undefined : v1Cpuset(parentName, instance, cpus, sharedParents);
  return { flavour: "v1", cpuRoot, memoryRoot, cpuacctRoot, cpusetDir, sharedParents };
}

export interface CgroupOptions {
  /** The shared parent's name under each controller. @default "powertune" */
  parentName?: string;
  /** CPUs every environment is confined to (a cpuset list), or undefined for all. */
  cpus?: string | undefined;
}

/** Finds a writable cgroup hierarchy with a CPU controller, or undefined (then the fallback applies). */
export function detectCgroups(mode: CgroupMode, options: CgroupOptions = {}): CgroupLayout | undefined {
  if (mode === "off") return undefined;
  const parentName = options.parentName ?? "powertune";
  const instance = `${process.pid}-${++instances}`;
  if (mode === "v2" || mode === "auto") {
    const layout =
      v2Layout(V2_ROOT, parentName, instance, options.cpus) ??
      v2Layout(V2_UNIFIED, parentName, instance, options.cpus);
    if (layout || mode === "v2") return layout;
  }
  return v1Layout(parentName, instance, options.cpus);
}

/** One environment's cgroup(s). */
export class EnvironmentCgroup {
  readonly cpuDir: string;
  readonly memoryDir: string | undefined;
  /** v1: the cpuacct cgroup (cpuDir when the controllers share a hierarchy); v2: undefined. */
  readonly cpuacctDir: string | undefined;

  constructor(
    readonly layout: CgroupLayout,
    name: string,
  ) {
    this.cpuDir = join(layout.cpuRoot, name);
    mkdirSync(this.cpuDir, { recursive: true });
    this.memoryDir = layout.memoryRoot ? join(layout.memoryRoot, name) : undefined;
    if (this.memoryDir && this.memoryDir !== this.cpuDir) mkdirSync(this.memoryDir, { recursive: true });
    this.cpuacctDir = layout.cpuacctRoot ? join(layout.cpuacctRoot, name) : undefined;
    if (this.cpuacctDir && this.cpuacctDir !== this.cpuDir) mkdirSync(this.cpuacctDir, { recursive: true });
    layout.live ??= new Set();
    layout.live.add(this);
  }

  /** The environment's own directories, one per hierarchy. */
  private ownDirs(): string[] {
    return [...new Set([this.cpuDir, this.memoryDir, this.cpuacctDir].filter((d) => d !== undefined))];
  }

  /** Files whose `cgroup.procs` the child joins before it runs any code. */
  procsFiles(): string[] {
    const dirs = this.ownDirs();
    // v1: the shared cpuset is a hierarchy of its own; v2: the instance's cpuset is an ancestor already.
    if (this.layout.cpusetDir && this.layout.flavour === "v1") dirs.push(this.layout.cpusetDir);
    return dirs.map((dir) => join(dir, "cgroup.procs"));
  }

  /** Where the environment's CPU counters live, or undefined when nothing accounts for its CPU time. */
  cpuSource(): CgroupCpuSource | undefined {
    if (this.layout.flavour === "v2") return { flavour: "v2", cpuDir: this.cpuDir };
    if (!this.cpuacctDir) return undefined;
    return { flavour: "v1", cpuDir: this.cpuDir, cpuacctDir: this.cpuacctDir };
  }

  /** The environment's CPU counters now (CPU time of every thread, time throttled). */
  readCpu(): CgroupCpuCounters | undefined {
    const source = this.cpuSource();
    if (!source) return undefined;
    const reader = new CgroupCpuReader(source);
    try {
      return reader.read();
    } finally {
      reader.close();
    }
  }

  /**
   * Writes the quota for `shareCores` over `periodUs`, with a burst allowance of `burstFraction` of it.
   * Rewriting refills the quota (the kernel resets the period's runtime).
   */
  setCpuShare(shareCores: number, periodUs = CFS_PERIOD_US, burstFraction = 0): void {
    const quota = cfsQuotaUs(shareCores, periodUs);
    const burst = Math.round(quota * burstFraction);
    // The kernel refuses a burst above the quota: drop it first, set the quota, then raise it again.
    const v2 = this.layout.flavour === "v2";
    const burstFile = join(this.cpuDir, v2 ? "cpu.max.burst" : "cpu.cfs_burst_us");
    if (burstFraction > 0) writeFileSync(burstFile, "0");
    if (v2) {
      writeFileSync(join(this.cpuDir, "cpu.max"), `${quota} ${periodUs}`);
    } else {
      writeFileSync(join(this.cpuDir, "cpu.cfs_period_us"), String(periodUs));
      writeFileSync(join(this.cpuDir, "cpu.cfs_quota_us"), String(quota));
    }
    if (burstFraction > 0) writeFileSync(burstFile, String(burst));
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
    const dirs = this.ownDirs();
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
  for (const dir of new Set([layout.cpuRoot, layout.memoryRoot, layout.cpuacctRoot, layout.cpusetDir])) {
    if (dir) removeTree(dir);
  }
  for (const dir of layout.sharedParents ?? []) {
    try {
      rmdirSync(dir);
    } catch {
      // another service instance still has its cgroups there
    }
  }
}
