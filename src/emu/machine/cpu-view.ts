// The debugger's view of one CPU: registers in the I386 description's layout (integer, x87 and SSE
// registers, the last two from the CPU's FPU register file), register writes that behave as
// a debugger expects (segment writes reload the descriptor cache without faulting the guest), and the
// mode/segment/control-register summary of DebugTarget.describeCpu.
import type { Cpu } from "../cpu/cpu.ts";
import { X87_REG_BYTES, XMM_REG_BYTES } from "../cpu/fpu-registers.ts";
import {
  CpuFault,
  CS,
  DS,
  EAX,
  EBP,
  EBX,
  ECX,
  EDI,
  EDX,
  ES,
  ESI,
  ESP,
  FS,
  GS,
  LDTR,
  SS,
  TR,
} from "../cpu/state.ts";
import { Descriptor, readDescriptor, setSegmentCache } from "../cpu/system/descriptors.ts";
import { I386 } from "../debug-arch.ts";
import type { CpuView, SegmentView } from "../debug-target.ts";

/** gdb's general register order mapped to the x86 encoding. */
const GP_ORDER = [EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI] as const;
/** gdb's segment register order (cs, ss, ds, es, fs, gs). */
const SEG_ORDER = [CS, SS, DS, ES, FS, GS] as const;
const REG = Object.fromEntries(I386.registers.map((r, n) => [r.name, n])) as Record<string, number>;
const ST0 = REG.st0!;
const XMM0 = REG.xmm0!;
const X87_CONTROL = REG.fctrl!;
const scratch = new Descriptor();

/** The registers in I386 order and layout (344 bytes, little-endian, unsigned). */
export function readRegisters(cpu: Cpu): Uint8Array {
  const out = new Uint8Array(I386.bytes);
  const view = new DataView(out.buffer);
  const put = (regnum: number, value: number) =>
    view.setUint32(I386.registers[regnum]!.offset, value >>> 0, true);
  for (let i = 0; i < GP_ORDER.length; i++) put(i, cpu.regs[GP_ORDER[i]!]!);
  put(REG.eip!, cpu.eip);
  put(REG.eflags!, cpu.getEflags());
  for (let i = 0; i < SEG_ORDER.length; i++) put(REG.cs! + i, cpu.segSel[SEG_ORDER[i]!]! & 0xffff);
  put(REG.fs_base!, cpu.segBase[FS]!);
  put(REG.gs_base!, cpu.segBase[GS]!);
  put(REG.cr0!, cpu.cr0);
  put(REG.cr2!, cpu.cr2);
  put(REG.cr3!, cpu.cr3);
  put(REG.cr4!, cpu.cr4);
  const fpu = cpu.fpu;
  for (let i = 0; i < 8; i++) {
    const from = fpu.physical(i) * X87_REG_BYTES;
    out.set(fpu.data.subarray(from, from + X87_REG_BYTES), I386.registers[ST0 + i]!.offset);
  }
  const control = [fpu.fcw, fpu.fsw, fpu.ftw, fpu.fcs, fpu.fip, fpu.fds, fpu.fdp, fpu.fop];
  for (let i = 0; i < control.length; i++) put(X87_CONTROL + i, control[i]!);
  out.set(fpu.xmm, I386.registers[XMM0]!.offset);
  put(REG.mxcsr!, fpu.mxcsr);
  return out;
}

/**
 * Writes register `regnum` (I386 numbering) from its little-endian bytes. Segment registers load
 * their cache as MOV would in the current mode, but a selector MOV would fault on still gets its
 * descriptor (or just the selector when unreadable): the debugger is never refused and the guest
 * never sees an exception. k_gs_base, cr8 and efer do not exist on this CPU: ignored.
 */
