// SMBIOS type 4, Processor Information, one per socket as QEMU 7.2 builds them: sockets named
// "CPU" and the socket number in hex, two columns wide ("%s%2x": "CPU 0", "CPU 9", "CPU4d"),
// central processors of family "Other", the boot CPU's CPUID signature and feature flags as the
// processor ID, QEMU's default 2000 MHz speeds, every socket populated and enabled, and the package's
// core and thread counts (capped at 255). Handles 0x400 + socket.
import { SmbiosStructure } from "./structure.ts";

const PROCESSOR_CENTRAL = 0x03;
const FAMILY_OTHER = 0x01;
const UPGRADE_OTHER = 0x01;
/** Status: socket populated (bit 6), CPU enabled (1). */
const STATUS_POPULATED_ENABLED = 0x41;
/** Characteristics: "Unknown" (bit 1). */
const CHARACTERISTICS_UNKNOWN = 0x0002;
/** No cache information (cache handles). */
const NO_HANDLE = 0xffff;
/** QEMU's default -smbios type=4 max-speed and current-speed, MHz. */
const DEFAULT_SPEED_MHZ = 2000;

/** What each socket's structure says. */
export interface SmbiosProcessors {
  sockets: number;
  /** Cores per socket (QEMU: dies x cores) and logical CPUs per socket. */
  coresPerSocket: number;
  threadsPerSocket: number;
  /** CPUID.1:EAX and the model's CPUID.1:EDX feature flags. */
  signature: number;
  featuresEdx: number;
  manufacturer: string;
  /** The version string (QEMU's machine type name). */
  version: string;
}

/** Type 4 (SMBIOS 2.6+ layout, 42 bytes) for socket `socket`. */
export function processorInformation(p: SmbiosProcessors, socket: number): Uint8Array {
  return new SmbiosStructure(4, 0x2a, 0x400 + socket)
    .str(4, `CPU${socket.toString(16).padStart(2, " ")}`)
    .u8(5, PROCESSOR_CENTRAL)
    .u8(6, FAMILY_OTHER)
    .str(7, p.manufacturer)
    .u32(8, p.signature)
    .u32(12, p.featuresEdx)
    .str(16, p.version)
    .u8(17, 0) // voltage
    .u16(18, 0) // external clock: unknown
    .u16(20, DEFAULT_SPEED_MHZ)
    .u16(22, DEFAULT_SPEED_MHZ)
    .u8(24, STATUS_POPULATED_ENABLED)
    .u8(25, UPGRADE_OTHER)
    .u16(26, NO_HANDLE)
    .u16(28, NO_HANDLE)
    .u16(30, NO_HANDLE)
    .str(32, "") // serial number
    .str(33, "") // asset tag
    .str(34, "") // part number
    .u8(35, Math.min(p.coresPerSocket, 0xff))
    .u8(36, Math.min(p.coresPerSocket, 0xff))
    .u8(37, Math.min(p.threadsPerSocket, 0xff))
    .u16(38, CHARACTERISTICS_UNKNOWN)
    .u16(40, FAMILY_OTHER)
    .encode();
}
