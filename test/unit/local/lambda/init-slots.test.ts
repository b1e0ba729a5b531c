import { describe, expect, it } from "vitest";
import { InitSlots } from "../../../../local/lambda/init-slots.js";

describe("init slots", () => {
  it("hands out at most its limit, and tells every watcher when one frees", () => {
    const slots = new InitSlots(2);
    const freed: string[] = [];
    const stopA = slots.onRelease(() => freed.push("a"));
    slots.onRelease(() => freed.push("b"));
    expect([slots.tryTake(), slots.tryTake(), slots.tryTake()]).toEqual([true, true, false]);
    expect(slots.inUse).toBe(2);
    slots.release();
    expect(freed).toEqual(["a", "b"]);
    stopA();
    expect(slots.tryTake()).toBe(true);
    slots.release();
    expect(freed).toEqual(["a", "b", "b"]);
    expect(slots.peak).toBe(2);
  });
});
