// The stop raised for an instruction real CPUs have that pcscope does not implement yet: the run
// loop rewinds EIP to it and reports a StopEvent naming it, its bytes and its address.

import type { Cpu } from "./cpu.ts";
import { CS } from "./state.ts";

/** Thrown for an instruction real CPUs have that pcscope does not implement; the run loop stops. */
export class Unimplemented {
  constructor(readonly what: string) {}

  /** The stop event describing the instruction at CS:startEip. */
  event(c: Cpu): {
    kind: "unimplemented";
    what: string;
    bytes: number[];
    cs: number;
    eip: number;
    linear: number;
  } {
    const linear = (c.csBase + c.startEip) >>> 0;
    const len = Math.max(1, Math.min(15, c.fp - c.fpStart));
    const bytes = c.readLinearDebug(linear, len);
    return {
      kind: "unimplemented",
      what: this.what,
      bytes: bytes === null ? [] : Array.from(bytes),
      cs: c.segSel[CS] & 0xffff,
      eip: c.startEip,
      linear,
    };
  }
}
