// The bare board of issue 2: RAM from 0, the BIOS ROM at the top of 4 GiB with its last 128 KiB (or
// all of it when smaller) aliased below 1 MiB as QEMU's isa-bios, the debug consoles and an optional
// isa-debug-exit. Everything is created here in one place, like QEMU's pc_init1; the i440fx board
// of a later issue follows the same shape.

import { DebugExit } from "../devices/debug-exit.ts";
import { DebugCon } from "../devices/debugcon.ts";
import { type Board, ConfigError, type MachineOptions } from "./config.ts";
import { biosSizeProblem, DEFAULT_MEM, ISA_BIOS_MAX, MEM_MAX_BELOW_4G, memSizeProblem } from "./limits.ts";
import { Machine } from "./machine.ts";

const MiB = 1024 * 1024;

/** The board. */
export const bareBoard: Board = {
  name: "bare",

  bufferBytes(options: MachineOptions): number {
    // All RAM is below 4 GiB: at most MEM_MAX_BELOW_4G, which init checks.
    return Math.min(options.memBytes ?? DEFAULT_MEM, MEM_MAX_BELOW_4G) + options.bios.length;
  },

  init(machine: Machine, options: MachineOptions): void {
    const memBytes = options.memBytes ?? DEFAULT_MEM;
    const problem =
      memSizeProblem(memBytes, MEM_MAX_BELOW_4G, "the bare board") ?? biosSizeProblem(options.bios.length);
    if (problem !== null) throw new ConfigError(problem);
    const space = machine.memory;
    const ram = space.allocRam("pc.ram", memBytes);
    space.addAlias("ram-below-4g", 0, ram, 0, memBytes);
    const size = options.bios.length;
    const bios = space.addRom("pc.bios", 2 ** 32 - size, size, options.bios);
    const isaSize = Math.min(size, ISA_BIOS_MAX);
    space.addAlias("isa-bios", MiB - isaSize, bios, size - isaSize, isaSize, { priority: 1 });

    for (const con of options.debugcons ?? []) {
      claimPort(machine, con.port, 1, "a debug console");
      machine.addDevice(new DebugCon(machine.io, con.port, machine.gatedSink(con.sink)));
    }
    if (options.debugExit !== undefined) {
      const { port, size: ioSize } = options.debugExit;
      claimPort(machine, port, ioSize ?? 2, "isa-debug-exit");
      machine.addDevice(new DebugExit(machine.io, port, (status) => machine.requestExit(status), ioSize));
    }
  },
};

/** Throws a ConfigError when a port of [port, port+count) is taken or out of range. */
function claimPort(machine: Machine, port: number, count: number, what: string): void {
  if (!Number.isInteger(port) || port < 0 || port + count - 1 > 0xffff) {
    throw new ConfigError(`port ${port} for ${what} is outside 0..0xffff`);
  }
  for (let p = port; p < port + count; p++) {
    const owner = machine.io.ownerName(p);
    if (owner !== null)
      throw new ConfigError(`port 0x${p.toString(16)} for ${what} is already used by ${owner}`);
  }
}

/** Builds the bare machine of issue 2 (throws ConfigError for bad options). */
export function createBareMachine(options: MachineOptions): Machine {
  return new Machine(options, bareBoard);
}
