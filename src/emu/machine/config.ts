// What a machine is built from: the options a user gives (`pcscope run` flags map onto them) and the
// Board that wires regions and devices, one per machine type (board-bare.ts, and pc.ts for the i440fx).
import type { ByteSink } from "../devices/debugcon.ts";
import type { TraceBus } from "../trace/bus.ts";
import type { Machine } from "./machine.ts";

/** Bad machine configuration (wrong ROM size, port clash...): the CLI prints it as one line. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** One isa-debugcon instance. */
export interface DebugconOption {
  port: number;
  /** null: keep the text only (Machine.debugcons[i].text()). */
  sink: ByteSink | null;
}

/** Machine options. */
export interface MachineOptions {
  /** The BIOS image (a multiple of 64 KiB). */
  bios: Uint8Array;
  /** RAM in bytes (default 32 MiB). */
  memBytes?: number;
  debugcons?: DebugconOption[];
  /** QEMU's isa-debug-exit at this port (iosize default 2). */
  debugExit?: { port: number; size?: number };
  /** A triple fault or reset request stops the machine instead of resetting it. */
  noReboot?: boolean;
  /** Translate hot code to JavaScript (default: on unless the environment has PCSCOPE_JIT=0). */
  jit?: boolean;
  /** Speed of the virtual clock (default 100 M instructions per virtual second). */
  instructionsPerSecond?: number;
  /** A trace bus to emit into (default: a new one). */
  trace?: TraceBus;
  /** The CPU model (a `--cpu` name: CPUID as QEMU's model of that name); default pcscope's own. */
  cpuModel?: string;
}

/** Something that builds a machine type's regions and devices. */
export interface Board {
  readonly name: string;
  /** Bytes of RAM+ROM the board will allocate (the address space's one buffer). */
  bufferBytes(options: MachineOptions): number;
  /** Maps memory and creates devices on `machine`. Throws ConfigError for bad options. */
  init(machine: Machine, options: MachineOptions): void;
}

/** A device as the machine manages it: optional reset and output flushing. */
export interface MachineDevice {
  /** Shown in device listings (`isa-debugcon@0x402`). */
  readonly name: string;
  /** System reset (the reset button): back to the power-on register state. */
  reset?(): void;
  /** Pushes buffered host output (called whenever run() returns). */
  flush?(): void;
  /** Completes pending work (block requests) so saveState() sees none; throws if it cannot. */
  quiesce?(): void;
  /** The device's state as plain data, loadable any number of times (machine snapshots). */
  saveState?(): unknown;
  /** Puts back a state saveState() returned. */
  loadState?(state: unknown): void;
  /** The machine forgets a state saveState() returned (resources it kept for it can go). */
  releaseState?(state: unknown): void;
}