export function writeRegister(cpu: Cpu, regnum: number, bytes: Uint8Array): void {
  const reg = I386.registers[regnum];
  if (reg === undefined || bytes.length !== reg.bytes) throw new RangeError(`bad register ${regnum}`);
  const fpu = cpu.fpu;
  if (regnum >= ST0 && regnum < ST0 + 8) {
    fpu.data.set(bytes, fpu.physical(regnum - ST0) * X87_REG_BYTES);
    return;
  }
  if (regnum >= XMM0 && regnum < XMM0 + 8) {
    fpu.xmm.set(bytes, (regnum - XMM0) * XMM_REG_BYTES);
    return;
  }
  const value = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  if (regnum < GP_ORDER.length) {
    cpu.regs[GP_ORDER[regnum]!] = value | 0;
    return;
  }
  const seg = regnum - REG.cs!;
  if (seg >= 0 && seg < SEG_ORDER.length) {
    loadSegmentForDebugger(cpu, SEG_ORDER[seg]!, value & 0xffff);
    return;
  }
  switch (reg.name) {
    case "eip":
      cpu.eip = value;
      return;
    case "eflags":
      cpu.setEflags(value);
      return;
    case "fs_base":
      cpu.segBase[FS] = value | 0;
      break;
    case "gs_base":
      cpu.segBase[GS] = value | 0;
      break;
    case "cr0":
      cpu.cr0 = value;
      cpu.flushTlb();
      break;
    case "cr2":
      cpu.cr2 = value;
      return;
    case "cr3":
      cpu.cr3 = value;
      cpu.flushTlb();
      break;
    case "cr4":
      cpu.cr4 = value;
      cpu.flushTlb();
      break;
    case "fctrl":
      fpu.fcw = value & 0xffff;
      return;
    case "fstat":
      fpu.fsw = value & 0xffff;
      return;
    case "ftag":
      fpu.ftw = value & 0xffff;
      return;
    case "fiseg":
      fpu.fcs = value & 0xffff;
      return;
    case "fioff":
      fpu.fip = value;
      return;
    case "foseg":
      fpu.fds = value & 0xffff;
      return;
    case "fooff":
      fpu.fdp = value;
      return;
    case "fop":
      fpu.fop = value & 0x7ff;
      return;
    case "mxcsr":
      fpu.mxcsr = value & 0xffff;
      return;
    default:
      return;
  }
  cpu.updateModes();
}

/** Real/v86 mode: base = sel << 4; protected mode: the descriptor's cache, no checks. */
function loadSegmentForDebugger(cpu: Cpu, seg: number, sel: number): void {
  if (!cpu.pmode) {
    cpu.segSel[seg] = sel;
    cpu.segBase[seg] = sel << 4;
  } else {
    try {
      if ((sel & ~3) !== 0 && readDescriptor(cpu, sel, scratch)) setSegmentCache(cpu, seg, sel, scratch);
      else cpu.segSel[seg] = sel;
    } catch (e) {
      if (!(e instanceof CpuFault)) throw e;
      cpu.segSel[seg] = sel; // the table itself is unreadable (paging): keep the old cache
    }
  }
  if (seg === CS) cpu.cpl = cpu.pmode ? sel & 3 : cpu.cpl;
  cpu.updateModes();
}

/** One segment register's selector and cache. */
function segmentView(cpu: Cpu, s: number): SegmentView {
  return {
    selector: cpu.segSel[s]! & 0xffff,
    base: cpu.segBase[s]! >>> 0,
    limit: cpu.segLimit[s]! >>> 0,
    attrs: cpu.segAttr[s]!,
  };
}

/** The DebugTarget.describeCpu summary. */
export function describeCpu(cpu: Cpu): CpuView {
  const mode = cpu.v86 ? "v86" : cpu.pmode ? (cpu.code32 ? "protected32" : "protected16") : "real";
  return {
    index: cpu.index,
    mode,
    paging: cpu.paging,
    halted: cpu.halted,
    cpl: cpu.cpl,
    segments: {
      es: segmentView(cpu, ES),
      cs: segmentView(cpu, CS),
      ss: segmentView(cpu, SS),
      ds: segmentView(cpu, DS),
      fs: segmentView(cpu, FS),
      gs: segmentView(cpu, GS),
    },
    gdtr: { base: cpu.gdtrBase >>> 0, limit: cpu.gdtrLimit },
    idtr: { base: cpu.idtrBase >>> 0, limit: cpu.idtrLimit },
    ldtr: segmentView(cpu, LDTR),
    tr: segmentView(cpu, TR),
    cr: { cr0: cpu.cr0 >>> 0, cr2: cpu.cr2 >>> 0, cr3: cpu.cr3 >>> 0, cr4: cpu.cr4 >>> 0 },
    instructions: cpu.instructions,
  };
}
