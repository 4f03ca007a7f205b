// The deterministic virtual clock. Virtual time is derived from the boot CPU's virtual ticks (retired
// instructions plus idle ticks skipped while halted) at a fixed instructions-per-second rate, so the
// same guest run twice sees the same time at the same instruction. Devices own no host timers: they
// report the virtual time of their next event and the machine runs the CPU up to it, or skips idle
// HLT time straight to it. A device that arms a deadline while the CPU runs a slice says so
// (armed()); when it falls before the slice's end the machine ends the slice after the current
// instruction, so every event fires at its own tick however the run was cut into slices.

/** Default speed of the virtual CPU: 100 million instructions per virtual second. */
export const DEFAULT_INSTRUCTIONS_PER_SECOND = 100_000_000;

/** A device with timed behaviour (PIT, RTC, HPET...). */
export interface ClockedDevice {
  readonly name: string;
  /**
   * Absolute virtual ns of the next event the device must act on, or Infinity for none. A reported
   * deadline stays reported (even once passed) until onDeadline() has handled it.
   */
  nextDeadline(nowNs: number): number;
  /** Called once virtual time reached (or passed) the deadline it reported. */
  onDeadline(nowNs: number): void;
}

/** The clock; `ticks` is installed by the machine (the boot CPU's virtualTicks). */
export class VirtualClock {
  /** Virtual ticks (one per instruction, plus skipped idle ticks). */
  ticks: () => number = () => 0;
  /** The tick the running CPU slice ends at (set by the machine around each slice; Infinity between). */
  sliceEndTick = Number.POSITIVE_INFINITY;
  /** Ends the running slice after the current instruction (installed by the machine). */
  cutSlice: () => void = () => {};
  private readonly devices: ClockedDevice[] = [];
  private readonly nsPerTick: number;

  /** Needs: a positive, finite rate. */
  constructor(readonly instructionsPerSecond = DEFAULT_INSTRUCTIONS_PER_SECOND) {
    if (!(instructionsPerSecond > 0) || !Number.isFinite(instructionsPerSecond)) {
      throw new Error(`instructions per second must be positive, got ${instructionsPerSecond}`);
    }
    this.nsPerTick = 1e9 / instructionsPerSecond;
  }

  /** Registers a timed device. */
  add(device: ClockedDevice): void {
    this.devices.push(device);
  }

  /** Virtual nanoseconds since power-on. */
  nowNs(): number {
    return this.ticks() * this.nsPerTick;
  }

  /** Ticks from now until virtual time `ns` (0 if already passed; rounded up). */
  ticksUntil(ns: number): number {
    const delta = Math.ceil(ns / this.nsPerTick) - this.ticks();
    return Math.max(delta, 0);
  }

  /**
   * A device armed (or moved) a deadline to virtual time `ns`: when that falls before the end of the
   * running slice, the slice ends after the current instruction so the machine can run to it.
   */
  armed(ns: number): void {
    if (Math.ceil(ns / this.nsPerTick) < this.sliceEndTick) this.cutSlice();
  }

  /** The earliest deadline of any device (Infinity when none has one). */
  nextDeadline(): number {
    const now = this.nowNs();
    let min = Number.POSITIVE_INFINITY;
    for (const device of this.devices) {
      const d = device.nextDeadline(now);
      if (d < min) min = d;
    }
    return min;
  }

  /** Calls onDeadline on every device whose deadline has been reached. */
  fireDue(): void {
    if (this.devices.length === 0) return;
    const now = this.nowNs();
    for (const device of this.devices) if (device.nextDeadline(now) <= now) device.onDeadline(now);
  }
}
