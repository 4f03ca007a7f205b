// Whole-machine snapshots: every CPU (cpu-snapshot.ts), RAM and ROM as shared pages (snapshot/ram.ts),
// every device's saveState() (timers with their deadlines, interrupt controllers, chipset, IDE, the
// drives' write overlays), and the machine's own run state. Virtual time needs no state of its own:
// it is the boot CPU's virtual ticks. A MachineState is immutable and can be loaded many times.
import type { BlockBackend } from "../block/index.ts";
import { type CpuSnapshot, loadCpu, saveCpu } from "../cpu/cpu-snapshot.ts";
import { stateBytes } from "../snapshot/plain.ts";
import { captureRam, type RamImage, restoreRam } from "../snapshot/ram.ts";
import type { MachineDevice } from "./config.ts";
import type { Machine } from "./machine.ts";

/** A saved machine: opaque apart from where it was taken and what it costs. */
export class MachineState {
  constructor(
    /** The boot CPU's virtual ticks (retired instructions plus skipped idle ticks) when saved. */
    readonly position: number,
    /** The boot CPU's history position (Cpu.historyPosition: ticks plus deliveries) when saved. */
    readonly historyPosition: number,
    /** Bytes of memory this state owns (RAM pages it does not share, page table, device state). */
    readonly bytes: number,
    readonly cpus: readonly CpuSnapshot[],
    /** One image per RAM store of the address space (AddressSpace.ramStores; ROM is not state: the guest cannot write it). */
    readonly ram: readonly RamImage[],
    /** Each machine device's state, by its index in Machine.devices (null: stateless). */
    readonly devices: readonly unknown[],
    readonly run: { readonly exitStatus: number | null; readonly resets: number; readonly stopCpu: number },
  ) {
    Object.freeze(this);
  }
}

/**
 * Saves `m`, sharing unchanged RAM pages with `prev` (the last image saved or loaded). Devices complete pending block requests first
 * (quiesce). Throws (with nothing saved) when a device cannot be saved now.
 */
export function saveMachine(m: Machine, prev: readonly RamImage[] | null): MachineState {
  for (const d of m.devices) d.quiesce?.();
  const devices: unknown[] = [];
  try {
    for (const d of m.devices) devices.push(d.saveState?.() ?? null);
  } catch (e) {
    releaseDevices(m.devices, devices);
    throw e;
  }
  const ram = m.memory.ramStores().map((bytes, i) => captureRam(bytes, prev?.[i] ?? null));
  const cpus = m.cpus.map(saveCpu);
  const bytes = ram.reduce((n, image) => n + image.bytes, 0) + stateBytes(devices) + stateBytes(cpus);
  const run = { exitStatus: m.exitStatus, resets: m.resets, stopCpu: m.stopCpu };
  const boot = m.cpus[0]!;
  return new MachineState(boot.virtualTicks(), boot.historyPosition(), bytes, cpus, ram, devices, run);
}

/** Puts `s` back into `m`: RAM, then devices (memory windows), then the CPUs (their caches flushed). */
export function loadMachine(m: Machine, s: MachineState): void {
  if (s.cpus.length !== m.cpus.length || s.devices.length !== m.devices.length)
    throw new Error("snapshot: the state was saved from another machine");
  for (const d of m.devices) d.quiesce?.();
  m.memory.ramStores().forEach((bytes, i) => {
    restoreRam(bytes, s.ram[i]!);
  });
  m.devices.forEach((d, i) => {
    const st = s.devices[i];
    if (st !== null) d.loadState?.(st);
  });
  m.cpus.forEach((c, i) => {
    loadCpu(c, s.cpus[i]!);
  });
  m.exitStatus = s.run.exitStatus;
  m.resets = s.run.resets;
  m.stopCpu = s.run.stopCpu;
}

/** Tells each device that saved a state in `states` (by index) that it is forgotten. */
function releaseDevices(devices: readonly MachineDevice[], states: readonly unknown[]): void {
  states.forEach((st, i) => {
    if (st !== null) devices[i]!.releaseState?.(st);
  });
}

/** The machine forgets `s` (the drives write what no live state needs back any more). */
export function releaseMachine(m: Machine, s: MachineState): void {
  releaseDevices(m.devices, s.devices);
}

/** A drive's snapshot device: its guest-visible contents through the backend's write overlay. */
export function driveStateDevice(backend: BlockBackend): MachineDevice {
  return {
    name: `drive:${backend.name}`,
    saveState: () => backend.saveOverlay(),
    loadState: (s) => backend.loadOverlay(s as ReturnType<BlockBackend["saveOverlay"]>),
    releaseState: (s) => backend.releaseOverlay(s as ReturnType<BlockBackend["saveOverlay"]>),
  };
}
