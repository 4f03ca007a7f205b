// pcscope's machine as a diff side, in this process: built from run options exactly as `pcscope run`
// builds it, stepped one instruction at a time with interrupts and timers held (StepOptions, QEMU's
// SSTEP_NOIRQ|SSTEP_NOTIMER), so both sides see the same instruction stream.

import { I386 } from "../emu/debug-arch.ts";
import { describeStop, HELD_STEP, type StopEvent } from "../emu/debug-target.ts";
import { buildRunMachine, type RunMachine } from "../emu/machine/builder.ts";
import type { ResolvedRunConfig } from "../emu/machine/run-config.ts";
import type { FdWriter, OutputWriteError } from "../shared/fd-writer.ts";
import type { DiffSide, SideRegister, SideStop } from "./side.ts";

/** What a step of the code under the program counter needs to be decoded and placed. */
export interface CodeView {
  /** 16 or 32 (real and v86 mode are 16-bit; protected mode follows CS's D bit). */
  bitness: 16 | 32;
  /** True in real and v86 mode (segment bases are selector * 16). */
  realSegments: boolean;
  /** Segment bases by gdb name (cs, ss, ds, es, fs, gs). */
  segmentBase: Record<string, number>;
  /** True when SS is a 32-bit stack (ESP, not SP). */
  stack32: boolean;
}

/** A descriptor's D/B bit in SegmentView.attrs (the flags nibble sits in bits 12-15). */
const ATTR_DB = 0x4000;

/** The register layout every pcscope side has: gdb's i386 description. */
const LAYOUT: readonly SideRegister[] = I386.registers.map((r) => ({
  name: r.name,
  offset: r.offset,
  bytes: r.bytes,
}));

/** Where a pcscope side's output goes. */
export interface PcscopeOutput {
  stdout: FdWriter | null;
  log: FdWriter | null;
  onWriteError: (err: OutputWriteError) => void;
}

/** pcscope's machine, stepped in this process. */
export class PcscopeSide implements DiffSide {
  readonly layout = LAYOUT;

  private constructor(
    readonly label: string,
    private readonly built: RunMachine,
  ) {}

  /** Builds the machine `config` describes; throws ConfigError for options that cannot be built. */
  static async create(label: string, config: ResolvedRunConfig, out: PcscopeOutput): Promise<PcscopeSide> {
    return new PcscopeSide(label, await buildRunMachine(config, out));
  }

  async registers(): Promise<Uint8Array> {
    return this.built.machine.readRegisters(0);
  }

  async step(): Promise<SideStop> {
    const event = this.built.machine.step(0, HELD_STEP);
    this.built.flush();
    return stopOf(event, this.built.machine.noReboot);
  }

  async interruptStep(): Promise<void> {}

  async readLinear(addr: number, length: number): Promise<Uint8Array | null> {
    return this.built.machine.readLinear(0, addr >>> 0, length);
  }

  /** The mode facts the engine needs to decode the next instruction and place its operands. */
  codeView(): CodeView {
    const view = this.built.machine.describeCpu(0);
    const real = view.mode === "real" || view.mode === "v86";
    const s = view.segments;
    return {
      bitness: !real && (s.cs.attrs & ATTR_DB) !== 0 ? 32 : 16,
      realSegments: real,
      segmentBase: {
        cs: s.cs.base,
        ss: s.ss.base,
        ds: s.ds.base,
        es: s.es.base,
        fs: s.fs.base,
        gs: s.gs.base,
      },
      stack32: !real && (s.ss.attrs & ATTR_DB) !== 0,
    };
  }

  async close(): Promise<void> {
    this.built.close();
  }
}

/**
 * A machine stop as a diff step: an instruction stepped (a reset the machine performed itself,
 * without --no-reboot, included), or the end of the run (halt, exit, a reset or triple fault under
 * --no-reboot, an unimplemented instruction...); a halt is reported as such.
 */
function stopOf(event: StopEvent, noReboot: boolean): SideStop {
  switch (event.kind) {
    case "step":
    case "budget":
      return { kind: "step" };
    case "reset":
      return noReboot ? { kind: "end", why: describeStop(event), status: null } : { kind: "step" };
    case "exit":
      return { kind: "end", why: describeStop(event), status: event.status & 0xff };
    case "halted":
      return { kind: "halted", why: describeStop(event) };
    default:
      return { kind: "end", why: describeStop(event), status: null };
  }
}
