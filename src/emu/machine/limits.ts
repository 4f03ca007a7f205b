// Size limits of the machine's memory and BIOS image, checked before anything is built so the
// command line can refuse bad input without loading the emulator.

const KiB = 1024;
const MiB = 1024 * KiB;
/** QEMU requires -bios images to be a multiple of 64 KiB. */
export const BIOS_GRANULE = 64 * KiB;
/** Largest BIOS image accepted (it must fit under 4 GiB next to nothing else). */
export const BIOS_MAX = 16 * MiB;
/** The isa-bios window below 1 MiB shows at most this much of the ROM's end. */
export const ISA_BIOS_MAX = 128 * KiB;
const GiB = 1024 * MiB;
/**
 * RAM size limits. From 3.5 GiB on the PC splits RAM at 3 GiB and shows the rest above 4 GiB (QEMU's
 * layout), kept outside the 4 GiB host buffer; 8 GiB is what a host of 24 GiB runs beside a few
 * other machines when the guest writes all of it (RAM it never writes costs no host memory).
 */
export const MEM_MIN = MiB;
export const MEM_MAX = 8 * GiB;
/** The most RAM QEMU's pc machine keeps all below 4 GiB: the bare board's limit (it has no RAM above). */
export const MEM_MAX_BELOW_4G = 3583 * MiB;
export const DEFAULT_MEM = 32 * MiB;

/** Returns why `size` bytes cannot be a BIOS image, or null when it can. */
export function biosSizeProblem(size: number): string | null {
  if (size === 0) return "the BIOS image is empty";
  if (size % BIOS_GRANULE !== 0) {
    return `the BIOS image is ${size} bytes: it must be a multiple of 64 KiB (65536 bytes), like QEMU's -bios`;
  }
  if (size > BIOS_MAX) return `the BIOS image is ${size} bytes: at most 16 MiB is supported`;
  return null;
}

/**
 * Returns why `bytes` of RAM cannot be configured, or null (`max`: the board's limit, MEM_MAX for
 * the PC, and `who` runs up to it). Worded after QEMU's "ram size too large"; QEMU takes -m 0 as
 * its default size, which pcscope refuses rather than guess.
 */
export function memSizeProblem(bytes: number, max = MEM_MAX, who = "pcscope"): string | null {
  const top = max % GiB === 0 ? `${max / GiB}G` : `${max / MiB}M`;
  const range = `${who} runs ${MEM_MIN / MiB}M to ${top}`;
  if (bytes < MEM_MIN) return `ram size too small (got ${bytes} bytes; ${range})`;
  if (bytes > max) return `ram size too large (got ${bytes} bytes; ${range})`;
  if (!Number.isInteger(bytes) || bytes % (4 * KiB) !== 0)
    return `ram size must be a multiple of 4 KiB (got ${bytes} bytes)`;
  return null;
}

/** QEMU's ACPI_MAX_RAM_SLOTS: the most DIMM slots -m slots= may ask for. */
export const MAX_RAM_SLOTS = 256;

/** -m SIZE[,slots=N,maxmem=SIZE]. */
export interface MemConfig {
  ramBytes: number;
  /** Hot-plug DIMM slots (0: none). */
  slots: number;
  /** The most RAM with hot-plugged DIMMs (= ramBytes: no device memory). */
  maxBytes: number;
}

/**
 * Why `mem` cannot be, in QEMU's words (its -m checks and pc_memory_init's), or null. The RAM size
 * itself is memSizeProblem's.
 */
export function memConfigProblem(mem: MemConfig): string | null {
  const hex = (n: number) => `0x${n.toString(16)}`;
  if (mem.slots > 0 && mem.maxBytes === mem.ramBytes)
    return `invalid value of maxmem: memory slots were specified but maximum memory size (${hex(mem.maxBytes)}) is equal to the initial memory size (${hex(mem.ramBytes)})`;
  if (mem.maxBytes < mem.ramBytes)
    return `invalid value of maxmem: maximum memory size (${hex(mem.maxBytes)}) must be at least the initial memory size (${hex(mem.ramBytes)})`;
  if (mem.maxBytes > mem.ramBytes) {
    if (mem.slots > MAX_RAM_SLOTS) return `unsupported amount of memory slots: ${mem.slots}`;
    if (mem.maxBytes % 4096 !== 0) return "maximum memory size must by aligned to multiple of 4096 bytes";
  }
  return null;
}
