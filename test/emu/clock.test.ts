import { describe, expect, it } from "vitest";
import { type ClockedDevice, VirtualClock } from "../../src/emu/clock.ts";

describe("VirtualClock", () => {
  it("derives virtual nanoseconds from ticks at the configured rate", () => {
    const clock = new VirtualClock(100_000_000);
    let ticks = 0;
    clock.ticks = () => ticks;
    expect(clock.nowNs()).toBe(0);
    ticks = 250;
    expect(clock.nowNs()).toBe(2500);
    expect(clock.ticksUntil(10_000)).toBe(750);
    expect(clock.ticksUntil(1000)).toBe(0);
    expect(clock.ticksUntil(2505)).toBe(1); // rounded up
    expect(() => new VirtualClock(0)).toThrow(/positive/);
  });

  it("gives the earliest device deadline and fires the devices that are due", () => {
    const clock = new VirtualClock(1_000_000_000);
    let ticks = 0;
    clock.ticks = () => ticks;
    const fired: string[] = [];
    const timer = (name: string, at: number): ClockedDevice => ({
      name,
      nextDeadline: () => at,
      onDeadline: (now) => fired.push(`${name}@${now}`),
    });
    expect(clock.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
    clock.add(timer("pit", 500));
    clock.add(timer("rtc", 200));
    expect(clock.nextDeadline()).toBe(200);
    ticks = 300;
    clock.fireDue();
    expect(fired).toEqual(["rtc@300"]);
  });
});
