// Text for `monitor info registers` and `monitor info cpus`, in the layout of QEMU's HMP
// (`info registers` prints general registers, segment caches, descriptor tables, control registers).
import { registerValue } from "../../emu/debug-arch.ts";
import type { CpuView, DebugTarget, SegmentView } from "../../emu/debug-target.ts";

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, "0");
const hex4 = (n: number) => (n & 0xffff).toString(16).padStart(4, "0");

/** A mode name for humans. */
export function modeName(view: CpuView): string {
  const base =
    view.mode === "real" ? "real mode" : view.mode === "v86" ? "virtual-8086 mode" : `${view.mode} mode`;
  return view.paging ? `${base}, paging` : base;
}

/** One segment line: `CS =f000 ffff0000 0000ffff 00009b00`. */
function segmentLine(name: string, seg: SegmentView): string {
  return `${name.padEnd(3)}=${hex4(seg.selector)} ${hex8(seg.base)} ${hex8(seg.limit)} ${hex8(seg.attrs)}`;
}

/** `info registers` for one vCPU of an i386 target (register names as in the I386 description). */
export function infoRegisters(target: DebugTarget, cpu: number): string {
  const r = target.readRegisters(cpu);
  const v = target.describeCpu(cpu);
  const reg = (name: string) => registerValue(target.arch, r, name);
  const linear = (v.segments.cs.base + reg("eip")) >>> 0;
  const lines = [
    `CPU#${cpu} (${modeName(v)}${v.halted ? ", halted" : ""})`,
    `EAX=${hex8(reg("eax"))} EBX=${hex8(reg("ebx"))} ECX=${hex8(reg("ecx"))} EDX=${hex8(reg("edx"))}`,
    `ESI=${hex8(reg("esi"))} EDI=${hex8(reg("edi"))} EBP=${hex8(reg("ebp"))} ESP=${hex8(reg("esp"))}`,
    `EIP=${hex8(reg("eip"))} EFL=${hex8(reg("eflags"))} CPL=${v.cpl}`,
    `PC: CS:IP=${hex4(v.segments.cs.selector)}:${hex8(reg("eip")).slice(v.mode === "real" ? 4 : 0)} linear=0x${linear.toString(16)}`,
    segmentLine("ES", v.segments.es),
    segmentLine("CS", v.segments.cs),
    segmentLine("SS", v.segments.ss),
    segmentLine("DS", v.segments.ds),
    segmentLine("FS", v.segments.fs),
    segmentLine("GS", v.segments.gs),
    segmentLine("LDT", v.ldtr),
    segmentLine("TR", v.tr),
    `GDT=     ${hex8(v.gdtr.base)} ${hex8(v.gdtr.limit)}`,
    `IDT=     ${hex8(v.idtr.base)} ${hex8(v.idtr.limit)}`,
    `CR0=${hex8(v.cr.cr0)} CR2=${hex8(v.cr.cr2)} CR3=${hex8(v.cr.cr3)} CR4=${hex8(v.cr.cr4)}`,
    `instructions retired: ${v.instructions}`,
  ];
  return `${lines.join("\n")}\n`;
}

/** `info cpus`: one line per vCPU, `*` marks the selected one. */
export function infoCpus(target: DebugTarget, selected: number, running: boolean): string {
  const lines: string[] = [];
  const arch = target.arch;
  for (let cpu = 0; cpu < (target.vcpus?.cpuCount() ?? 1); cpu++) {
    const v = target.describeCpu(cpu);
    const eip = registerValue(arch, target.readRegisters(cpu), arch.registers[arch.pc]!.name);
    const linear = (v.segments.cs.base + eip) >>> 0;
    const state = v.halted ? "halted" : running ? "running" : "stopped";
    lines.push(
      `${cpu === selected ? "*" : " "} CPU #${cpu}: thread_id=${cpu + 1} ${modeName(v)} ` +
        `pc=0x${linear.toString(16)} (${hex4(v.segments.cs.selector)}:${eip.toString(16)}) ${state}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
