// The debugger's view of one CPU: registers in gdb's i386 `g` order, register writes that behave as
// a debugger expects (segment writes reload the descriptor cache without faulting the guest), and the
// mode/segment/control-register summary of DebugTarget.describeCpu.
import type { Cpu } from "../cpu/cpu.ts";
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
import type { CpuView, I386RegName, SegmentView } from "../debug-target.ts";

/** gdb's general register order mapped to the x86 encoding. */
const GP_ORDER = [EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI] as const;
/** gdb's segment register order (cs, ss, ds, es, fs, gs). */
const SEG_ORDER = [CS, SS, DS, ES, FS, GS] as const;
const GP_INDEX: Partial<Record<I386RegName, number>> = {
  eax: EAX,
  ecx: ECX,
  edx: EDX,
  ebx: EBX,
  esp: ESP,
  ebp: EBP,
  esi: ESI,
  edi: EDI,
};
const SEG_INDEX: Partial<Record<I386RegName, number>> = { cs: CS, ss: SS, ds: DS, es: ES, fs: FS, gs: GS };
const scratch = new Descriptor();

/** The integer registers in I386_REG_NAMES order, unsigned. */
export function readRegisters(cpu: Cpu): number[] {
  const out: number[] = [];
  for (const r of GP_ORDER) out.push(cpu.regs[r]! >>> 0);
  out.push(cpu.eip >>> 0, cpu.getEflags() >>> 0);
  for (const s of SEG_ORDER) out.push(cpu.segSel[s]! & 0xffff);
  out.push(cpu.segBase[FS]! >>> 0, cpu.segBase[GS]! >>> 0, 0);
  out.push(cpu.cr0 >>> 0, cpu.cr2 >>> 0, cpu.cr3 >>> 0, cpu.cr4 >>> 0, 0, 0);
  return out;
}

/**
 * Writes one register. Segment registers load their cache as MOV would in the current mode, but a
 * selector MOV would fault on still gets its descriptor (or just the selector when unreadable):
 * the debugger is never refused and the guest never sees an exception. cr8/efer/k_gs_base are ignored.
 */
export function writeRegister(cpu: Cpu, name: I386RegName, value: number): void {
  const gp = GP_INDEX[name];
  if (gp !== undefined) {
    cpu.regs[gp] = value | 0;
    return;
  }
  const seg = SEG_INDEX[name];
  if (seg !== undefined) {
    loadSegmentForDebugger(cpu, seg, value & 0xffff);
    return;
  }
  switch (name) {
    case "eip":
      cpu.eip = value >>> 0;
      return;
    case "eflags":
      cpu.setEflags(value >>> 0);
      return;
    case "fs_base":
      cpu.segBase[FS] = value | 0;
      break;
    case "gs_base":
      cpu.segBase[GS] = value | 0;
      break;
    case "cr0":
      cpu.cr0 = value >>> 0;
      cpu.flushTlb();
      break;
    case "cr2":
      cpu.cr2 = value >>> 0;
      return;
    case "cr3":
      cpu.cr3 = value >>> 0;
      cpu.flushTlb();
      break;
    case "cr4":
      cpu.cr4 = value >>> 0;
      cpu.flushTlb();
      break;
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
