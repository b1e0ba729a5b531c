import { describe, expect, it } from "vitest";
import { CpuAdmission } from "../../../../local/lambda/admission.js";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("CPU admission control", () => {
  it("admits invocations while their shares fit in the cores, and queues the rest", async () => {
    const admission = new CpuAdmission(2);
    const a = await admission.acquire(1);
    const b = await admission.acquire(0.9);
    let cAdmitted = false;
    const c = admission.acquire(0.5).then((release) => {
      cAdmitted = true;
      return release;
    });
    await tick();
    expect(cAdmitted).toBe(false);
    expect(admission.waiting).toBe(1);
    a();
    const releaseC = await c;
    expect(cAdmitted).toBe(true);
    expect(admission.inUse).toBeCloseTo(1.4, 9);
    b();
    releaseC();
    expect(admission.inUse).toBe(0);
  });

  it("serves the queue first come, first served: a small share does not overtake a large one", async () => {
    const admission = new CpuAdmission(2);
    const first = await admission.acquire(1.5);
    const order: string[] = [];
    const big = admission.acquire(1.5).then((r) => {
      order.push("big");
      return r;
    });
    const small = admission.acquire(0.1).then((r) => {
      order.push("small");
      return r;
    });
    await tick();
    expect(order).toEqual([]);
    first();
    (await big)();
    (await small)();
    expect(order).toEqual(["big", "small"]);
  });

  it("admits a share larger than the machine when nothing else runs (no deadlock)", async () => {
    const admission = new CpuAdmission(1);
    const release = await admission.acquire(1.7);
    expect(admission.inUse).toBeCloseTo(1.7, 9);
    release();
  });

  it("never holds budget for exempt (zero-share) invocations", async () => {
    const admission = new CpuAdmission(1);
    const full = await admission.acquire(1);
    const exempt = await admission.acquire(0);
    expect(admission.inUse).toBe(1);
    exempt();
    full();
    expect(admission.inUse).toBe(0);
  });

  it("ignores a second release of the same admission", async () => {
    const admission = new CpuAdmission(2);
    const a = await admission.acquire(1);
    const b = await admission.acquire(0.5);
    a();
    a();
    expect(admission.inUse).toBeCloseTo(0.5, 9);
    b();
  });
});
